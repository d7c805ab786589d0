/**
 * The conformance kit: runs every check against one region's adapter,
 * catalog and mapping, as `xr adapter verify <region>` and the region's own
 * CI do, and returns a report (see report.ts). It reads files; it changes none.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import iconv from "iconv-lite";
import { tryUtf8 } from "../../../adapters/sdk/encoding.js";
import {
  adapterModule,
  type MappingSource,
  readMapping,
  resolveAdapter,
} from "../../config/region-adapter.js";
import type { HandlingMode } from "../../domain/case.js";
import type { RegionCatalog } from "../../domain/matter.js";
import type { CatalogContext, RegionAdapter } from "../../ports/adapter.js";
import {
  checkAgreed,
  checkEncoding,
  checkFields,
  checkLimits,
  checkMapping,
  checkMembers,
  checkRawEncoding,
  checkStale,
  err,
  type Locate,
  parseFailure,
  warn,
} from "./checks.js";
import type { CheckId, Finding, Report } from "./report.js";
import { differences, samplesFor } from "./samples.js";
import { displayPath, type RegionSources, readRegionSources } from "./sources.js";

/** Where to find the region's files. */
export interface VerifyOptions {
  readonly configDir: string;
  readonly adaptersDir: string;
  /** Paths in the report are shown relative to this directory (default: the process's). */
  readonly cwd?: string;
  /** Reads the catalog from this file instead of adapters/<code>/ (an export before `xr catalog import`). */
  readonly catalogPath?: string;
}

/** A case record may not exceed this size (it rides in bus messages and city APIs). */
const MAX_RECORD_BYTES = 1024 * 1024;

/** Verifies region `code`; throws only when config/ itself is unreadable. */
export async function verifyRegion(code: string, o: VerifyOptions): Promise<Report> {
  const show = displayPath(o.cwd ?? process.cwd());
  const dir = join(o.adaptersDir, code);
  const shownDir = show(dir);
  const src = readRegionSources(o.configDir, code, show);
  const findings: Finding[] = [];
  const notes: Partial<Record<CheckId, string>> = {};
  const report = (kind: string, skipped: CheckId[], unreadable = false): Report => ({
    region: code,
    name: src.name,
    kind,
    notes,
    findings,
    // A check with findings of its own is not reported as skipped.
    skipped: skipped.filter((id) => !findings.some((f) => f.check === id)),
    unreadable,
  });
  if (!src.member)
    findings.push(
      warn(
        "mapping",
        show(join(o.configDir, "federation.yaml")),
        `${code} is not a federation member yet, so no agreement is checked`,
        "add the region to config/federation.yaml (see docs/onboarding.md) once the adapter verifies",
      ),
    );

  let adapter: RegionAdapter;
  try {
    adapter = await resolveAdapter(o.adaptersDir, code);
  } catch (e) {
    findings.push(
      err(
        "catalog",
        shownDir,
        (e as Error).message,
        `create the region's files with \`npm run xr -- adapter scaffold ${code}\``,
      ),
    );
    return report("no adapter", ["fields", "mapping", "roundtrip", "encoding", "limits"]);
  }
  const kind = adapterModule(o.adaptersDir, code)
    ? `adapter.ts reading ${adapter.catalogFile}, mapping.yaml`
    : `declarative: ${adapter.catalogFile} + mapping.yaml`;

  let mapping: MappingSource;
  try {
    const path = join(dir, "mapping.yaml");
    mapping = readMapping(path, show(path));
  } catch (e) {
    findings.push(...parseFailure(e, shownDir).map((f) => ({ ...f, check: "mapping" as const })));
    return report(kind, ["fields", "roundtrip", "encoding", "limits"]);
  }
  findings.push(...checkMapping(src, mapping), ...checkMembers(src));

  const catalogPath = o.catalogPath ?? join(dir, adapter.catalogFile);
  if (!existsSync(catalogPath)) {
    findings.push(
      err(
        "catalog",
        show(catalogPath),
        "the catalog file is missing",
        `put the city's catalog export at ${show(catalogPath)}`,
      ),
    );
    return report(kind, ["fields", "roundtrip", "encoding", "limits"]);
  }
  const raw = readFileSync(catalogPath);
  findings.push(...checkRawEncoding(raw, adapter.catalogEncoding ?? "utf-8", show(catalogPath)));
  const ctx: CatalogContext = { shared: src.shared, mapping: mapping.mapping };
  let catalog: RegionCatalog;
  const started = performance.now();
  try {
    catalog = adapter.parseCatalog(raw, ctx);
  } catch (e) {
    findings.push(...parseFailure(e, show(dirname(catalogPath))));
    return report(kind, ["fields", "mapping", "roundtrip", "encoding", "limits"], true);
  }
  const ms = Math.round(performance.now() - started);
  if (catalog.matters.length === 0) {
    findings.push(
      err(
        "catalog",
        show(catalogPath),
        "no matter of the catalog is in shared terms",
        "list the city's matters in the catalog and map their local codes in mapping.yaml",
      ),
    );
    return report(kind, ["fields", "roundtrip", "encoding", "limits"]);
  }
  notes.catalog = `${catalog.matters.length} matters in shared terms, version ${catalog.version} (${ms} ms)`;

  // The catalog as text, to find the line of a local code: UTF-8, else GB 18030.
  const text = tryUtf8(raw) ?? iconv.decode(raw, "gb18030");
  const locate = locator(text, show(catalogPath));
  findings.push(...checkFields(src, catalog, locate));
  findings.push(...checkAgreed(src, catalog, mapping));
  findings.push(...checkStale(src, catalog, mapping, (local) => text.includes(local)));
  findings.push(...checkEncoding(catalog, locate));
  findings.push(...checkLimits(catalog, locate));
  const agreedHere = src.agreements.filter((a) => a.to === code).reduce((n, a) => n + a.matters.length, 0);
  notes.mapping = `${mapping.mapping.matters.size} matters and ${mapping.mapping.materials.size} materials mapped; ${agreedHere} agreed matters handled here`;

  const rt = roundTrips(adapter, catalog, ctx, src);
  findings.push(...rt.findings);
  notes.roundtrip = `${rt.count} sample cases, shared → local → shared and local → shared → local`;
  return report(kind, []);
}

