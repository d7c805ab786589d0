/**
 * `xr catalog import`: installs a city's new catalog export into its adapter
 * folder. The export is verified first with the conformance kit's checks
 * for the region, then compared with the catalog installed now; only a
 * verified export is written, atomically (a temporary file renamed over the
 * old one), so a running gateway or a crash never sees half a file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveAdapter } from "../config/region-adapter.js";
import type { RegionCatalog } from "../domain/matter.js";
import { type CatalogDiff, diffCatalogs } from "./catalog-diff.js";
import { readCatalogFile } from "./catalog-file.js";
import { passed, type Report } from "./conformance/report.js";
import { verifyRegion } from "./conformance/verify.js";

/** What to import, and from where config/ and adapters/ are read. */
export interface ImportOptions {
  readonly file: string;
  readonly region: string;
  readonly configDir: string;
  readonly adaptersDir: string;
  /** Verify and compare only; write nothing. */
  readonly dryRun: boolean;
  readonly cwd?: string;
}

/** The outcome: the kit's report, and when it passed, the diff and where the export went. */
export interface ImportResult {
  readonly report: Report;
  readonly diff?: CatalogDiff;
  /** The file written; undefined for a dry run or a refused export. */
  readonly written?: string;
}

/** Verifies, compares and (unless a dry run or refused) installs the export. */
export async function importCatalog(o: ImportOptions): Promise<ImportResult> {
  if (!existsSync(o.file)) throw new Error(`${o.file}: no such file`);
  const report = await verifyRegion(o.region, { ...o, catalogPath: o.file });
  if (!passed(report)) return { report };
  const adapter = await resolveAdapter(o.adaptersDir, o.region);
  const target = join(o.adaptersDir, o.region, adapter.catalogFile);
  const next = await readCatalogFile(o.file, o.region, o.configDir, o.adaptersDir);
  const current: RegionCatalog = existsSync(target)
    ? await readCatalogFile(target, o.region, o.configDir, o.adaptersDir)
    : { regionCode: o.region, version: "(none)", matters: [], byCode: new Map(), byLocalCode: new Map() };
  const diff = diffCatalogs(current, next);
  if (o.dryRun) return { report, diff };
  const temp = `${target}.import-${process.pid}`;
  writeFileSync(temp, readFileSync(o.file));
  renameSync(temp, target);
  return { report, diff, written: target };
}
