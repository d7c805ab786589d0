/**
 * Replicas benchmark (`npm run bench:replicas`): intake throughput and
 * latency of the region 430100 with its ledger in PostgreSQL and its bus on
 * Kafka, with one replica and with two replicas behind one load generator
 * that spreads its connections over both, against the bare express echo on
 * the same machine as the ceiling. All three in one run.
 *
 * PostgreSQL: XR_TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test
 * (a fresh database per configuration, dropped after). Kafka: a local KRaft
 * broker that this script starts on port 19492 from test/kafka/kafka.sh (and
 * stops), unless BENCH_KAFKA_BROKERS names one. BENCH_SECONDS sets the
 * measured run (default 10, after a 2 s warm-up). Exits 1 on a correctness
 * failure: a non-2xx answer, or fewer cases in the ledger than were acknowledged.
 * Results also go to bench-results/replicas.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { pensionTransfer, uploadFixtureMaterials } from "../helpers/fixtures.js";
import { createTestDatabase, dropTestDatabase } from "../helpers/postgres.js";
import { registerRegionUrl } from "../helpers/staff.js";
import { type Server, startServer, stopAllServers, stopServer } from "./servers.js";

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const KAFKA_PORT = "19492";
const BODY = JSON.stringify(pensionTransfer());
const AUTH = "Bearer dev-430100-clerk";
const RESULTS_FILE = join(PROJECT_ROOT, "bench-results", "replicas.json");

interface Figures {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly total: number;
  readonly acknowledged: number;
  readonly failures: number;
  /** Answers other than 2xx, by status code. */
  readonly refused: Record<string, number>;
}

function figures(r: autocannon.Result): Figures {
  let acknowledged = 0;
  const refused: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) {
    if (code.startsWith("2")) acknowledged += s.count ?? 0;
    else refused[code] = s.count ?? 0;
  }
  return {
    requestsPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: r.requests.total,
    acknowledged,
    failures: r.non2xx + r.errors + r.timeouts,
    refused,
  };
}

/** Warm-up (discarded, but its cases count as acknowledged) and the measured run over `urls`. */
async function measure(
  name: string,
  urls: string[],
): Promise<{ run: Figures; acknowledged: number; failures: number; refused: Record<string, number> }> {
  process.stderr.write(
    `${name}: warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s with ${CONNECTIONS} connections\n`,
  );
  const load = (duration: number) =>
    autocannon({
      // autocannon spreads its connections over several URLs (documented; its types say string only).
      url: (urls.length === 1 ? urls[0] : urls) as string,
      method: "POST",
      headers: { "content-type": "application/json", authorization: AUTH },
      body: BODY,
      connections: CONNECTIONS,
      duration,
    });
  const warm = figures(await load(WARMUP_SECONDS));
  const run = figures(await load(SECONDS));
  return {
    run,
    acknowledged: warm.acknowledged + run.acknowledged,
    failures: warm.failures + run.failures,
    refused: { ...warm.refused, ...run.refused },
  };
}

async function countCases(databaseUrl: string): Promise<{ cases: number; outbox: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ cases: string; outbox: string }>(
      "SELECT (SELECT COUNT(*) FROM xr_430100.cases) AS cases, (SELECT COUNT(*) FROM xr_430100.outbox) AS outbox",
    );
    return { cases: Number(rows[0]?.cases), outbox: Number(rows[0]?.outbox) };
  } finally {
    await client.end();
  }
}

