/**
 * Intake throughput benchmark (`npm run bench`): the gateway's
 * POST /api/v1/cases against a bare express 5 JSON echo server on the same
 * machine, in one run. Each server runs in its own child process so the load
 * generator (autocannon, here) does not share its event loop.
 *
 * Per target: a 2 s warm-up run (discarded), then a measured run of
 * BENCH_SECONDS (default 10) with 50 connections, posting the intake-sized
 * body `pensionTransfer()`. Exits 1 on a correctness failure (a non-2xx
 * answer, a connection error or timeout, cases not stored); the throughput
 * and latency targets are only reported (PASS/MISS). Results also go to
 * bench-results/intake.json.
 *
 * BENCH_PROFILE_DIR=dir starts both servers with `--cpu-prof`, writing to
 * dir/echo and dir/gateway (the main thread's profile is the `*.0.001.*`
 * one; the other is tsx's loader thread).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { pensionTransfer, uploadFixtureMaterials } from "../helpers/fixtures.js";
import { registerRegionUrl } from "../helpers/staff.js";
import { startServer, stopAllServers, stopServer } from "./servers.js";

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const SECONDS = seconds(process.env.BENCH_SECONDS, 10);
const TARGET_RATIO_PCT = 40;
const TARGET_P99_MS = 50;
const INTAKE_REGION = "430100";
/** The whole run: both targets' warm-up and measured runs, plus start-up and shut-down. */
const BUDGET_MS = (2 * (WARMUP_SECONDS + SECONDS) + 2 * 60 + 30) * 1000;

const BODY = JSON.stringify(pensionTransfer());
/** A 长沙 window clerk's development token (config/staff.yaml, devTokens). */
const AUTH = `Bearer dev-${INTAKE_REGION}-clerk`;
const RESULTS_FILE = join(PROJECT_ROOT, "bench-results", "intake.json");

function seconds(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    console.error(`BENCH_SECONDS must be a number of seconds from 1 to 3600, not "${raw}"`);
    process.exit(2);
  }
  return Math.max(1, Math.round(n));
}

let dataDir: string | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAllServers();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  })();
  return cleaning;
}

function abort(why: string, code: number): void {
  console.error(why);
  void cleanup().finally(() => process.exit(code));
}

// ------------------------------------------------------------------- load

interface Figures {
  /** Mean of the per-second request counts. */
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly totalRequests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  readonly durationSec: number;
}

function figures(r: autocannon.Result): Figures {
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = s.count ?? 0;
  return {
    requestsPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    totalRequests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    durationSec: r.duration,
  };
}

function load(title: string, url: string, duration: number): Promise<autocannon.Result> {
  return autocannon({
    title,
    url,
    method: "POST",
    // Both targets get the staff token: the echo ignores it, the gateway checks it, as in production.
    headers: { "content-type": "application/json", authorization: AUTH },
    body: BODY,
    connections: CONNECTIONS,
    duration,
  });
}

interface Measured {
  readonly warmup: Figures;
  readonly run: Figures;
}

async function measure(name: string, url: string): Promise<Measured> {
  console.error(`${name}: warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s with ${CONNECTIONS} connections`);
  const warmup = figures(await load(`${name} warm-up`, url, WARMUP_SECONDS));
  const run = figures(await load(name, url, SECONDS));
  return { warmup, run };
}

/** Correctness problems of one target, warm-up included. */
function problems(name: string, m: Measured): string[] {
  const out: string[] = [];
  for (const [phase, f] of [
    ["warm-up", m.warmup],
    ["run", m.run],
  ] as const) {
    const codes = Object.entries(f.statusCodes)
      .filter(([c]) => !c.startsWith("2"))
      .map(([c, n]) => `${c}×${n}`)
      .join(", ");
    if (f.non2xx > 0) out.push(`${name} ${phase}: ${f.non2xx} non-2xx responses (${codes})`);
    if (f.errors > 0) out.push(`${name} ${phase}: ${f.errors} connection errors`);
    if (f.timeouts > 0) out.push(`${name} ${phase}: ${f.timeouts} timeouts`);
    if (f.totalRequests === 0) out.push(`${name} ${phase}: no request completed`);
  }
  return out;
}

/** Two-xx answers of a target (warm-up and run): cases the gateway acknowledged. */
function acknowledged(m: Measured): number {
  let n = 0;
  for (const f of [m.warmup, m.run]) {
    for (const [code, count] of Object.entries(f.statusCodes)) if (code.startsWith("2")) n += count;
  }
  return n;
}

/** GET /cases?limit=1 must show a case of this run, taken in at 430100. */
async function newestCase(url: string, since: Date): Promise<{ ok: boolean; detail: string }> {
  const res = await fetch(`${url}/api/v1/cases?limit=1`, {
    headers: { authorization: AUTH },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200) return { ok: false, detail: `GET /cases?limit=1 answered ${res.status}: ${text}` };
  const c = (JSON.parse(text) as { cases?: Array<Record<string, unknown>> }).cases?.[0];
  if (!c) return { ok: false, detail: "GET /cases?limit=1 returned no case" };
  const fresh = typeof c.submittedAt === "string" && new Date(c.submittedAt) >= since;
  const ok = fresh && c.intakeRegion === INTAKE_REGION && c.matterCode === "XR-SB-001";
  return {
    ok,
    detail: `newest case ${String(c.caseId)} ${String(c.matterCode)} ${String(c.status)} submitted ${String(c.submittedAt)}`,
  };
}

/** Cases in the intake region's ledger (read after the gateway has shut down). */
function storedCases(dir: string): number {
  const file = join(dir, INTAKE_REGION, "ledger.db");
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Number(db.prepare("SELECT COUNT(*) FROM cases").pluck().get());
  } finally {
    db.close();
  }
}

