/**
 * Finding 4 of the outside review: nothing anchored the message log, and
 * `xr audit verify` never checked the signatures of the logged envelopes nor
 * compared the cases and events tables with the log. With the database (and
 * here even the data key), a forged envelope appended to the chain, a case
 * whose stored state its logged events do not lead to, and an event missing
 * from the events table all verified "ok".
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { ulid } from "ulid";
import type { CaseState } from "../../gateway/domain/case.js";
import { forge, openStoppedLedger, rewriteLogFrom, xr } from "../helpers/audit.js";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { statusAt, takeCaseToDelivery } from "../helpers/scenario.js";

describe("security: xr audit verify checks every logged signature and the tables against the log", function () {
  this.timeout(180_000);
  let t: TestFederation;
  let delivered = "";
  let accepted = "";
  const copies: string[] = [];
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    delivered = await takeCaseToDelivery((r) => t.url(r));
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    accepted = created.body.caseId;
    await statusAt(t.url("440100"), accepted, "FORWARDED");
    expect(
      (await call("POST", `${t.url("440100")}/cases/${accepted}/actions`, { type: "accept" })).status,
    ).to.equal(200);
    await statusAt(t.url("430100"), accepted, "ACCEPTED");
    await t.fed.close(); // the CLI reads the ledgers of stopped gateways
  });
  after(() => {
    for (const d of [t.dataDir, ...copies]) rmSync(d, { recursive: true, force: true });
  });

  /** A copy of the stopped federation's data, for one tampering. */
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), "xr-tamper-"));
    cpSync(t.dataDir, dir, { recursive: true });
    copies.push(dir);
    return dir;
  };
  const verify = (dataDir: string) => xr("audit", "verify", "--data-dir", dataDir);

  it("untouched ledgers verify", async () => {
    const r = await verify(t.dataDir);
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(/^ok {6}430100: \d+ records, head [0-9a-f]{64}$/m);
    expect(r.out).to.match(/^ok {6}440100: \d+ records, head [0-9a-f]{64}$/m);
  });

  it("finds a forged envelope appended to the chain (a decision signed with a fresh key under 440100's key id)", async () => {
    const dir = copy();
    const store = await openStoppedLedger(dir, "430100");
    const eventId = ulid();
    try {
      const genuine = (await store.logForCase(accepted)).find((r) => r.direction === "received");
      expect(genuine, "430100 received 440100's acceptance").not.to.equal(undefined);
      const value = forge(genuine?.value as Uint8Array, (env) => ({
        ...env,
        eventId,
        sequence: env.sequence + 1,
        payload: { type: "CaseDecided", approved: true, reason: "" },
      }));
      await store.appendLog([
        {
          direction: "received",
          eventId,
          caseId: accepted,
          peer: "440100",
          at: new Date().toISOString(),
          value,
        },
      ]);
    } finally {
      await store.close();
    }
    const r = await verify(dir);
    expect(r.code, r.out).to.equal(1);
    expect(r.out).to.match(
      new RegExp(
        `^BROKEN {2}430100: record \\d+ \\(received ${eventId}\\): signature does not verify with key 440100-dev of 440100$`,
        "m",
      ),
    );
    expect(r.out).to.match(/^ok {6}440100: /m);
  });

  it("finds a case whose stored state is not what its logged events lead to", async () => {
    const dir = copy();
    const store = await openStoppedLedger(dir, "440100");
    try {
      const c = (await store.getCase(accepted)) as CaseState;
      // Decided and approved in the cases table, with no event and no envelope.
      await store.commit({
        state: { ...c, status: "DECIDED", approved: true, version: c.version + 1 },
        expectedVersion: c.version,
        events: [],
        outbox: [],
      });
    } finally {
      await store.close();
    }
    const r = await verify(dir);
    expect(r.code, r.out).to.equal(1);
    expect(r.out).to.match(
      new RegExp(
        `^BROKEN {2}440100: case ${accepted}: stored as DECIDED \\(version 3\\), but its logged events lead to ACCEPTED \\(version 2\\); differs in status, version, approved$`,
        "m",
      ),
    );
  });

  it("finds an event the log holds but the events table lost", async () => {
    const dir = copy();
    const db = new Database(join(dir, "430100", "ledger.db"));
    let removed = "";
    try {
      const row = db
        .prepare("SELECT event_id FROM events WHERE case_id = ? AND type = 'CaseDecided'")
        .get(delivered) as { event_id: string };
      removed = row.event_id;
      db.prepare("DELETE FROM events WHERE event_id = ?").run(removed);
    } finally {
      db.close();
    }
    const r = await verify(dir);
    expect(r.code, r.out).to.equal(1);
    expect(r.out).to.match(
      new RegExp(
        `^BROKEN {2}430100: case ${delivered}: logged event ${removed} \\(CaseDecided of 440100\\) is not stored$`,
        "m",
      ),
    );
  });

  it("finds a received envelope deleted from the log and the rest re-hashed, while the tables still hold its event", async () => {
    const dir = copy();
    const store = await openStoppedLedger(dir, "430100");
    const acceptance = (await store.logForCase(delivered)).find(
      (r) => r.direction === "received" && Buffer.from(r.value).includes(Buffer.from("CaseAccepted")),
    );
    await store.close();
    expect(acceptance).not.to.equal(undefined);
    const { seq, eventId } = acceptance as { seq: number; eventId: string };
    const dropped = await rewriteLogFrom(dir, "430100", seq, (r) => r.seq !== seq);
    expect(dropped.map((r) => r.eventId)).to.deep.equal([eventId]);
    const r = await verify(dir);
    expect(r.code, r.out).to.equal(1);
    expect(r.out).not.to.match(/^BROKEN {2}430100: record/m); // the chain itself holds
    expect(r.out).to.match(
      new RegExp(
        `^BROKEN {2}430100: case ${delivered}: event ${eventId} \\(CaseAccepted of 440100\\) is stored but not in the log$`,
        "m",
      ),
    );
  });
});
