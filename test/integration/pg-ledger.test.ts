/**
 * The ledger store suite against the machine's PostgreSQL, plus what only a
 * shared database shows: migrations run forwards and once, and two ledgers
 * on one schema (two replicas) never both win.
 */
import { expect } from "chai";
import pg from "pg";
import { firstBreak } from "../../gateway/audit/chain.js";
import { answeredCaseToJson } from "../../gateway/codec/json.js";
import type { CaseClock } from "../../gateway/domain/deadline.js";
import type { XrError } from "../../gateway/domain/errors.js";
import type { Commit } from "../../gateway/ports/store.js";
import { PgLedger } from "../../gateway/store/pg/ledger.js";
import { migrate } from "../../gateway/store/pg/migrate.js";
import { PG_MIGRATIONS } from "../../gateway/store/pg/schema.js";
import { personCase } from "../helpers/cases.js";
import { testCipher } from "../helpers/cipher.js";
import { describePostgres, dropSchemas, postgresUrl, testSchema } from "../helpers/postgres.js";
import { storeBehaviour } from "./store-behaviour.js";

const clockedCase = personCase({
  caseId: "COLS",
  version: 1,
  status: "ACCEPTED",
  clock: {
    acceptDays: 5,
    arrivedOn: "2026-11-02",
    acceptedOn: "2026-11-12",
    decidedOn: null,
    stage: "decide",
    dueOn: "2026-12-03",
    warnOn: "2026-12-01",
    stoppedOn: null,
    stoppedFor: null,
    suspendedDays: 2,
    lateDays: 3,
    breach: { on: "2026-11-10", days: 3, stage: "accept" },
    decideDays: null,
  },
});
const CLOCK_SELECT = `SELECT matter_code, intake_region, handling_region, arrived_on, accepted_on, decided_on, due_on,
  breach_on, breach_days, breach_stage, suspended_days, decide_days FROM cases WHERE case_id = 'COLS'`;