// ------------------------------------------------------------------ report

function row(cells: Array<string | number>, widths: number[]): string {
  return cells
    .map((c, i) => (i === 0 ? String(c).padEnd(widths[i] ?? 0) : String(c).padStart(widths[i] ?? 0)))
    .join("  ");
}

function report(echo: Figures, gateway: Figures) {
  const ratioPct = echo.requestsPerSec > 0 ? (100 * gateway.requestsPerSec) / echo.requestsPerSec : 0;
  const ratioPass = ratioPct >= TARGET_RATIO_PCT;
  const p99Pass = gateway.p99Ms <= TARGET_P99_MS;
  const widths = [8, 14, 8, 8, 12];
  const lines = [
    "",
    `intake benchmark: ${CONNECTIONS} connections, ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up), body ${Buffer.byteLength(BODY)} bytes`,
    row(["target", "req/s (mean)", "p50 ms", "p99 ms", "total reqs"], widths),
    ...Object.entries({ echo, gateway }).map(([name, f]) =>
      row([name, f.requestsPerSec.toFixed(1), f.p50Ms, f.p99Ms, f.totalRequests], widths),
    ),
    "",
    `gateway/echo throughput: ${ratioPct.toFixed(1)}%  (target >= ${TARGET_RATIO_PCT}%)  ${ratioPass ? "PASS" : "MISS"}`,
    `gateway p99 latency:     ${gateway.p99Ms} ms  (target <= ${TARGET_P99_MS} ms)  ${p99Pass ? "PASS" : "MISS"}`,
  ];
  console.log(lines.join("\n"));
  return {
    ratioPct: Math.round(ratioPct * 10) / 10,
    throughputRatio: { target: `>= ${TARGET_RATIO_PCT}%`, pass: ratioPass },
    p99: { target: `<= ${TARGET_P99_MS} ms`, pass: p99Pass },
  };
}

// -------------------------------------------------------------------- main

async function main(): Promise<number> {
  dataDir = mkdtempSync(join(tmpdir(), "xr-bench-"));
  const [echoStart, gwStart] = await Promise.all([
    startServer("echo", "echo-server.ts", "port"),
    startServer("gateway", "gateway-server.ts", "url", { BENCH_DATA_DIR: dataDir }),
  ]);
  const echoUrl = `http://127.0.0.1:${Number(echoStart.info.port)}/echo`;
  const gatewayUrl = String(gwStart.info.url);
  // As a window does: the scans first, then the cases that name them.
  registerRegionUrl(gatewayUrl, INTAKE_REGION);
  await uploadFixtureMaterials(`${gatewayUrl}/api/v1`, JSON.parse(BODY));

  const echo = await measure("echo", echoUrl);
  const since = new Date();
  const gateway = await measure("gateway", `${gatewayUrl}/api/v1/cases`);

  const failures = [...problems("echo", echo), ...problems("gateway", gateway)];
  const newest = await newestCase(gatewayUrl, since);
  if (!newest.ok) failures.push(`gateway: cases not stored: ${newest.detail}`);
  // Stop the gateway (it finishes in-flight requests) before counting its ledger.
  await stopServer(gwStart.server);
  const stored = storedCases(dataDir);
  const acked = acknowledged(gateway);
  if (stored < acked) failures.push(`gateway: acknowledged ${acked} cases but stored only ${stored}`);

  const verdict = report(echo.run, gateway.run);
  console.log(`cases: ${acked} acknowledged with 201, ${stored} stored (${newest.detail})`);

  const results = {
    benchmark: "intake",
    at: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? "unknown",
    },
    settings: {
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      bodyBytes: Buffer.byteLength(BODY),
      gateway: `startFederation, regions ${process.env.BENCH_REGIONS ?? "430100"}, SQLite synchronous=FULL`,
    },
    echo,
    gateway: { ...gateway, casesAcknowledged: acked, casesStored: stored, newestCase: newest.detail },
    ...verdict,
    correct: failures.length === 0,
    failures,
  };
  mkdirSync(join(PROJECT_ROOT, "bench-results"), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${RESULTS_FILE}`);

  if (failures.length > 0) {
    console.error(`\nCORRECTNESS FAILURE:\n  ${failures.join("\n  ")}`);
    return 1;
  }
  return 0;
}

const budget = setTimeout(
  () => abort(`benchmark exceeded its time budget of ${BUDGET_MS / 1000} s; stopping`, 1),
  BUDGET_MS,
);
process.once("SIGINT", () => abort("interrupted", 130));
process.once("SIGTERM", () => abort("terminated", 143));

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  console.error("benchmark failed:", err);
  exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(budget);
}
process.exit(exitCode);
