/**
 * `npm run bench:catalog`: loads a generated federation of 50 declarative
 * regions with 10,000 matters each (`loadConfig`: the shared catalog, every
 * region's catalog.json and mapping.yaml, validation, indexing) and prints
 * the load time and the memory it holds; then times local ↔ shared lookups
 * on catalogs of growing size, to show they do not grow with the catalog.
 * Settings: BENCH_REGIONS (50), BENCH_MATTERS (10000).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../gateway/config/load.js";
import { indexCatalog, type Matter } from "../../gateway/domain/matter.js";
import { generateFederation } from "./catalog-fixture.js";

const regions = Number(process.env.BENCH_REGIONS ?? 50);
const matters = Number(process.env.BENCH_MATTERS ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), "xr-catalog-bench-"));
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

try {
  const codes = generateFederation(dir, regions, matters);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const config = await loadConfig(join(dir, "config"), join(dir, "adapters"));
  const loadMs = performance.now() - started;
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const total = [...config.federation.catalogs.values()].reduce((n, c) => n + c.matters.length, 0);
  console.log(`loaded ${regions} regions × ${matters} matters = ${total} matters in ${loadMs.toFixed(0)} ms`);
  console.log(
    `heap held by the loaded catalogs: ${mb(heapAfter - heapBefore)}${global.gc ? "" : " (run with --expose-gc for a settled figure)"}; rss ${mb(process.memoryUsage().rss)}`,
  );

  // The catalogs alone, with the mappings already in memory: read, UTF-8 check, JSON, validation, build, index.
  const t1 = performance.now();
  for (const code of codes) {
    const entry = config.adapters.get(code);
    if (!entry) throw new Error("bench region missing");
    entry.adapter.parseCatalog(
      readFileSync(join(dir, "adapters", code, entry.adapter.catalogFile)),
      entry.ctx,
    );
  }
  console.log(
    `parsing the ${regions} catalogs again, mappings already in memory: ${(performance.now() - t1).toFixed(0)} ms`,
  );

  // Lookups: one region's maps, 1M random local→shared→local round trips, on 1 region of each size.
  const lookups = 1_000_000;
  for (const code of [codes[0] as string]) {
    const catalog = config.federation.catalogs.get(code);
    const entry = config.adapters.get(code);
    if (!catalog || !entry) throw new Error("bench region missing");
    const keys = catalog.matters.map((m) => m.localCode);
    let hits = 0;
    const t0 = performance.now();
    for (let i = 0; i < lookups; i++) {
      const local = keys[(i * 7919) % keys.length] as string;
      const shared = catalog.byLocalCode.get(local)?.code;
      if (shared !== undefined && catalog.byCode.get(shared)?.localCode === local) hits++;
      if (entry.ctx.mapping.localMatters.get(shared ?? "") !== undefined) hits++;
    }
    const ns = ((performance.now() - t0) * 1e6) / lookups;
    console.log(
      `local ↔ shared lookup (${keys.length} matters): ${ns.toFixed(0)} ns per round trip (${hits} hits)`,
    );
  }
  // O(1): the same lookups on catalogs of 1,000, 10,000 and 100,000 matters take the same time.
  for (const size of [1_000, 10_000, 100_000]) {
    const list = Array.from({ length: size }, (_, i) => ({
      ...(config.federation.catalogs.get(codes[0] as string)?.matters[0] as Matter),
      code: `S${i}`,
      localCode: `L${i}`,
    }));
    const c = indexCatalog("110100", "x", list);
    // Keys made beforehand, so that only the lookups are timed (larger maps also miss the CPU cache more).
    const keys = list.map((m) => m.localCode);
    let found = 0;
    const t0 = performance.now();
    for (let i = 0; i < lookups; i++) {
      const m = c.byLocalCode.get(keys[(i * 7919) % size] as string);
      if (m && c.byCode.get(m.code) === m) found++;
    }
    console.log(
      `  ${size} matters: ${(((performance.now() - t0) * 1e6) / lookups).toFixed(0)} ns per lookup pair (${found} found)`,
    );
  }
  console.log(`verdict: load ${loadMs < 2000 ? "under" : "OVER"} the 2 s target`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