describePostgres("PostgreSQL ledger", () => {
  const schemas: string[] = [];
  const open = (schema = testSchema()) => {
    schemas.push(schema);
    return PgLedger.open({ url: postgresUrl(), schema, cipher: testCipher() });
  };
  after(() => dropSchemas(schemas));

  storeBehaviour("PostgreSQL", () => open());

  const state = (caseId: string, version: number) =>
    personCase({ caseId, version, status: "SUBMITTED", deadline: "2026-12-10" });
  const commit = (caseId: string, version: number, eventId: string, extra: Partial<Commit> = {}): Commit => ({
    state: state(caseId, version),
    expectedVersion: version - 1,
    events: [
      {
        eventId,
        caseId,
        sourceRegion: "440100",
        sequence: version,
        occurredAt: "2026-11-26T01:00:00.000Z",
        payload: { type: "HandlingNote", author: "窗口", text: eventId },
        statusAfter: "SUBMITTED",
      },
    ],
    outbox: [],
    ...extra,
  });

  /** A sent envelope's log entry, named by its event id (also its case id). */
  const entry = (eventId: string) => ({
    direction: "sent" as const,
    eventId,
    caseId: eventId,
    peer: "440100",
    at: "2026-11-26T01:00:00.000Z",
    value: new TextEncoder().encode(eventId),
  });

  it("writes the rating level and the 整改 dates as plain columns with the case, and again on update (issue 18)", async () => {
    const schema = testSchema();
    const ledger = await open(schema);
    const rated = personCase({
      caseId: "RATED",
      version: 1,
      status: "DELIVERED",
      rating: {
        level: "VERY_DISSATISFIED",
        tags: ["等待时间长"],
        text: "跑了三趟",
        channel: "WINDOW",
        ratedAt: "2026-12-08T02:00:00.000Z",
        rectification: { dueOn: "2026-12-29", answer: "", answeredAt: "" },
      },
    });
    await ledger.commit({ state: rated, expectedVersion: 0, events: [], outbox: [] });
    const read = () =>
      queryRows(
        `SELECT rating_level, rectification_due_on, rectification_answered_on, rated_on FROM ${schema}.cases WHERE case_id = 'RATED'`,
      );
    expect(await read()).to.deep.equal([
      {
        rating_level: "VERY_DISSATISFIED",
        rectification_due_on: "2026-12-29",
        rectification_answered_on: null,
        rated_on: "2026-12-08",
      },
    ]);
    const answered = {
      ...rated,
      version: 2,
      rating: {
        ...(rated.rating as NonNullable<typeof rated.rating>),
        rectification: { dueOn: "2026-12-29", answer: "已整改", answeredAt: "2026-12-10T01:00:00.000Z" },
      },
    };
    await ledger.commit({ state: answered, expectedVersion: 1, events: [], outbox: [] });
    expect(await read()).to.deep.equal([
      {
        rating_level: "VERY_DISSATISFIED",
        rectification_due_on: "2026-12-29",
        rectification_answered_on: "2026-12-10",
        rated_on: "2026-12-08",
      },
    ]);
    // The applicant's words stay in the sealed body only.
    expect(JSON.stringify(await queryRows(`SELECT * FROM ${schema}.cases`))).to.not.include("跑了三趟");
    await ledger.close();
  });

  it("writes the case's clock as plain columns with the case, and again on update (issue 17)", async () => {
    const schema = testSchema();
    const ledger = await open(schema);
    await ledger.commit({ state: clockedCase, expectedVersion: 0, events: [], outbox: [] });
    const read = () => queryRows(CLOCK_SELECT.replace("FROM cases", `FROM ${schema}.cases`));
    expect(await read()).to.deep.equal([
      {
        matter_code: "XR-SB-001",
        intake_region: "430100",
        handling_region: "440100",
        arrived_on: "2026-11-02",
        accepted_on: "2026-11-12",
        decided_on: null,
        due_on: "2026-12-03",
        breach_on: "2026-11-10",
        breach_days: 3,
        breach_stage: "accept",
        suspended_days: 2,
        decide_days: null,
      },
    ]);
    const decided = {
      ...clockedCase,
      version: 2,
      status: "DECIDED" as const,
      clock: { ...(clockedCase.clock as CaseClock), stage: null, decidedOn: "2026-12-04", decideDays: 22 },
    };
    await ledger.commit({ state: decided, expectedVersion: 1, events: [], outbox: [] });
    const [row] = await read();
    expect(row).to.include({ decided_on: "2026-12-04", decide_days: 22, breach_on: "2026-11-10" });
    await ledger.close();
  });

  describe("group commit", () => {
    it("commits a burst together, refusing only the stale commits and logging only what held", async () => {
      const ledger = await open();
      try {
        await ledger.commit(commit("STALE", 1, "S1"));
        // Fired in one turn, so they queue behind each other and go in shared transactions.
        const results = await Promise.allSettled(
          Array.from({ length: 60 }, (_, i) =>
            i % 3 === 0
              ? ledger.commit(commit("STALE", 1, `X${i}`, { log: [entry(`X${i}`)] }))
              : ledger.commit(commit(`G${i}`, 1, `G${i}`, { log: [entry(`G${i}`)] })),
          ),
        );
        const refused = results.flatMap((r, i) => (r.status === "rejected" ? [i] : []));
        expect(refused).to.deep.equal(Array.from({ length: 20 }, (_, k) => k * 3));
        for (const i of refused) {
          expect(((results[i] as PromiseRejectedResult).reason as XrError).code).to.equal("CONFLICT");
        }
        const log = await ledger.logRecords(1, 1_000);
        expect(log.map((r) => r.eventId).sort()).to.deep.equal(
          Array.from({ length: 60 }, (_, i) => i)
            .filter((i) => i % 3 !== 0)
            .map((i) => `G${i}`)
            .sort(),
        );
        expect(firstBreak(log)).to.equal(undefined);
        expect((await ledger.listEvents("STALE")).map((e) => e.eventId)).to.deep.equal(["S1"]);
      } finally {
        await ledger.close();
      }
    });
  });

  describe("migrations", () => {
    it("bring a schema at an older version forwards on open, keeping its rows", async () => {
      const schema = testSchema();
      schemas.push(schema);
      const client = new pg.Client({ connectionString: postgresUrl() });
      await client.connect();
      try {
        expect(await migrate(client, schema, PG_MIGRATIONS.slice(0, 1))).to.equal(1);
        await client.query(
          `INSERT INTO ${schema}.cases (case_id, version, status, parties, deadline, submitted_at, body)
           VALUES ('OLD', 1, 'ACCEPTED', ',430100,440100,', '2026-12-10', '2026-11-01T00:00:00Z', $1)`,
          [JSON.stringify(state("OLD", 1))],
        );
        // An answer stored as HTTP status and canonical JSON, before answers were cases.
        await client.query(
          `INSERT INTO ${schema}.idempotency (key, request_hash, status, body, created_at)
           VALUES ('submit:old', 'h', 201, $1, '2026-11-01T00:00:00Z')`,
          [JSON.stringify(answeredCaseToJson(state("OLD", 1)))],
        );
      } finally {
        await client.end();
      }
      // A ledger of an older format opens only after the one-time reseal (docs/security.md); these rows
      // were stored unsealed, which the reseal refuses until the operator accepts them.
      const before = await PgLedger.open({ url: postgresUrl(), schema, cipher: testCipher() }).catch(
        (e) => e,
      );
      expect((before as Error).message).to.match(/xr ledger reseal/);
      const resealing = await PgLedger.open({
        url: postgresUrl(),
        schema,
        cipher: testCipher(),
        resealing: true,
      });
      try {
        expect(((await resealing.reseal(false).catch((e) => e)) as Error).message).to.match(
          /2 stored values are not sealed at all/,
        );
        expect(await resealing.reseal(true)).to.deep.include({
          sealedPlaintext: { "cases.body": 1, "idempotency.body": 1 },
        });
      } finally {
        await resealing.close();
      }
      const ledger = await PgLedger.open({ url: postgresUrl(), schema, cipher: testCipher() });
      try {
        expect((await ledger.getCase("OLD"))?.status).to.equal("ACCEPTED");
        const answer = await ledger.findIdempotent("submit:old");
        expect(answer?.requestHash).to.equal("h");
        expect(answeredCaseToJson(answer?.state as never)).to.deep.equal(answeredCaseToJson(state("OLD", 1)));
        // The table of migration 2 is there and usable.
        await ledger.appendLog([
          {
            direction: "sent",
            eventId: "E",
            caseId: "OLD",
            peer: "440100",
            at: "x",
            value: new Uint8Array([1]),
          },
        ]);
        expect(await ledger.logRecords(1, 10)).to.have.length(1);
      } finally {
        await ledger.close();
      }
      const versions = await queryRows<{ version: number }>(
        `SELECT version FROM ${schema}.schema_version ORDER BY version`,
      );
      expect(versions.map((r) => r.version)).to.deep.equal(PG_MIGRATIONS.map((_, i) => i + 1));
    });

    it("run once when replicas open the same schema at the same moment", async () => {
      const schema = testSchema();
      const ledgers = await Promise.all([open(schema), open(schema), open(schema)]);
      await Promise.all(ledgers.map((l) => l.close()));
      const versions = await queryRows<{ version: number }>(
        `SELECT version FROM ${schema}.schema_version ORDER BY version`,
      );
      expect(versions.map((r) => r.version)).to.deep.equal(PG_MIGRATIONS.map((_, i) => i + 1));
    });

    it("refuse a schema name that is not a plain identifier", async () => {
      const err = await PgLedger.open({
        url: postgresUrl(),
        schema: "x; DROP TABLE y",
        cipher: testCipher(),
      }).catch((e: XrError) => e);
      expect((err as XrError).message).to.match(/^schema: /);
    });
  });

  describe("two replicas on one schema", () => {
    let shared: string;
    let a: PgLedger;
    let b: PgLedger;
    beforeEach(async () => {
      shared = testSchema();
      a = await open(shared);
      b = await open(shared);
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    it("let exactly one of two concurrent first commits of a case win", async () => {
      const results = await Promise.allSettled([
        a.commit(commit("K1", 1, "EA")),
        b.commit(commit("K1", 1, "EB")),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).to.have.length(1);
      const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect((loser.reason as XrError).code).to.equal("CONFLICT");
      expect(await a.listEvents("K1")).to.have.length(1);
    });

    it("apply one received event once when both replicas apply it together", async () => {
      await a.commit(commit("K2", 1, "FIRST"));
      const inbox = { eventId: "SAME", caseId: "K2", sourceRegion: "440100", sequence: 2 };
      const results = await Promise.allSettled([
        a.commit(commit("K2", 2, "SAME", { inbox })),
        b.commit(commit("K2", 2, "SAME", { inbox })),
      ]);
      expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
      expect((await b.listEvents("K2")).map((e) => e.eventId)).to.deep.equal(["FIRST", "SAME"]);
    });

    it("keep one unbroken message-log chain when both append at once", async () => {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? a : b).commit(commit(`M${i}`, 1, `M${i}`, { log: [entry(`M${i}a`), entry(`M${i}b`)] })),
        ),
      );
      const records = await a.logRecords(1, 1_000);
      expect(records).to.have.length(80);
      expect(firstBreak(records)).to.equal(undefined);
    });

    it("give the relay lease to one replica, and to the other once the holder closes", async () => {
      const [first, second] = await Promise.all([a.relayLease(), b.relayLease()]);
      expect([first, second].filter(Boolean)).to.have.length(1);
      const [holder, standby] = first ? [a, b] : [b, a];
      expect(await standby.relayLease()).to.equal(false);
      await holder.close();
      expect(await standby.relayLease()).to.equal(true);
      // afterEach closes the holder again: closing twice is harmless.
    });

    it("free the lease when the holder's connection dies, as with kill -9", async () => {
      expect(await a.relayLease()).to.equal(true);
      expect(await b.relayLease()).to.equal(false);
      // The server ends the holder's lease connection, as it does when that process is gone.
      await queryRows(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
           AND classid = (hashtext($1)::bigint & 4294967295)::oid AND objid = 3 AND objsubid = 2`,
        [shared],
      );
      await eventuallyTrue(() => b.relayLease());
      expect(await a.relayLease()).to.equal(false);
    });
  });
});

async function queryRows<R extends pg.QueryResultRow>(sql: string, args: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    return (await client.query<R>(sql, args)).rows;
  } finally {
    await client.end();
  }
}

async function eventuallyTrue(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
}
