/**
 * Kafka benchmark (`npm run bench:kafka`), in one run on one local broker:
 *  1. the ceiling: raw kafkajs produce → consume of envelope-sized messages;
 *  2. the gateway end to end: CaseSubmitted envelopes produced as city 430100's
 *     relay produces them, consumed, checked and applied to the ledger by city
 *     440100's gateway (its own process, SQLite synchronous=FULL);
 *  3. end-to-end latency at a fixed offered load (1,000 events/s by default),
 *     from the event's occurredAt to its commit in 440100's inbox.
 * Prints both rates, their ratio and p50/p99; writes bench-results/kafka.json.
 * The broker is its own (port 19392, started and stopped here), so no other
 * broker's topics are touched.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kafka, logLevel } from "kafkajs";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { ulidGenerator } from "../../gateway/runtime/ulid.js";
import { personCase, signedEnvelope, submittedEnvelope } from "../helpers/cases.js";

const PORT = "19392";
const BROKERS = [`127.0.0.1:${PORT}`];
const N = Number(process.env.BENCH_EVENTS ?? 30_000);
const LOAD_RATE = Number(process.env.BENCH_RATE ?? 1_000);
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ids = ulidGenerator();
const kafkaSh = (cmd: string) =>
  execFileSync(join(PROJECT_ROOT, "test/kafka/kafka.sh"), [cmd], {
    env: { ...process.env, KAFKA_PORT: PORT },
    stdio: ["ignore", "inherit", "inherit"],
  });
const kafka = new Kafka({ clientId: "xr-bench", brokers: BROKERS, logLevel: logLevel.NOTHING });
const say = (line: string) => process.stdout.write(`${line}\n`);

/** A CaseSubmitted envelope exactly as 430100's relay would send it to 440100. */
function envelope(occurredAt: Date): { key: string; value: Buffer; headers: Record<string, string> } {
  const caseId = ids.next();
  const at = occurredAt.toISOString();
  const c = personCase({
    caseId,
    receiptNo: `43010020261126${caseId.slice(-6)}`,
    submittedAt: at,
    updatedAt: at,
    version: 0,
  });
  const value = signedEnvelope(submittedEnvelope(ids.next(), c));
  const headers = {
    "xr-source": "430100",
    "xr-target": "440100",
    "xr-type": "CaseSubmitted",
    traceparent: "",
  };
  return { key: caseId, value: Buffer.from(value), headers };
}

async function produceAll(topic: string, n: number): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  for (let sent = 0; sent < n; sent += 1_000) {
    const now = new Date();
    const messages = Array.from({ length: Math.min(1_000, n - sent) }, () => envelope(now));
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
  }
  await producer.disconnect();
  return started;
}

async function rawCeiling(): Promise<{ rate: number; seconds: number }> {
  const topic = `xr.bench.raw.${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
  });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `xr-bench-raw-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  let lastAt = 0;
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      received += batch.messages.length;
      lastAt = Date.now();
    },
  });
  const started = await produceAll(topic, N);
  while (received < N) await new Promise((r) => setTimeout(r, 20));
  await consumer.disconnect();
  const seconds = (lastAt - started) / 1000;
  return { rate: N / seconds, seconds };
}

function startGateway(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "gateway/main.ts")], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      XR_REGIONS: "440100",
      KAFKA_BROKERS: BROKERS.join(","),
      XR_DATA_DIR: dataDir,
      XR_EPHEMERAL_PORTS: "1",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d) => {
      out += String(d);
      const m = /440100 \S+\s+(http:\/\/\S+)\/api\/v1/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error(`gateway exited (${code}):\n${out}`)));
  });
}

