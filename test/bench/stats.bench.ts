/**
 * `GET /api/v1/stats` (issue 17, 统计/效能监督) on a ledger of 100,000 cases. The handling region 440100
 * runs in a child process (stats-server.ts: its ledger seeded through the ledger's commit API before it
 * is announced); autocannon, here, asks for the figures as the supervision page does, in turn: the whole
 * year per matter and per partner region (every case of the ledger counted) and the default 30 days, by
 * a manager's token. Two runs:
 * - at a fixed offered rate (BENCH_RATE, default 4 requests a second over 10 connections; a supervision
 *   page asks once per change of range, so 4 a second is far above what a region's few managers send): latency is what one
 *   request costs; the target is p99 ≤ 200 ms;
 * - saturated (as fast as 10 connections go): latency is then mostly the queue on one event loop, shown
 *   for the throughput, not checked.
 * BENCH_CASES and BENCH_SECONDS change the size and the duration. Results go to bench-results/stats.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { startServer, stopAllServers } from "./servers.js";

const CASES = count(process.env.BENCH_CASES, 100_000);
const SECONDS = count(process.env.BENCH_SECONDS, 20);
const RATE = count(process.env.BENCH_RATE, 4);
const CONNECTIONS = 10;
const TARGET_P99_MS = 200;
const AUTH = "Bearer dev-440100-manager";
const YEAR = new Date().getUTCFullYear();
const PATHS = [
  `/api/v1/stats?from=${YEAR}-01-01&to=${YEAR}-12-31&groupBy=matter`,
  `/api/v1/stats?from=${YEAR}-01-01&to=${YEAR}-12-31&groupBy=region`,
  "/api/v1/stats",
];

function count(raw: string | undefined, fallback: number): number {
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`expected a whole number, not "${raw}"`);
    process.exit(2);
  }
  return n;
}

interface Load {
  readonly name: string;
  readonly rate?: number | undefined;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly requestsPerSec: number;
  readonly requests: number;
  readonly non2xx: number;
}

async function load(url: string, name: string, rate?: number): Promise<Load> {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate === undefined ? {} : { overallRate: rate }),
    headers: { authorization: AUTH },
    requests: PATHS.map((path) => ({ method: "GET" as const, path })),
  });
  return {
    name,
    rate,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    requestsPerSec: r.requests.average,
    requests: r.requests.total,
    non2xx: r.non2xx + r.errors,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), "xr-stats-bench-"));
try {
  console.error(`seeding ${CASES} cases into 440100's ledger …`);
  const { info } = await startServer(
    "stats-gateway",
    "stats-server.ts",
    "url",
    {
      BENCH_DATA_DIR: dataDir,
      BENCH_CASES: String(CASES),
    },
    600_000,
  );
  const url = String(info.url);
  // One of each, so that the figures are shown and the first compile of each statement is not timed.
  const sample: Record<string, unknown> = {};
  for (const path of PATHS) {
    const res = await fetch(`${url}${path}`, { headers: { authorization: AUTH } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    sample[path] = ((await res.json()) as { totals: unknown }).totals;
  }
  const fixed = await load(url, "fixed rate", RATE);
  const saturated = await load(url, "saturated");
  // The machine's load while measuring, since latency here is CPU time and the cores may be shared.
  const load1 = loadavg()[0]?.toFixed(1);
  const result = {
    loadAverage: load1,
    cases: CASES,
    seedMs: info.seedMs,
    connections: CONNECTIONS,
    seconds: SECONDS,
    paths: PATHS,
    sample,
    fixed,
    saturated,
    targetP99Ms: TARGET_P99_MS,
  };
  mkdirSync(join(PROJECT_ROOT, "bench-results"), { recursive: true });
  writeFileSync(join(PROJECT_ROOT, "bench-results", "stats.json"), `${JSON.stringify(result, null, 2)}\n`);
  const ok = fixed.p99Ms <= TARGET_P99_MS && fixed.non2xx === 0;
  console.log(
    `stats benchmark: ${CASES} cases in the ledger (seeded in ${Math.round(Number(info.seedMs) / 1000)} s through the commit API)`,
  );
  console.log(`  totals for the year: ${JSON.stringify(sample[PATHS[0] as string])}`);
  for (const l of [fixed, saturated]) {
    const mark = l === fixed ? (ok ? "PASS" : "FAIL") : "    ";
    console.log(
      `${mark} ${l.name}: p99 ${l.p99Ms} ms, p50 ${l.p50Ms} ms, max ${l.maxMs} ms, ${l.requestsPerSec} req/s at ${CONNECTIONS} connections${l.rate === undefined ? "" : ` (offered ${l.rate} req/s)`}, ${l.requests} requests${l.non2xx ? `, ${l.non2xx} failed` : ""}`,
    );
  }
  console.log(
    `  target: p99 ≤ ${TARGET_P99_MS} ms at the fixed rate; 1-minute load average ${load1} on this machine`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  await stopAllServers();
  rmSync(dataDir, { recursive: true, force: true });
}
