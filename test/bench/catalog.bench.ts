/**
 * Catalogs as production holds them: one region hosting a 10,000-matter
 * catalog, with 50 partners × 10,000 matters already in its ledger (stored as
 * their versioned gRPC pulls would have stored them; no partner is reachable).
 * Measures the gateway as `npm start` runs it (`node dist/gateway/main.js`,
 * built first with tsc), in a child process of its own:
 * - time from process start to the first `/readyz` 200, median of 5 starts;
 * - `GET /api/v1/regions/{partner}/matters?q=<two Chinese characters>` at 50
 *   connections (autocannon): a common pair (登记, pages end early), and one no
 *   matter has (殡葬: the whole partner catalog is scanned), beside in the same
 *   run the same search of the host's own catalog (in memory) and `/healthz`
 *   (what the HTTP stack alone costs on this machine). Each is run twice: as
 *   fast as 50 connections can go (saturated: latency is then the queue, 50
 *   requests deep, on one event loop, so even `/healthz` has a p99 of tens of
 *   milliseconds), and at a fixed offered rate (BENCH_RATE requests a second
 *   over the same 50 connections; autocannon paces each connection on its own
 *   timer, so requests still arrive in bursts of up to 50: compare /healthz);
 * - resident memory (VmRSS, and its peak VmHWM) after the searches.
 * BENCH_PARTNERS, BENCH_MATTERS and BENCH_SECONDS change the sizes and the
 * load duration. Results also go to bench-results/catalog.json.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { HOST, HOST_HTTP_PORT, partnerCode, seedPartners, writeFederation } from "./catalog-fixture.js";

const PARTNERS = count(process.env.BENCH_PARTNERS, 50);
const MATTERS = count(process.env.BENCH_MATTERS, 10_000);
const SECONDS = count(process.env.BENCH_SECONDS, 10);
// Far above what a region's windows send: a search every second at each of 50 windows would be 50.
const RATE = count(process.env.BENCH_RATE, 200);
const STARTS = 5;
const CONNECTIONS = 50;
const TARGET = { readyMs: 1_500, p99Ms: 10, rssMb: 250 };
const AUTH = `Bearer dev-${HOST}-clerk`;
const MAIN = join(PROJECT_ROOT, "dist", "gateway", "main.js");

function count(raw: string | undefined, fallback: number): number {
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`expected a whole number, not "${raw}"`);
    process.exit(2);
  }
  return n;
}

interface Started {
  readonly url: string;
  readonly pid: number;
  readonly readyMs: number;
  stop(): Promise<void>;
}

/** Starts the gateway and waits for /readyz 200, timing from the spawn. */
async function start(dir: string, dataDir: string): Promise<Started> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [MAIN], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      XR_CONFIG_DIR: join(dir, "config"),
      XR_ADAPTERS_DIR: join(dir, "adapters"),
      XR_DATA_DIR: dataDir,
      XR_REGIONS: HOST,
      XR_DRAIN_MS: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  let gone: number | null | undefined;
  const exited = new Promise<void>((done) =>
    proc.once("exit", (code) => {
      gone = code;
      done();
    }),
  );
  const url = `http://127.0.0.1:${HOST_HTTP_PORT}`;
  for (;;) {
    // Ready means this child answers: one still holding the port from before would be a false start.
    if (gone !== undefined) throw new Error(`gateway exited (${gone}) before it was ready`);
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    if (r?.status === 200) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - t0;
  const stop = async () => {
    running.delete(stop);
    proc.kill("SIGTERM");
    await exited;
  };
  running.add(stop);
  return { url, pid: proc.pid as number, readyMs, stop };
}

/** VmRSS and VmHWM of `pid`, MB. */
function memory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rssMb: Math.round(kb("VmRSS") / 1024), peakMb: Math.round(kb("VmHWM") / 1024) };
}

interface Load {
  readonly name: string;
  /** Offered requests a second; undefined = saturated. */
  readonly rate?: number;
  readonly path: string;
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly matters: number;
}

