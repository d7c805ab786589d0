/**
 * Replicas beyond one machine (issue 8's acceptance): two processes of 广州
 * 440100 share one PostgreSQL ledger and one Kafka consumer group, 长沙 430100
 * runs one; a burst of cases goes from intake to delivery while one 440100
 * replica is killed with SIGKILL halfway. Every case must reach its final
 * state in both ledgers with each event recorded exactly once.
 *
 * XR_REPLICA_CASES sets the burst (default 5,000).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { call, eventually } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { type GatewayProcess, startReplica } from "../helpers/gateway-process.js";
import { createTestDatabase, describePostgres, dropTestDatabase } from "../helpers/postgres.js";
import { describeKafka, kafkaBrokers } from "../kafka/broker.js";
import { resetXrTopics } from "../kafka/reset.js";

const CASES = Number(process.env.XR_REPLICA_CASES ?? 5_000);
/** Requests in flight from the windows and from the handling desks, each. */
const IN_FLIGHT = 16;
/** The steps 广州 takes with each case after it arrives. */
const HANDLING = [
  { type: "accept" },
  { type: "decide", approved: true },
  { type: "mail", courier: "中国邮政EMS", waybillNo: "1151234567890" },
  { type: "deliver" },
];
/** Events each ledger must hold per case: the submission and the four handling steps. */
const EVENTS_PER_CASE = 1 + HANDLING.length;