/** Finds the line of a local code in the catalog text, or names the record. */
function locator(text: string, file: string): Locate {
  const cache = new Map<string, string>();
  return (localCode) => {
    let where = cache.get(localCode);
    if (where === undefined) {
      const at = text.indexOf(localCode);
      where =
        at < 0
          ? `${file} record ${localCode}`
          : `${file} line ${text.slice(0, at).split("\n").length} (${localCode})`;
      cache.set(localCode, where);
    }
    return where;
  };
}

/** Sample cases of every agreed matter (or of the catalog when none is agreed), both ways. */
function roundTrips(
  adapter: RegionAdapter,
  catalog: RegionCatalog,
  ctx: CatalogContext,
  src: RegionSources,
): { count: number; findings: Finding[] } {
  const plans = new Map<string, { intake: string; handling: string; modes: readonly HandlingMode[] }>();
  for (const a of src.agreements)
    for (const m of a.matters)
      if (!plans.has(m.code)) plans.set(m.code, { intake: a.from, handling: a.to, modes: m.modes });
  if (plans.size === 0)
    for (const m of catalog.matters.slice(0, 50))
      plans.set(m.code, { intake: "430100", handling: src.region, modes: m.modes });
  const findings: Finding[] = [];
  let count = 0;
  for (const [code, plan] of plans) {
    const matter = src.shared.matters.get(code);
    if (!matter) continue;
    const version = plan.handling === src.region ? catalog.version : src.shared.version;
    for (const s of samplesFor(
      matter,
      (c) => src.shared.materials.get(c) ?? c,
      plan.intake,
      plan.handling,
      plan.modes,
      version,
    )) {
      count++;
      const where = `sample case "${s.label}"`;
      try {
        const local = adapter.caseToLocal(s.state, catalog, ctx);
        if (local.byteLength > MAX_RECORD_BYTES)
          findings.push(
            err(
              "limits",
              where,
              `the local record has ${local.byteLength} bytes`,
              "keep a case record under 1 MiB",
            ),
          );
        const back = adapter.caseFromLocal(local, catalog, ctx);
        const diffs = differences(s.state, back);
        for (const [path, sent, got] of diffs)
          findings.push(
            err(
              "roundtrip",
              where,
              `case field ${path} lost in translation: sent ${JSON.stringify(sent)}, got back ${JSON.stringify(got)}`,
              `write ${path} in caseToLocal and read it back in caseFromLocal`,
            ),
          );
        if (diffs.length === 0) {
          const again = adapter.caseToLocal(back, catalog, ctx);
          if (!Buffer.from(again).equals(local))
            findings.push(
              err(
                "roundtrip",
                where,
                "the city's record changes on its way local → shared → local",
                "make caseToLocal(caseFromLocal(record)) give back the record byte for byte",
              ),
            );
        }
      } catch (e) {
        findings.push(
          err(
            "roundtrip",
            where,
            `the adapter threw: ${(e as Error).message}`,
            "make caseToLocal/caseFromLocal handle every field of the case",
          ),
        );
      }
      // One failing matter is enough to show what is wrong; do not bury the report.
      if (findings.length >= 10) return { count, findings };
    }
  }
  return { count, findings };
}
