/**
 * `npm run bench:catalog`: loads a generated federation of 50 declarative
 * regions with 10,000 matters each (`loadConfig`: the shared catalog, every
 * region's catalog.json and mapping.yaml, validation, indexing) and prints
 * the load time and the memory it holds (on the heap and in buffers); then
 * times local ↔ shared lookups on loaded regions of growing size, to show
 * they do not grow with the catalog.
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
import { generateFederation } from "./catalog-fixture.js";

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

/** Heap and memory outside it (buffers: a columnar catalog keeps its file's bytes there). */
function memory(): { heap: number; external: number } {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

/** What one fresh process measured. */
interface Measured {
  ms: number;
  heap: number;
  external: number;
  /** After a load: building every region's lookup maps (a catalog builds them when first used). */
  firstUseMs?: number;
}

/** One measurement in this (fresh) process: `load` or `baseline` of the federation in `dir`. */
async function measure(what: string, dir: string): Promise<Measured> {
  global.gc?.();
  const before = memory();
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
  const after = memory();
  if (!held) throw new Error("nothing loaded");
  const measured: Measured = {
    ms,
    heap: after.heap - before.heap,
    external: after.external - before.external,
  };
  if (what === "load") {
    const t0 = performance.now();
    let found = 0;
    for (const c of (held as Awaited<ReturnType<typeof loadConfig>>).federation.catalogs.values())
      if (c.byLocalCode.get(c.byLocalCode.keys().next().value ?? "")) found++;
    measured.firstUseMs = performance.now() - t0;
    if (found === 0) throw new Error("no lookup found anything");
  }
  return measured;
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
function inChild(what: string): Measured {
  const self = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, self, "--child", what, dir];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8" }));
}

try {
  const codes = generateFederation(dir, regions, matters);
  // Alternated, so that both see the machine alike.
  const loads: Measured[] = [];
  const baselines: Measured[] = [];
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
    `after the load, the first lookup in each of the ${regions} regions (which builds its lookup maps): median ${median(loads.map((r) => r.firstUseMs ?? 0)).toFixed(0)} ms in all`,
  );
  const held = (rs: Array<{ heap: number; external: number }>) =>
    `${mb(median(rs.map((r) => r.heap + r.external)))} (heap ${mb(median(rs.map((r) => r.heap)))}, buffers ${mb(median(rs.map((r) => r.external)))})`;
  console.log(
    `memory held by the loaded federation: ${held(loads)}${global.gc ? "" : " (run with --expose-gc for a settled figure)"}; by the parsed JSON alone: ${held(baselines)}`,
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

  // O(1): local → shared → local round trips through a loaded region's catalog and mapping, on
  // regions of 1,000, 10,000 and 100,000 matters, take about the same time (larger maps also
  // miss the CPU cache more). Each catalog's matters are asked for once before the timing, so
  // that what is timed is lookups, not the first making of each matter.
  const lookups = 1_000_000;
  for (const size of [1_000, 10_000, 100_000]) {
    const sizeDir = mkdtempSync(join(tmpdir(), "xr-catalog-lookup-"));
    try {
      const [code] = generateFederation(sizeDir, 1, size) as [string];
      const one = await loadConfig(join(sizeDir, "config"), join(sizeDir, "adapters"));
      const catalog = one.federation.catalogs.get(code);
      const entry = one.adapters.get(code);
      if (!catalog || !entry) throw new Error("bench region missing");
      const keys = catalog.matters.map((m) => m.localCode);
      let hits = 0;
      const t0 = performance.now();
      for (let i = 0; i < lookups; i++) {
        const local = keys[(i * 7919) % keys.length] as string;
        const shared = catalog.byLocalCode.get(local)?.code;
        if (shared !== undefined && catalog.byCode.get(shared)?.localCode === local) hits++;
        if (entry.ctx.mapping.localMatters.get(shared ?? "") === local) hits++;
      }
      const ns = ((performance.now() - t0) * 1e6) / lookups;
      console.log(
        `local ↔ shared lookup, ${size} matters (${catalog.constructor.name}): ${ns.toFixed(0)} ns per round trip (${hits} of ${2 * lookups} found)`,
      );
    } finally {
      rmSync(sizeDir, { recursive: true, force: true });
    }
  }
  console.log(`verdict: load ${loadMs < 2000 ? "under" : "OVER"} the 2 s target`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
