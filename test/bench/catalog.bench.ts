/**
 * `npm run bench:catalog`: loads a generated federation of 50 declarative
 * regions with 10,000 matters each (`loadConfig`: the shared catalog, every
 * region's catalog.json and mapping.yaml, validation, indexing) and prints
 * the load time and the memory it holds; then times local ↔ shared lookups
 * on catalogs of growing size, to show they do not grow with the catalog.
 *
 * Each load runs in a fresh process, as a gateway's start does, BENCH_RUNS
 * times (the median is the figure). The baseline, measured the same way in
 * the same run, is what any loader of these files pays before it has built
 * anything: reading them and `JSON.parse` of every catalog.json.
 * Settings: BENCH_REGIONS (50), BENCH_MATTERS (10000), BENCH_RUNS (5).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../gateway/config/load.js";
import { indexCatalog, type Matter } from "../../gateway/domain/matter.js";
import { generateFederation } from "./catalog-fixture.js";

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

/** One measurement in this (fresh) process: `load` or `baseline` of the federation in `dir`. */
async function measure(what: string, dir: string): Promise<{ ms: number; heap: number }> {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  let held: unknown;
  if (what === "load") {
    held = await loadConfig(join(dir, "config"), join(dir, "adapters"));
  } else {
    const adapters = join(dir, "adapters");
    held = readdirSync(adapters).map((c) =>
      JSON.parse(readFileSync(join(adapters, c, "catalog.json"), "utf8")),
    );
  }
  const ms = performance.now() - started;
  global.gc?.();
  const heap = process.memoryUsage().heapUsed - heapBefore;
  if (!held) throw new Error("nothing loaded");
  return { ms, heap };
}

if (process.argv[2] === "--child") {
  process.stdout.write(JSON.stringify(await measure(process.argv[3] as string, process.argv[4] as string)));
  process.exit(0);
}

const regions = Number(process.env.BENCH_REGIONS ?? 50);
const matters = Number(process.env.BENCH_MATTERS ?? 10_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), "xr-catalog-bench-"));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** One measurement of `what` in a new process (with this one's flags: --expose-gc, tsx). */
function inChild(what: string): { ms: number; heap: number } {
  const self = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, self, "--child", what, dir];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8" }));
}

try {
  const codes = generateFederation(dir, regions, matters);
  // Alternated, so that both see the machine alike.
  const loads: Array<{ ms: number; heap: number }> = [];
  const baselines: Array<{ ms: number; heap: number }> = [];
  for (let i = 0; i < runs; i++) {
    loads.push(inChild("load"));
    baselines.push(inChild("baseline"));
  }
  const loadMs = median(loads.map((r) => r.ms));
  const baseMs = median(baselines.map((r) => r.ms));
  console.log(
    `loaded ${regions} regions × ${matters} matters = ${regions * matters} matters: median ${loadMs.toFixed(0)} ms of ${runs} fresh processes (${loads.map((r) => r.ms.toFixed(0)).join(", ")})`,
  );
  console.log(
    `baseline, reading and JSON.parse of the catalog.json files alone: median ${baseMs.toFixed(0)} ms (${baselines.map((r) => r.ms.toFixed(0)).join(", ")})`,
  );
  console.log(`load / baseline: ${(loadMs / baseMs).toFixed(2)}`);
  console.log(
    `heap held by the loaded federation: ${mb(median(loads.map((r) => r.heap)))}${global.gc ? "" : " (run with --expose-gc for a settled figure)"}; by the parsed JSON alone: ${mb(median(baselines.map((r) => r.heap)))}`,
  );

  const config = await loadConfig(join(dir, "config"), join(dir, "adapters"));
  // The catalogs alone, with the mappings already in memory: read, UTF-8 check, scan, checks, build, index.
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
