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
import { signCheckpoint } from "../../gateway/codec/checkpoint.js";
import type { CaseState } from "../../gateway/domain/case.js";
import type { LogRecord } from "../../gateway/ports/store.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { witnessCheckpoint } from "../../gateway/usecases/checkpoints.js";
import { forge, forgerKey, openStoppedLedger, rewriteLogFrom, settleReceipts, xr } from "../helpers/audit.js";
import { call, eventually, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { type FixtureFederation, startFixtureFederation } from "../helpers/fixture-federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { type RegionFixture, regionFixture } from "../helpers/region-fixture.js";
import { statusAt, takeCaseToDelivery } from "../helpers/scenario.js";

describe("security: xr audit verify checks every logged signature and the tables against the log", function () {
  this.timeout(180_000);
  let t: TestFederation;
  let delivered = "";
  let accepted = "";
  let localCase = "";
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
    // A case 430100 handles alone sends nothing: the log has none of it, its stored events stand in.
    const local = await call("POST", `${t.url("430100")}/cases`, {
      ...pensionTransfer(),
      mode: "FULL_ONLINE",
      handlingRegion: "430100",
      delivery: { method: "ELECTRONIC" },
    });
    expect(local.status, JSON.stringify(local.body)).to.equal(201);
    localCase = local.body.caseId;
    expect(
      (await call("POST", `${t.url("430100")}/cases/${localCase}/actions`, { type: "accept" })).status,
    ).to.equal(200);
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

  it("finds a case 430100 handles alone whose stored state its stored events do not lead to", async () => {
    const dir = copy();
    const store = await openStoppedLedger(dir, "430100");
    try {
      const c = (await store.getCase(localCase)) as CaseState;
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
        `^BROKEN {2}430100: case ${localCase}: stored as DECIDED \\(version 3\\), but its stored events lead to ACCEPTED \\(version 2\\); differs in status, version, approved$`,
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

describe("security: checkpoints of the log, countersigned and kept by partners, anchor it", function () {
  this.timeout(180_000);
  let t: TestFederation;
  let cs: RegionHandle;
  let gz: RegionHandle;
  let caseId = "";
  let anchored = 0;
  const copies: string[] = [];
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    cs = t.fed.regions.get("430100") as RegionHandle;
    gz = t.fed.regions.get("440100") as RegionHandle;
    caseId = await takeCaseToDelivery((r) => t.url(r));
    // Receipts are appended to the logs as partners hand them back: let them all arrive first.
    await settleReceipts([cs, gz]);
  });
  after(async () => {
    await t.stop();
    for (const d of copies) rmSync(d, { recursive: true, force: true });
  });

  /** `xr audit <command>` for 440100, its partner 430100 reached where this test federation put it. */
  const audit = (command: string, dataDir = t.dataDir, ...more: string[]) =>
    xr(
      "audit",
      command,
      "--regions",
      "440100",
      "--data-dir",
      dataDir,
      "--partners",
      "430100",
      "--partner-address",
      `430100=${cs.grpcAddress}`,
      ...more,
    );
  /** A copy of 440100's data as it is now (the gateway is idle), for one tampering. */
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), "xr-anchor-"));
    cpSync(t.dataDir, dir, { recursive: true });
    copies.push(dir);
    return dir;
  };

  it("xr audit checkpoint hands 440100's log head to 430100, which countersigns and keeps it", async () => {
    const head = await gz.context.store.logHead();
    expect(head.seq).to.be.greaterThan(0);
    const r = await audit("checkpoint");
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(
      new RegExp(
        `^ok {6}440100: record ${head.seq} \\(${head.hash}\\) countersigned by 430100 at \\S+$`,
        "m",
      ),
    );
    const [kept] = await cs.context.store.checkpoints("440100", "430100", 1);
    expect(kept?.seq).to.equal(head.seq);
    expect(kept?.hash).to.equal(head.hash);
    const [own] = await gz.context.store.checkpoints("440100", "430100", 1);
    expect(own?.countersignature).to.deep.equal(kept?.countersignature);
    anchored = head.seq;
  });

  it("xr audit verify compares the chain with the checkpoint 430100 keeps", async () => {
    const r = await audit("verify");
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(
      new RegExp(
        `^ok {6}440100: \\d+ records, head [0-9a-f]{64}; anchored: 430100 keeps record ${anchored}$`,
        "m",
      ),
    );
  });

  it("finds a record's time rewritten and the chain re-hashed at the same length, which nothing else shows", async () => {
    const dir = copy();
    const first = (await gz.context.store.logRecords(1, 1))[0] as LogRecord;
    const backdated = new Date(Date.parse(first.at) - 86_400_000).toISOString();
    const rewritten: LogRecord[] = [];
    await rewriteLogFrom(
      dir,
      "440100",
      1,
      () => true,
      (r) => {
        const changed = r.seq === 1 ? { ...r, at: backdated } : r;
        rewritten.push(changed);
        return changed;
      },
    );
    const r = await audit("verify", dir);
    expect(r.code, r.out).to.equal(1);
    expect(r.out.match(/^BROKEN .*$/gm), r.out).to.have.length(1);
    expect(r.out).to.match(
      new RegExp(
        `^BROKEN {2}440100: checkpoint of record ${anchored} signed \\S+, countersigned by 430100 at \\S+: names hash [0-9a-f]{64}, the log's record ${anchored} has [0-9a-f]{64} \\(rewritten or re-hashed\\)$`,
        "m",
      ),
    );
    expect(rewritten).to.have.length(anchored);
    // Offline, the countersigned copy 440100 keeps of its own checkpoint stands in for 430100's.
    const offline = await audit("verify", dir, "--offline");
    expect(offline.code, offline.out).to.equal(1);
    expect(offline.out).to.match(
      new RegExp(
        `^BROKEN {2}440100: checkpoint of record ${anchored} .*\\(rewritten or re-hashed\\) \\(the copy kept here\\)$`,
        "m",
      ),
    );
  });

  it("finds a received envelope deleted and the rest re-hashed (the log is shorter than its checkpoint)", async () => {
    const dir = copy();
    const received = (await gz.context.store.logForCase(caseId)).find((r) => r.direction === "received");
    const { seq } = received as LogRecord;
    await rewriteLogFrom(dir, "440100", seq, (r) => r.seq !== seq);
    const r = await audit("verify", dir);
    expect(r.code, r.out).to.equal(1);
    expect(r.out).to.match(
      new RegExp(
        `^BROKEN {2}440100: checkpoint of record ${anchored} .*: the log holds only ${anchored - 1} records \\(cut after the checkpoint\\)$`,
        "m",
      ),
    );
    // And 430100 refuses to countersign the shorter log: it keeps the longer one.
    const again = await audit("checkpoint", dir);
    expect(again.code, again.out).to.equal(1);
    expect(again.out, again.out).to.match(
      new RegExp(
        `^FAILED {2}440100: 430100: partner 430100: the log of 440100 went back from ${anchored} records \\(checkpoint of \\S+\\) to ${anchored - 1} \\(seq: contradicts a checkpoint kept before\\)$`,
        "m",
      ),
    );
    expect(t.logs.some((l) => l.alert === "log-checkpoint" && l.partner === "440100")).to.equal(true);
  });

  it("430100 keeps only checkpoints 440100 signed with its registered key, of its own log", async () => {
    const head = await gz.context.store.logHead();
    const forger = forgerKey();
    const forged = signCheckpoint("440100", head, new Date(), { keyId: "440100-dev", sign: forger.sign });
    const refused = (caller: string, c: typeof forged) =>
      witnessCheckpoint(cs.context, caller, c).then(
        () => undefined,
        (err: { code?: string; message?: string }) => `${err.code}: ${err.message}`,
      );
    expect(await refused("440100", forged)).to.match(
      /^INVALID_ARGUMENT: signature: signature does not verify with key 440100-dev of 440100$/,
    );
    const genuine = signCheckpoint("440100", head, new Date(), gz.context.signer);
    expect(await refused("420100", genuine)).to.match(
      /^PERMISSION_DENIED: 420100 may hand in checkpoints of its own log only/,
    );
    expect(await refused("440100", genuine)).to.equal(undefined);
  });
});

