/**
 * Issue 19, finding 5: encryption at rest without integrity. Someone with
 * write access to the ledger (the SQLite file, the PostgreSQL schema) but
 * without the data key must not be able to make the gateway serve data it
 * did not seal there: a value written in the clear (a case body DECIDED,
 * approved, for another applicant), or a genuine ciphertext moved from
 * another row or column. Each such read fails with DATA_LOSS and raises the
 * alert; nothing is returned as it is stored.
 *
 * On the code before the fix (6d2ef98) the plaintext body was served as the
 * case and swapped ciphertexts were served under each other's ids.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import pg from "pg";
import type { CaseState } from "../../gateway/domain/case.js";
import type { Commit, LedgerStore } from "../../gateway/ports/store.js";
import { aesGcmCipher } from "../../gateway/security/cipher.js";
import { PgLedger } from "../../gateway/store/pg/ledger.js";
import { SqliteLedger } from "../../gateway/store/sqlite/ledger.js";
import { zhIssue } from "../../gateway/web/client/messages.js";
import { personCase, residentId } from "../helpers/cases.js";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { describePostgres, dropSchemas, postgresUrl, testSchema } from "../helpers/postgres.js";

/** Raw access to the ledger's tables, as an intruder with the database but not the key has it. */
interface Raw {
  /** The column `v` of the first row. */
  get<R>(sql: string, ...args: unknown[]): Promise<R>;
  all<R>(sql: string, ...args: unknown[]): Promise<R[]>;
  run(sql: string, ...args: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** What the ledger told its alert. */
type Alerted = Array<{ table: string; column: string; reason: string; code: string }>;

interface Opened {
  readonly store: LedgerStore;
  readonly raw: Raw;
  readonly alerts: Alerted;
}

/** Another applicant's case, DECIDED and approved: what an intruder would like the gateway to serve. */
function forged(caseId: string): CaseState {
  return personCase({
    caseId,
    status: "DECIDED",
    approved: true,
    reason: "准予办理",
    applicant: {
      person: { name: "王伪造", idNumber: residentId("11010119800101001"), mobile: "13900000000" },
    },
  });
}

function commitFor(caseId: string, idempotencyKey: string): Commit {
  return {
    state: personCase({ caseId, version: 1, status: "SUBMITTED", deadline: "2026-12-10" }),
    expectedVersion: 0,
    events: [
      {
        eventId: `EV-${caseId}`,
        caseId,
        sourceRegion: "430100",
        sequence: 1,
        occurredAt: "2026-11-26T01:00:00.000Z",
        payload: { type: "HandlingNote", author: "窗口", text: `${caseId} 的记录` },
        statusAfter: "SUBMITTED",
      },
    ],
    outbox: [
      {
        topic: "xr.v1.intake.440100",
        key: caseId,
        value: new Uint8Array(Buffer.from(`envelope of ${caseId}`)),
        headers: { "xr-type": "CaseSubmitted" },
      },
    ],
    idempotency: { key: idempotencyKey, requestHash: `h-${caseId}` },
    log: [
      {
        direction: "sent",
        eventId: `EV-${caseId}`,
        caseId,
        peer: "440100",
        at: "2026-11-26T01:00:00.000Z",
        value: new Uint8Array(Buffer.from(`envelope of ${caseId}`)),
      },
    ],
  };
}

/** The error a read rejects with, or undefined when it resolves (the value was served). */
async function refusal(read: Promise<unknown>): Promise<{ code?: string; message: string } | undefined> {
  return read.then(
    () => undefined,
    (e: { code?: string; message: string }) => e,
  );
}

function integritySuite(name: string, open: () => Promise<Opened>): void {
  describe(`${name}: every sealed value must open where it is stored`, () => {
    let o: Opened;
    beforeEach(async () => {
      o = await open();
      await o.store.commit(commitFor("CASE-A", "submit:key-a"));
      await o.store.commit(commitFor("CASE-B", "submit:key-b"));
      for (const c of ["CASE-A", "CASE-B"])
        await o.store.park({
          eventId: `P-${c}`,
          caseId: c,
          sourceRegion: "440100",
          sequence: 3,
          value: new Uint8Array(Buffer.from(`parked envelope of ${c}`)),
          parkedAt: "2026-11-26T01:00:00.000Z",
          topic: "xr.v1.handling.430100",
          reason: "waiting for sequence 2",
        });
      // Untouched, everything reads back.
      expect((await o.store.getCase("CASE-A"))?.caseId).to.equal("CASE-A");
    });
    afterEach(async () => {
      await o.raw.close();
      await o.store.close();
    });

    /** Swaps a column's values between two rows. */
    const swap = async (table: string, column: string, key: string, a: string, b: string) => {
      const va = await o.raw.get<unknown>(`SELECT ${column} AS v FROM ${table} WHERE ${key} = ?`, a);
      const vb = await o.raw.get<unknown>(`SELECT ${column} AS v FROM ${table} WHERE ${key} = ?`, b);
      await o.raw.run(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`, vb, a);
      await o.raw.run(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`, va, b);
    };

    const expectAlert = (table: string, column: string, reason: string) => {
      expect(o.alerts, "the alert").to.deep.include({ table, column, reason, code: "DATA_LOSS" });
    };

    it("refuses a plaintext case body written into the ledger (DECIDED, approved, another applicant)", async () => {
      await o.raw.run(
        "UPDATE cases SET body = ?, status = 'DECIDED' WHERE case_id = ?",
        JSON.stringify(forged("CASE-A")),
        "CASE-A",
      );
      const err = await refusal(o.store.getCase("CASE-A"));
      expect(err, "the forged case was served").to.not.equal(undefined);
      expect(err?.code).to.equal("DATA_LOSS");
      expect(err?.message).to.match(/cases\.body of CASE-A failed its integrity check \(not sealed\)/);
      expect(err?.message).to.not.include("王伪造");
      expectAlert("cases", "body", "unsealed");
      // A list that includes it fails as a whole rather than serve the rest around it.
      expect((await refusal(o.store.listCases({ limit: 10, offset: 0 })))?.code).to.equal("DATA_LOSS");
    });

    it("refuses case bodies whose ciphertexts were swapped between two rows", async () => {
      await swap("cases", "body", "case_id", "CASE-A", "CASE-B");
      for (const id of ["CASE-A", "CASE-B"]) {
        const err = await refusal(o.store.getCase(id));
        expect(err, `${id} was served with the other case's body`).to.not.equal(undefined);
        expect(err?.code).to.equal("DATA_LOSS");
      }
      expectAlert("cases", "body", "unauthentic");
    });

    it("refuses a case body's ciphertext copied into another column (an idempotency answer)", async () => {
      const body = await o.raw.get<string>("SELECT body AS v FROM cases WHERE case_id = ?", "CASE-B");
      await o.raw.run("UPDATE idempotency SET body = ? WHERE key = ?", body, "submit:key-a");
      const err = await refusal(o.store.findIdempotent("submit:key-a"));
      expect(err, "a case body was served as a stored answer").to.not.equal(undefined);
      expect(err?.code).to.equal("DATA_LOSS");
      // Named by a digest: the key is the client's.
      expect(err?.message).to.match(/idempotency\.body of key sha256:[0-9a-f]{16} /);
      expectAlert("idempotency", "body", "unauthentic");
    });

    it("refuses idempotency answers swapped between keys, and one written in the clear", async () => {
      await swap("idempotency", "body", "key", "submit:key-a", "submit:key-b");
      expect((await refusal(o.store.findIdempotent("submit:key-a")))?.code).to.equal("DATA_LOSS");
      await o.raw.run(
        "UPDATE idempotency SET body = ? WHERE key = ?",
        JSON.stringify(forged("CASE-B")),
        "submit:key-b",
      );
      expect((await refusal(o.store.findIdempotent("submit:key-b")))?.code).to.equal("DATA_LOSS");
      expectAlert("idempotency", "body", "unsealed");
    });

    it("refuses event payloads swapped between events, and one written in the clear", async () => {
      await swap("events", "payload", "event_id", "EV-CASE-A", "EV-CASE-B");
      expect((await refusal(o.store.listEvents("CASE-A")))?.code).to.equal("DATA_LOSS");
      await o.raw.run(
        "UPDATE events SET payload = ? WHERE event_id = ?",
        JSON.stringify({ type: "CaseAccepted" }),
        "EV-CASE-B",
      );
      expect((await refusal(o.store.listEvents("CASE-B")))?.code).to.equal("DATA_LOSS");
      expectAlert("events", "payload", "unsealed");
    });

    it("refuses outbox envelopes swapped between messages, so nothing wrong is relayed", async () => {
      const [a, b] = (await o.raw.all<{ id: number | string }>("SELECT id FROM outbox ORDER BY id")).map(
        (r) => String(r.id),
      );
      await swap("outbox", "value", "id", a as string, b as string);
      expect((await refusal(o.store.pendingOutbox(10)))?.code).to.equal("DATA_LOSS");
      expectAlert("outbox", "value", "unauthentic");
    });

    it("refuses parked envelopes swapped between events", async () => {
      await swap("parked", "value", "event_id", "P-CASE-A", "P-CASE-B");
      expect((await refusal(o.store.parkedFor("CASE-A")))?.code).to.equal("DATA_LOSS");
      expect((await refusal(o.store.parkedBefore("2099-01-01T00:00:00.000Z", 10)))?.code).to.equal(
        "DATA_LOSS",
      );
      expectAlert("parked", "value", "unauthentic");
    });

    it("raises the alert for a logged envelope moved to another record, and for one written in the clear", async () => {
      await swap("message_log", "value", "seq", "1", "2");
      const records = await o.store.logRecords(1, 10);
      // The walk goes on (so `xr audit verify` names the record), but nothing unopened is handed out.
      expect(records.map((r) => Buffer.from(r.value).toString())).to.deep.equal(["", ""]);
      expectAlert("message_log", "value", "unauthentic");
      await o.raw.run("UPDATE message_log SET value = ? WHERE seq = ?", Buffer.from("forged envelope"), "1");
      expect(Buffer.from((await o.store.logForCase("CASE-A"))[0]?.value ?? []).toString()).to.equal("");
      expectAlert("message_log", "value", "unsealed");
    });
  });
}

const KEY = randomBytes(32);

/** A SQLite ledger on a fresh file, and a second connection to the file for the intruder. */
async function sqlite(): Promise<Opened> {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = join(mkdtempSync(join(tmpdir(), "xr-at-rest-")), "ledger.db");
  const alerts: Alerted = [];
  const store = new SqliteLedger({
    path,
    cipher: aesGcmCipher(KEY),
    alert: (e) => alerts.push({ table: e.table, column: e.column, reason: e.reason, code: e.code }),
  } as ConstructorParameters<typeof SqliteLedger>[0]);
  const db = new Database(path);
  const raw: Raw = {
    get: async <R>(sql: string, ...args: unknown[]) =>
      (db.prepare(sql).get(...args) as { v: unknown } | undefined)?.v as R,
    all: async <R>(sql: string, ...args: unknown[]) => db.prepare(sql).all(...args) as R[],
    run: async (sql, ...args) => {
      db.prepare(sql).run(...args);
    },
    close: async () => {
      db.close();
    },
  };
  return { store, raw, alerts };
}

integritySuite("SQLite", sqlite);

describePostgres("PostgreSQL at rest", () => {
  const schemas: string[] = [];
  after(() => dropSchemas(schemas));
  integritySuite("PostgreSQL", async () => {
    const schema = testSchema();
    schemas.push(schema);
    const alerts: Alerted = [];
    const store = await PgLedger.open({
      url: postgresUrl(),
      schema,
      cipher: aesGcmCipher(KEY),
      alert: (e) => alerts.push({ table: e.table, column: e.column, reason: e.reason, code: e.code }),
    } as Parameters<typeof PgLedger.open>[0]);
    const client = new pg.Client({ connectionString: postgresUrl(), options: `-c search_path=${schema}` });
    await client.connect();
    const numbered = (sql: string) => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    };
    const raw: Raw = {
      get: async <R>(sql: string, ...args: unknown[]) =>
        (await client.query(numbered(sql), args)).rows[0]?.v as R,
      all: async <R>(sql: string, ...args: unknown[]) =>
        (await client.query(numbered(sql), args)).rows as R[],
      run: async (sql, ...args) => {
        await client.query(numbered(sql), args);
      },
      close: () => client.end(),
    };
    return { store, raw, alerts };
  });
});

describe("a running gateway whose ledger holds a forged case", function () {
  this.timeout(60_000);
  let t: TestFederation;
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
  });
  after(async () => {
    await t.stop();
  });

