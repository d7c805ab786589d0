/**
 * Reads a catalog export of a region from any file (an older export kept
 * for comparison, a new one before it is installed) with the region's
 * adapter, mapping and the shared catalog: what `xr catalog diff` and
 * `xr catalog import` compare.
 */
import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { mustReadYaml } from "../config/read-yaml.js";
import { readMapping, resolveAdapter } from "../config/region-adapter.js";
import { mattersFile } from "../config/schemas.js";
import { sharedCatalog, sharedCatalogFile } from "../config/shared-catalog.js";
import type { RegionCatalog } from "../domain/matter.js";

/**
 * The region catalog files belong to: `region`, else the name of the first
 * file's directory that is a region code.
 */
export function regionOfFiles(files: readonly string[], region: string | undefined): string {
  const found = region ?? files.map((f) => basename(dirname(resolve(f)))).find((d) => /^\d{6}$/.test(d));
  if (found) return found;
  throw new Error(`${files.at(-1)}: say which region's catalog this is with --region <code>`);
}

/** Parses `file` as region `region`'s catalog; errors name the file. */
export async function readCatalogFile(
  file: string,
  region: string,
  configDir: string,
  adaptersDir: string,
): Promise<RegionCatalog> {
  const matters = mustReadYaml(sharedCatalogFile(configDir), mattersFile);
  const adapter = await resolveAdapter(adaptersDir, region);
  const { mapping } = readMapping(join(adaptersDir, region, "mapping.yaml"));
  try {
    return adapter.parseCatalog(readFileSync(file), { shared: sharedCatalog(matters), mapping });
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}