async function load(base: string, name: string, path: string, rate?: number): Promise<Load> {
  const probe = await fetch(`${base}${path}`, { headers: { authorization: AUTH } });
  if (probe.status !== 200) throw new Error(`${path}: ${probe.status} ${await probe.text()}`);
  const body = (await probe.json()) as { matters?: unknown[] };
  const run = (duration: number) =>
    autocannon({
      url: `${base}${path}`,
      headers: { authorization: AUTH },
      connections: CONNECTIONS,
      duration,
      ...(rate === undefined ? {} : { overallRate: rate }),
    });
  await run(2);
  const r = await run(SECONDS);
  return {
    name,
    ...(rate === undefined ? {} : { rate }),
    path,
    requestsPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx + r.errors + r.timeouts,
    matters: body.matters?.length ?? 0,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const dir = mkdtempSync(join(tmpdir(), "xr-catalog-bench-"));
const running = new Set<() => Promise<void>>();
process.once("SIGINT", () => {
  void Promise.all([...running].map((s) => s())).finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
});
try {
  const dataDir = join(dir, "data");
  console.error("building the gateway (tsc -p tsconfig.build.json) …");
  const built = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], {
    cwd: PROJECT_ROOT,
    stdio: "inherit",
  });
  if (built.status !== 0) throw new Error("the build failed (run npm run gen:types first?)");
  writeFederation(dir, PARTNERS, MATTERS);
  let t = performance.now();
  await seedPartners(dataDir, PARTNERS, MATTERS);
  const seedSeconds = (performance.now() - t) / 1000;
  console.error(`seeded ${PARTNERS} partners × ${MATTERS} matters in ${seedSeconds.toFixed(0)} s`);

  // A first start makes the development data key and warms the file cache; it is not counted.
  const warm = await start(dir, dataDir);
  await warm.stop();
  const readyMs: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const started = await start(dir, dataDir);
    readyMs.push(started.readyMs);
    await started.stop();
  }
  const g = await start(dir, dataDir);
  const atReady = memory(g.pid);
  const partner = partnerCode(PARTNERS - 1);
  const api = (region: string, q: string) => `/api/v1/regions/${region}/matters?q=${encodeURIComponent(q)}`;
  t = performance.now();
  const paths: [string, string][] = [
    ["partner, common pair (登记)", api(partner, "登记")],
    ["partner, pair no matter has (殡葬)", api(partner, "殡葬")],
    ["baseline: own catalog in memory (登记)", api(HOST, "登记")],
    ["baseline: /healthz", "/healthz"],
  ];
  const loads: Load[] = [];
  for (const rate of [undefined, RATE])
    for (const [name, path] of paths) loads.push(await load(g.url, name, path, rate));
  const afterLoad = memory(g.pid);
  await g.stop();

  const result = {
    partners: PARTNERS,
    matters: MATTERS,
    connections: CONNECTIONS,
    seconds: SECONDS,
    rate: RATE,
    seedSeconds: Math.round(seedSeconds),
    readyMs: { median: Math.round(median(readyMs)), all: readyMs.map(Math.round) },
    memory: { atReady, afterLoad },
    loads,
    targets: TARGET,
  };
  mkdirSync(join(PROJECT_ROOT, "bench-results"), { recursive: true });
  writeFileSync(join(PROJECT_ROOT, "bench-results", "catalog.json"), `${JSON.stringify(result, null, 2)}\n`);
  const verdict = (ok: boolean) => (ok ? "✔" : "✘");
  console.log(
    `catalog bench: ${HOST} hosting ${MATTERS} matters, ${PARTNERS} partners × ${MATTERS} in its ledger`,
  );
  console.log(
    `${verdict(result.readyMs.median <= TARGET.readyMs)} start → /readyz 200: median ${result.readyMs.median} ms of ${STARTS} (${result.readyMs.all.join(", ")}), target ≤ ${TARGET.readyMs}`,
  );
  for (const l of loads) {
    const mark = l.name.startsWith("partner") ? `${verdict(l.p99Ms <= TARGET.p99Ms)} ` : "  ";
    console.log(
      `${mark}${l.name}: p99 ${l.p99Ms} ms, p50 ${l.p50Ms} ms, ${l.requestsPerSec} req/s at ${CONNECTIONS} connections ${l.rate === undefined ? "(saturated)" : `(offered ${l.rate} req/s)`}, ${l.matters} matters a page${l.non2xx ? `, ${l.non2xx} failed` : ""}`,
    );
  }
  console.log(
    `${verdict(afterLoad.rssMb <= TARGET.rssMb)} resident memory: ${atReady.rssMb} MB at ready, ${afterLoad.rssMb} MB after the searches (peak ${afterLoad.peakMb} MB), target ≤ ${TARGET.rssMb}`,
  );
} finally {
  for (const stop of running) await stop();
  rmSync(dir, { recursive: true, force: true });
}