  it("answers DATA_LOSS instead of the forged case, logs an error-level alert without personal data, and counts it", async () => {
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    expect(created.status).to.equal(201);
    const caseId = created.body.caseId as string;
    const fake = forged(caseId);
    const db = new Database(join(t.dataDir, "430100", "ledger.db"));
    try {
      db.prepare("UPDATE cases SET body = ?, status = 'DECIDED' WHERE case_id = ?").run(
        JSON.stringify(fake),
        caseId,
      );
    } finally {
      db.close();
    }
    const r = await call("GET", `${t.url("430100")}/cases/${caseId}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(500);
    expect(r.body.error.code).to.equal("DATA_LOSS");
    expect(JSON.stringify(r.body)).to.not.include("王伪造");
    // The window page shows it in Chinese.
    expect(zhIssue(r.body.error.message)).to.equal(
      "本地台账中的数据未通过完整性校验，未予显示；已告警，请联系运维人员",
    );

    const alerts = t.logs.filter((l) => String(l.msg).startsWith("ledger integrity alert"));
    expect(alerts).to.have.length.greaterThan(0);
    expect(alerts[0]).to.include({
      level: 50,
      table: "cases",
      column: "body",
      row: caseId,
      reason: "unsealed",
    });
    const line = JSON.stringify(alerts[0]);
    for (const secret of [residentId("11010119800101001"), "王伪造", "13900000000"])
      expect(line).to.not.include(String(secret));

    const root = t.url("430100").replace(/\/api\/v1$/, "");
    const metrics = await fetch(`${root}/metrics`).then((m) => m.text());
    expect(metrics).to.match(
      /^xr_ledger_integrity_failures_total\{table="cases",column="body",reason="unsealed",region="430100"\} [1-9]/m,
    );
  });
});