describePostgres("replicas sharing PostgreSQL", () => {
  describeKafka("two 440100 replicas and one 430100 on Kafka, one replica killed halfway", function () {
    this.timeout(15 * 60_000);
    let dir: string;
    let databaseUrl: string;
    let db: pg.Client;
    let intake: GatewayProcess;
    let replicas: GatewayProcess[] = [];
    const alive = new Set<number>();

    before(async () => {
      const brokers = kafkaBrokers() ?? [];
      await resetXrTopics(brokers);
      dir = mkdtempSync(join(tmpdir(), "xr-replicas-"));
      databaseUrl = await createTestDatabase("xr_replicas");
      // Started one after another: the first creates the development keys the others then share.
      const env = { XR_KAFKA_SESSION_TIMEOUT_MS: "6000" };
      // 长沙 on its configured ports: 广州's replicas fetch each case's scans from its gRPC address.
      intake = await startReplica("430100", dir, brokers, databaseUrl, { ...env, XR_EPHEMERAL_PORTS: "0" });
      for (let i = 0; i < 2; i++) {
        replicas.push(await startReplica("440100", dir, brokers, databaseUrl, env));
        alive.add(i);
      }
      db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
    });

    after(async () => {
      await db?.end();
      for (const p of [intake, ...replicas]) await p?.stop();
      replicas = [];
      if (databaseUrl) await dropTestDatabase(databaseUrl);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const intakeApi = () => `${intake.urls.get("430100")}/api/v1`;
    let turn = 0;
    /** The next live 440100 replica, round robin, as a load balancer would pick. */
    const handlingApi = () => {
      const live = [...alive];
      const i = live[turn++ % live.length] ?? 0;
      return `${replicas[i]?.urls.get("440100")}/api/v1`;
    };

    /**
     * Posts like a client behind a load balancer: a refused connection or a
     * 503 is tried again on the next replica with the same Idempotency-Key,
     * so an answer lost with a killed replica is replayed, not redone.
     */
    async function post(api: () => string, path: string, body: unknown, key: string) {
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await call("POST", `${api()}${path}`, body, { "Idempotency-Key": key });
          if (r.status !== 503 && r.status !== 409) return r;
          if (attempt >= 40) return r;
        } catch (err) {
          if (attempt >= 40) throw err;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }

    /** Where the cases stand in both ledgers, for a failure message. */
    async function where(): Promise<string> {
      const parts: string[] = [];
      for (const schema of ["xr_430100", "xr_440100"]) {
        const statuses = await db.query(`SELECT status, COUNT(*) AS n FROM ${schema}.cases GROUP BY status`);
        parts.push(
          `${schema}: ${JSON.stringify(statuses.rows)} outbox ${await count(`SELECT COUNT(*) AS n FROM ${schema}.outbox`)}` +
            ` parked ${await count(`SELECT COUNT(*) AS n FROM ${schema}.parked`)}` +
            ` inbox ${await count(`SELECT COUNT(*) AS n FROM ${schema}.inbox`)}`,
        );
      }
      return parts.join("; ");
    }

    async function count(sql: string): Promise<number> {
      return Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
    }

    it(`takes ${CASES} cases to delivery exactly once while a replica dies`, async () => {
      const started = Date.now();
      const submitted: string[] = [];
      let killedAt = -1;
      const taken = new Set<string>();
      const handled: string[] = [];
      let submitting = true;

      const submitAll = async () => {
        let next = 0;
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            while (next < CASES) {
              const n = next++;
              const r = await post(intakeApi, "/cases", pensionTransfer(), `burst-${n}`);
              expect(r.status, JSON.stringify(r.body)).to.equal(201);
              submitted.push(r.body.caseId);
              if (submitted.length === Math.floor(CASES / 2) && killedAt < 0) {
                killedAt = submitted.length;
                // Mid-burst: it holds inbox partitions, maybe the relay lease, and requests in flight.
                alive.delete(0);
                await replicas[0]?.kill();
              }
            }
          }),
        );
        submitting = false;
      };

      const handleOne = async (caseId: string) => {
        for (const step of HANDLING) {
          const r = await post(handlingApi, `/cases/${caseId}/actions`, step, `${caseId}-${step.type}`);
          expect(r.status, `${step.type} ${caseId}: ${JSON.stringify(r.body)}`).to.equal(200);
        }
        handled.push(caseId);
      };

      const handleAll = async () => {
        const queue: string[] = [];
        const workers = Array.from({ length: IN_FLIGHT }, async () => {
          while (handled.length < CASES) {
            const caseId = queue.shift();
            if (caseId) await handleOne(caseId);
            else await new Promise((r) => setTimeout(r, 50));
          }
        });
        // The handling desk: look at what has arrived and take each case once.
        const desk = (async () => {
          while (handled.length < CASES) {
            if (queue.length < IN_FLIGHT * 4) {
              const r = await call("GET", `${handlingApi()}/cases?status=FORWARDED&limit=200`).catch(
                () => undefined,
              );
              for (const c of r?.status === 200 ? r.body.cases : []) {
                if (!taken.has(c.caseId)) {
                  taken.add(c.caseId);
                  queue.push(c.caseId);
                }
              }
            }
            await new Promise((r) => setTimeout(r, 100));
          }
        })();
        await Promise.all([...workers, desk]);
      };

      await Promise.all([submitAll(), handleAll()]);
      expect(submitting).to.equal(false);
      expect(killedAt).to.equal(Math.floor(CASES / 2));

      // Delivery reaches the intake ledger through the bus.
      await eventually(
        async () =>
          (await count("SELECT COUNT(*) AS n FROM xr_430100.cases WHERE status = 'DELIVERED'")) === CASES
            ? true
            : undefined,
        "every case DELIVERED in 430100's ledger",
        180_000,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}; ledgers now: ${await where()}`);
      });
      const seconds = (Date.now() - started) / 1000;

      for (const schema of ["xr_430100", "xr_440100"]) {
        expect(await count(`SELECT COUNT(*) AS n FROM ${schema}.cases`), schema).to.equal(CASES);
        expect(
          await count(`SELECT COUNT(*) AS n FROM ${schema}.cases WHERE status <> 'DELIVERED'`),
          schema,
        ).to.equal(0);
        // Exactly once: every case holds each of its events once, no more, no fewer.
        expect(await count(`SELECT COUNT(*) AS n FROM ${schema}.events`), schema).to.equal(
          CASES * EVENTS_PER_CASE,
        );
        expect(
          await count(
            `SELECT COUNT(*) AS n FROM (SELECT case_id FROM ${schema}.events GROUP BY case_id
               HAVING COUNT(*) <> ${EVENTS_PER_CASE} OR COUNT(DISTINCT type) <> ${EVENTS_PER_CASE}) odd`,
          ),
          schema,
        ).to.equal(0);
        expect(await count(`SELECT COUNT(*) AS n FROM ${schema}.outbox`), `${schema} outbox`).to.equal(0);
        // One message-log chain, written by every replica in turn: no gap, no fork.
        const log = await db.query<{ n: string; top: string }>(
          `SELECT COUNT(*) AS n, MAX(seq) AS top FROM ${schema}.message_log`,
        );
        expect(Number(log.rows[0]?.n), `${schema} message log`).to.equal(Number(log.rows[0]?.top));
        expect(
          await count(
            `SELECT COUNT(*) AS n FROM ${schema}.message_log m JOIN ${schema}.message_log p ON p.seq = m.seq - 1
             WHERE m.prev_hash <> p.hash`,
          ),
          `${schema} chain`,
        ).to.equal(0);
      }
      // The auditor's own check, content hashes included, reads both chains from PostgreSQL.
      const audit = execFileSync(
        process.execPath,
        ["--import", "tsx", join(PROJECT_ROOT, "gateway/cli/xr.ts"), "audit", "verify", "--data-dir", dir],
        { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" },
      );
      expect(audit).to.match(/^ok {6}430100: \d+ records/m);
      expect(audit).to.match(/^ok {6}440100: \d+ records/m);
      // 440100 received each submission once; 430100 received each handling step once.
      expect(await count("SELECT COUNT(*) AS n FROM xr_440100.inbox")).to.equal(CASES);
      expect(await count("SELECT COUNT(*) AS n FROM xr_430100.inbox")).to.equal(CASES * HANDLING.length);

      // On the bus: the relays of two live replicas never both published. The only copies allowed are
      // of the one batch the killed replica had sent but not yet marked (at-least-once at a crash).
      const onBus = await recordsOn(["xr.v1.handling.430100", "xr.v1.delivery.430100"]);
      const copies = onBus - CASES * HANDLING.length;
      expect(copies, "republished records").to.be.within(0, 500);
      process.stdout.write(
        `      ${CASES} cases, replica killed after ${killedAt} submissions, ${seconds.toFixed(1)} s; ` +
          `${copies} records republished after the kill, none applied twice\n`,
      );
    });
  });
});

/** Records held by the topics (high minus low watermark, over partitions). */
async function recordsOn(topics: string[]): Promise<number> {
  const admin = new Kafka({
    clientId: "xr-test-count",
    brokers: kafkaBrokers() ?? [],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    let n = 0;
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) n += Number(p.high) - Number(p.low);
    }
    return n;
  } finally {
    await admin.disconnect();
  }
}