/** Starts `n` replicas on a fresh database, measures them, stops them, checks the ledger. */
async function replicas(n: number, brokers: string, problems: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-bench-replicas-"));
  const databaseUrl = await createTestDatabase("xr_bench");
  const started: Server[] = [];
  try {
    const urls: string[] = [];
    // One after another: the first makes the development keys the next one shares.
    for (let i = 0; i < n; i++) {
      const s = await startServer(`replica-${i + 1}`, "replica-server.ts", "url", {
        BENCH_DATA_DIR: dataDir,
        BENCH_DATABASE_URL: databaseUrl,
        BENCH_KAFKA_BROKERS: brokers,
      });
      started.push(s.server);
      const url = String(s.info.url);
      registerRegionUrl(url, "430100");
      await uploadFixtureMaterials(`${url}/api/v1`, JSON.parse(BODY));
      urls.push(`${url}/api/v1/cases`);
    }
    const m = await measure(`${n} replica${n > 1 ? "s" : ""}`, urls);
    // The relays must keep up: wait (bounded) until the outbox is on the bus.
    const drainedBy = Date.now() + 60_000;
    let after = await countCases(databaseUrl);
    while (after.outbox > 0 && Date.now() < drainedBy) {
      await new Promise((r) => setTimeout(r, 250));
      after = await countCases(databaseUrl);
    }
    for (const s of started) await stopServer(s);
    if (m.failures > 0)
      problems.push(`${n} replicas: ${m.failures} failed requests (${JSON.stringify(m.refused)})`);
    if (after.cases < m.acknowledged) {
      problems.push(`${n} replicas: acknowledged ${m.acknowledged} cases, ledger holds ${after.cases}`);
    }
    if (after.outbox > 0)
      problems.push(`${n} replicas: ${after.outbox} messages still in the outbox after 60 s`);
    return { ...m.run, casesStored: after.cases };
  } finally {
    for (const s of started) await stopServer(s);
    await dropTestDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function kafkaSh(cmd: "up" | "down"): void {
  execFileSync(join(PROJECT_ROOT, "test/kafka/kafka.sh"), [cmd], {
    env: { ...process.env, KAFKA_PORT },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

const ownBroker = !process.env.BENCH_KAFKA_BROKERS;

async function main(): Promise<number> {
  if (ownBroker) kafkaSh("up");
  const brokers = process.env.BENCH_KAFKA_BROKERS ?? `127.0.0.1:${KAFKA_PORT}`;
  const problems: string[] = [];
  try {
    const echoStart = await startServer("echo", "echo-server.ts", "port");
    const echo = (await measure("echo", [`http://127.0.0.1:${Number(echoStart.info.port)}/echo`])).run;
    await stopServer(echoStart.server);
    const one = await replicas(1, brokers, problems);
    const two = await replicas(2, brokers, problems);

    const pct = (a: number, b: number) => (b > 0 ? (100 * a) / b : 0);
    const w = [12, 14, 8, 8, 12];
    const row = (c: Array<string | number>) =>
      c.map((x, i) => (i === 0 ? String(x).padEnd(w[i] ?? 0) : String(x).padStart(w[i] ?? 0))).join("  ");
    console.log(
      [
        "",
        `replicas benchmark: POST /api/v1/cases at 430100, PostgreSQL ledger, Kafka bus, ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up, ${availableParallelism()} cores`,
        row(["target", "req/s (mean)", "p50 ms", "p99 ms", "total reqs"]),
        row(["echo", echo.requestsPerSec.toFixed(1), echo.p50Ms, echo.p99Ms, echo.total]),
        row(["1 replica", one.requestsPerSec.toFixed(1), one.p50Ms, one.p99Ms, one.total]),
        row(["2 replicas", two.requestsPerSec.toFixed(1), two.p50Ms, two.p99Ms, two.total]),
        "",
        `1 replica / echo:    ${pct(one.requestsPerSec, echo.requestsPerSec).toFixed(1)}%`,
        `2 replicas / echo:   ${pct(two.requestsPerSec, echo.requestsPerSec).toFixed(1)}%`,
        `2 replicas / 1:      ${(two.requestsPerSec / Math.max(one.requestsPerSec, 1)).toFixed(2)}x`,
      ].join("\n"),
    );
    mkdirSync(join(PROJECT_ROOT, "bench-results"), { recursive: true });
    writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify(
        {
          benchmark: "replicas",
          at: new Date().toISOString(),
          machine: {
            node: process.version,
            cores: availableParallelism(),
            cpu: cpus()[0]?.model ?? "unknown",
          },
          settings: { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS },
          echo,
          oneReplica: one,
          twoReplicas: two,
          ratios: {
            oneReplicaToEcho: pct(one.requestsPerSec, echo.requestsPerSec),
            twoReplicasToEcho: pct(two.requestsPerSec, echo.requestsPerSec),
            twoToOne: two.requestsPerSec / Math.max(one.requestsPerSec, 1),
          },
          correct: problems.length === 0,
          problems,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`results written to ${RESULTS_FILE}`);
  } finally {
    await stopAllServers();
    if (ownBroker) kafkaSh("down");
  }
  if (problems.length > 0) {
    console.error(`\nCORRECTNESS FAILURE:\n  ${problems.join("\n  ")}`);
    return 1;
  }
  return 0;
}

// Bounded: three targets' runs plus start-up, shut-down and the broker.
const budget = setTimeout(
  () => {
    console.error("replicas benchmark exceeded its time budget; stopping");
    void stopAllServers().finally(() => {
      if (ownBroker) kafkaSh("down");
      process.exit(1);
    });
  },
  (3 * (WARMUP_SECONDS + SECONDS) + 240) * 1000,
);
let code = 1;
try {
  code = await main();
} catch (err) {
  console.error("benchmark failed:", err);
} finally {
  clearTimeout(budget);
}
process.exit(code);