describe("security: each gateway checkpoints its log periodically (audit.checkpointSeconds)", function () {
  this.timeout(60_000);
  let fx: RegionFixture;
  let f: FixtureFederation;
  before(async () => {
    fx = regionFixture();
    fx.edit("config/federation.yaml", "checkpointSeconds: 300", "checkpointSeconds: 0.2");
    f = await startFixtureFederation(fx, ["430100", "440100"]);
  });
  after(async () => {
    await f.stop();
    fx.remove();
  });

  it("hands each new head to the partners, which keep it countersigned", async () => {
    const cs = f.fed.regions.get("430100") as RegionHandle;
    const gz = f.fed.regions.get("440100") as RegionHandle;
    const created = await call("POST", `${f.url("430100")}/cases`, pensionTransfer());
    expect(created.status).to.equal(201);
    await statusAt(f.url("440100"), created.body.caseId, "FORWARDED");
    const head = await gz.context.store.logHead();
    expect(head.seq).to.be.greaterThan(0);
    const kept = await eventually(async () => {
      const [c] = await cs.context.store.checkpoints("440100", "430100", 1);
      return c && c.seq >= head.seq ? c : undefined;
    }, "430100 to keep 440100's checkpoint of its new head");
    expect(kept.witness).to.equal("430100");
    // 440100 keeps the countersigned copy once the answer is back (a moment after 430100 committed it).
    const own = await eventually(async () => {
      const [c] = await gz.context.store.checkpoints("440100", "430100", 1);
      return c && c.seq >= head.seq ? c : undefined;
    }, "440100 to keep the countersigned copy");
    expect(own.witness).to.equal("430100");
    // And the other way round: 430100's log is kept by 440100.
    const csHead = await cs.context.store.logHead();
    await eventually(async () => {
      const [c] = await gz.context.store.checkpoints("430100", "440100", 1);
      return c && c.seq >= csHead.seq ? c : undefined;
    }, "440100 to keep 430100's checkpoint");
  });
});
