/** The ledger store suite against SQLite files, plus what only a file shows: durability. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { answeredCaseToJson } from "../../gateway/codec/json.js";
import { SqliteLedger } from "../../gateway/store/sqlite/ledger.js";
import { MIGRATIONS } from "../../gateway/store/sqlite/schema.js";
import { personCase } from "../helpers/cases.js";
import { testCipher } from "../helpers/cipher.js";
import { storeBehaviour } from "./store-behaviour.js";

const dir = mkdtempSync(join(tmpdir(), "xr-ledger-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let i = 0;

storeBehaviour(
  "SQLite",
  async () => new SqliteLedger({ path: join(dir, `ledger-${i++}.db`), cipher: testCipher() }),
);

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

describe("SQLite ledger file", () => {
  it("writes the case's clock as plain columns with the case (issue 17)", async () => {
    const path = join(dir, "clock-columns.db");
    const ledger = new SqliteLedger({ path, cipher: testCipher() });
    await ledger.commit({ state: clockedCase, expectedVersion: 0, events: [], outbox: [] });
    await ledger.close();
    const db = new Database(path, { readonly: true });
    const row = db.prepare(CLOCK_SELECT).get();
    db.close();
    expect(row).to.deep.equal({
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
    });
  });

  it("writes the rating level and the 整改 due date as plain columns with the case (issue 18)", async () => {
    const path = join(dir, "rating-columns.db");
    const ledger = new SqliteLedger({ path, cipher: testCipher() });
    const rated = personCase({
      caseId: "RATED",
      version: 1,
      status: "REJECTED",
      rating: {
        level: "DISSATISFIED",
        tags: [],
        text: "没说清楚缺什么",
        channel: "APPLICANT",
        ratedAt: "2026-12-08T02:00:00.000Z",
        rectification: { dueOn: "2026-12-29", answer: "", answeredAt: "" },
      },
    });
    await ledger.commit({ state: rated, expectedVersion: 0, events: [], outbox: [] });
    await ledger.close();
    const db = new Database(path, { readonly: true });
    const row = db
      .prepare(
        "SELECT rating_level, rectification_due_on, rectification_answered_on, rated_on FROM cases WHERE case_id = 'RATED'",
      )
      .get();
    db.close();
    expect(row).to.deep.equal({
      rating_level: "DISSATISFIED",
      rectification_due_on: "2026-12-29",
      rectification_answered_on: null,
      rated_on: "2026-12-08",
    });
  });

  it("keeps what was written across close and reopen, and migrates once", async () => {
    const path = join(dir, "reopen.db");
    const a = new SqliteLedger({ path, cipher: testCipher() });
    await a.park({
      eventId: "E",
      caseId: "X",
      sourceRegion: "440100",
      sequence: 3,
      value: new Uint8Array([1]),
      parkedAt: "2026-11-26T01:00:00.000Z",
      topic: "xr.v1.handling.430100",
      reason: "waiting for sequence 2",
    });
    await a.close();
    const b = new SqliteLedger({ path, cipher: testCipher() });
    expect(await b.countParked("X")).to.equal(1);
    await b.close();
  });

  it("replays an answer stored as HTTP status and canonical JSON by a ledger of schema 4", async () => {
    const path = join(dir, "schema-4.db");
    const old = new Database(path);
    old.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
    for (const [n, sql] of MIGRATIONS.slice(0, 4).entries()) {
      old.exec(sql);
      old.prepare("INSERT INTO schema_version (version) VALUES (?)").run(n + 1);
    }
    const answer = answeredCaseToJson(personCase());
    old
      .prepare("INSERT INTO idempotency (key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?)")
      .run("submit:old", "h", 201, JSON.stringify(answer), "2026-11-02T01:30:00.000Z");
    old.close();
    // A ledger of an older format opens only after the one-time reseal (docs/security.md); its answer was
    // stored unsealed, which the reseal refuses until the operator accepts it.
    expect(() => new SqliteLedger({ path, cipher: testCipher() })).to.throw(/xr ledger reseal/);
    const resealing = new SqliteLedger({ path, cipher: testCipher(), resealing: true });
    const refused = await resealing.reseal(false).catch((e: Error) => e);
    expect((refused as Error).message).to.match(
      /1 stored values are not sealed at all \(idempotency\.body of key sha256:/,
    );
    expect(await resealing.reseal(true)).to.deep.include({ sealedPlaintext: { "idempotency.body": 1 } });
    await resealing.close();
    const ledger = new SqliteLedger({ path, cipher: testCipher() });
    const found = await ledger.findIdempotent("submit:old");
    await ledger.close();
    expect(found?.requestHash).to.equal("h");
    expect(answeredCaseToJson(found?.state as never)).to.deep.equal(answer);
  });

  it("fails a whole commit group, writing nothing, when the disk fills mid-group", async () => {
    const path = join(dir, "full.db");
    const ledger = new SqliteLedger({ path, cipher: testCipher() });
    // Reach in to simulate a full disk: SQLite aborts the whole transaction on SQLITE_FULL.
    const db = (ledger as unknown as { db: Database.Database }).db;
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 3}`);
    const state = (caseId: string, padding: number) => ({
      caseId,
      version: 1,
      status: "SUBMITTED",
      intakeRegion: "430100",
      handlingRegion: "440100",
      collaboratingRegions: [],
      deadline: "2026-12-10",
      submittedAt: "2026-11-26T01:00:00.000Z",
      reason: "x".repeat(padding),
    });
    const commit = (caseId: string, padding: number) =>
      ledger.commit({ state: state(caseId, padding) as never, expectedVersion: 0, events: [], outbox: [] });
    const results = await Promise.allSettled([
      commit("F1", 10),
      commit("F2", 200_000),
      commit("F3", 10),
      commit("F4", 10),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "rejected", "rejected"]);
    expect(((results[2] as PromiseRejectedResult).reason as { code: string }).code).to.equal("UNAVAILABLE");
    for (const id of ["F1", "F2", "F3", "F4"]) expect(await ledger.getCase(id), id).to.equal(undefined);
    await ledger.close();
  });

  it("reports itself unwritable and refuses commits as UNAVAILABLE while another process holds the write lock", async function () {
    this.timeout(30_000);
    const path = join(dir, "locked.db");
    const ledger = new SqliteLedger({ path, cipher: testCipher() });
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    try {
      expect(await ledger.ping()).to.equal(false);
      const state = {
        caseId: "L1",
        version: 1,
        status: "SUBMITTED",
        intakeRegion: "430100",
        handlingRegion: "440100",
      };
      const err = await ledger
        .commit({
          state: { ...state, collaboratingRegions: [], deadline: "", submittedAt: "" } as never,
          expectedVersion: 0,
          events: [],
          outbox: [],
        })
        .catch((e: { code: string; retriable: boolean }) => e);
      // Retriable, so the inbox holds the event instead of dead-lettering it.
      expect(err).to.include({ code: "UNAVAILABLE", retriable: true });
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(await ledger.ping()).to.equal(true);
    await ledger.close();
  });
});