function appliedCount(dataDir: string): number {
  const db = new Database(join(dataDir, "440100", "ledger.db"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT COUNT(*) FROM inbox").pluck().get() as number;
  } finally {
    db.close();
  }
}

async function waitApplied(dataDir: string, n: number, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (appliedCount(dataDir) < n) {
    if (Date.now() > until)
      throw new Error(`only ${appliedCount(dataDir)} of ${n} events applied in ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function latencies(dataDir: string): number[] {
  const db = new Database(join(dataDir, "440100", "ledger.db"), { readonly: true });
  try {
    const rows = db
      .prepare(
        "SELECT e.occurred_at AS o, i.applied_at AS a FROM inbox i JOIN events e ON e.event_id = i.event_id",
      )
      .all() as Array<{ o: string; a: string }>;
    return rows.map((r) => Date.parse(r.a) - Date.parse(r.o)).sort((x, y) => x - y);
  } finally {
    db.close();
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

async function gatewayRun(load: "max" | number): Promise<{ rate: number; seconds: number; lat: number[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-bench-kafka-"));
  const admin = kafka.admin();
  await admin.connect();
  const old = (await admin.listTopics()).filter((t) => t.startsWith("xr.v1."));
  if (old.length > 0) await admin.deleteTopics({ topics: old });
  await admin.disconnect().catch(() => undefined);
  const { child } = await startGateway(dataDir);
  try {
    await new Promise((r) => setTimeout(r, 3_000)); // consumer group joined
    if (load === "max") {
      const started = await produceAll("xr.v1.intake.440100", N);
      await waitApplied(dataDir, N, 300_000);
      const db = new Database(join(dataDir, "440100", "ledger.db"), { readonly: true });
      const last = Date.parse(db.prepare("SELECT MAX(applied_at) FROM inbox").pluck().get() as string);
      db.close();
      return {
        rate: N / ((last - started) / 1000),
        seconds: (last - started) / 1000,
        lat: latencies(dataDir),
      };
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const total = load * LOAD_SECONDS;
    const perTick = load / 100;
    const t0 = Date.now();
    for (let sent = 0, tick = 0; sent < total; tick++) {
      const due = t0 + tick * 10;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const now = new Date();
      const messages = Array.from({ length: perTick }, () => envelope(now));
      await producer.send({ topic: "xr.v1.intake.440100", acks: -1, messages });
      sent += perTick;
    }
    await producer.disconnect();
    await waitApplied(dataDir, total, 120_000);
    return { rate: load, seconds: (Date.now() - t0) / 1000, lat: latencies(dataDir) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const timeout = setTimeout(() => {
  process.stderr.write("kafka bench: over its time budget\n");
  kafkaSh("down");
  process.exit(1);
}, 900_000);
try {
  kafkaSh("up");
  say(
    `kafka benchmark: ${N} envelopes (${envelope(new Date()).value.length} bytes each), broker 127.0.0.1:${PORT}`,
  );
  const raw = await rawCeiling();
  say(
    `raw kafkajs produce→consume   ${raw.rate.toFixed(0).padStart(7)} events/s  (${raw.seconds.toFixed(2)} s)`,
  );
  const gw = await gatewayRun("max");
  say(
    `gateway produce→apply         ${gw.rate.toFixed(0).padStart(7)} events/s  (${gw.seconds.toFixed(2)} s)`,
  );
  const ratio = (100 * gw.rate) / raw.rate;
  say(`gateway/raw: ${ratio.toFixed(1)}%  (target >= 25%) ${ratio >= 25 ? "PASS" : "MISS"}`);
  say(`gateway rate: ${gw.rate.toFixed(0)} events/s (target >= 5000) ${gw.rate >= 5_000 ? "PASS" : "MISS"}`);
  const fixed = await gatewayRun(LOAD_RATE);
  const p50 = pct(fixed.lat, 50);
  const p99 = pct(fixed.lat, 99);
  say(
    `at ${LOAD_RATE} events/s for ${LOAD_SECONDS} s: end-to-end p50 ${p50} ms, p99 ${p99} ms (target p99 < 100 ms) ${p99 < 100 ? "PASS" : "MISS"}`,
  );
  mkdirSync(join(PROJECT_ROOT, "bench-results"), { recursive: true });
  writeFileSync(
    join(PROJECT_ROOT, "bench-results/kafka.json"),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        events: N,
        raw,
        gateway: { rate: gw.rate, seconds: gw.seconds },
        ratio,
        fixedLoad: { rate: LOAD_RATE, seconds: LOAD_SECONDS, p50, p99 },
      },
      null,
      2,
    ),
  );
} finally {
  clearTimeout(timeout);
  kafkaSh("down");
}
