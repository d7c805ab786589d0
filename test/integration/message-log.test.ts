/**
 * The message log: every envelope sent and received is in a hash chain that
 * `xr audit verify` walks; altering, cutting or reordering a record is found
 * at that record; a case's bundle verifies on its own and a forged one does
 * not; a log that cannot be written stops the gateway from accepting.
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { expect } from "chai";
import { type AuditBundle, buildBundle, checkBundle } from "../../gateway/audit/bundle.js";
import { verifyLog } from "../../gateway/audit/verify-log.js";
import { receive } from "../../gateway/inbound/pipeline.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { devRegistryKey } from "../../gateway/security/ed25519.js";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { takeCaseToDelivery } from "../helpers/scenario.js";

const run = promisify(execFile);

describe("message log: a hash chain of every envelope sent and received", function () {
  this.timeout(60_000);
  let t: TestFederation;
  let cs: RegionHandle;
  let gz: RegionHandle;
  let caseId = "";
  let closed = false;
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    cs = t.fed.regions.get("430100") as RegionHandle;
    gz = t.fed.regions.get("440100") as RegionHandle;
    caseId = await takeCaseToDelivery((r) => t.url(r));
  });
  after(async () => {
    if (closed) rmSync(t.dataDir, { recursive: true, force: true });
    else await t.stop();
  });

  const sql = (region: string) => new Database(join(t.dataDir, region, "ledger.db"));

  it("holds each envelope of a case once per direction, and both chains verify", async () => {
    const csLog = await cs.context.store.logForCase(caseId);
    const gzLog = await gz.context.store.logForCase(caseId);
    const csEvents = await cs.context.store.listEvents(caseId);
    // 长沙 sent its own events and received 广州's; 广州 the other way round.
    const own = (region: string) => csEvents.filter((e) => e.sourceRegion === region).map((e) => e.eventId);
    expect(csLog.filter((r) => r.direction === "sent").map((r) => r.eventId)).to.deep.equal(own("430100"));
    expect(csLog.filter((r) => r.direction === "received").map((r) => r.eventId)).to.deep.equal(
      own("440100"),
    );
    expect(gzLog.filter((r) => r.direction === "sent").map((r) => r.eventId)).to.deep.equal(own("440100"));
    for (const store of [cs.context.store, gz.context.store]) {
      const report = await verifyLog(store);
      expect(report.break).to.equal(undefined);
      expect(report.records).to.be.greaterThan(0);
    }
  });

  it("exports a case bundle that checks out on its own, and finds a forged envelope in it", async () => {
    const records = await gz.context.store.logForCase(caseId);
    const head = (await verifyLog(gz.context.store)).head;
    const registry = [devRegistryKey("430100"), devRegistryKey("440100")];
    const bundle = buildBundle("440100", caseId, records, head, registry, new Date());
    expect(checkBundle(JSON.parse(JSON.stringify(bundle)) as AuditBundle, registry)).to.deep.equal([]);

    // A forger edits an envelope and recomputes the record's hash: the signature still gives it away.
    const { recordHash } = await import("../../gateway/audit/chain.js");
    const r0 = bundle.records[0] as AuditBundle["records"][number];
    const bytes = Buffer.from(r0.value, "base64");
    const at = bytes.indexOf(Buffer.from("李秀英"));
    bytes.write("李秀华", at);
    const forgedRecord = { ...r0, value: bytes.toString("base64") };
    const rehashed = { ...forgedRecord, hash: recordHash({ ...forgedRecord, value: new Uint8Array(bytes) }) };
    const forged = { ...bundle, records: [rehashed, ...bundle.records.slice(1)] };
    const problems = checkBundle(forged, registry);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^record \d+ \(received .*\): signature does not verify/);
    // Without rehashing, the record's own hash is off.
    expect(
      checkBundle({ ...bundle, records: [forgedRecord, ...bundle.records.slice(1)] }, registry)[0],
    ).to.match(/hash does not match its content/);
  });

  it("xr audit verify reports the first altered, removed or reordered record, and exits 1", async function () {
    this.timeout(120_000);
    await t.fed.close(); // the CLI reads the ledgers of a stopped gateway
    closed = true;
    const verify = async () => {
      try {
        const { stdout } = await run(
          process.execPath,
          [
            "--import",
            "tsx",
            join(PROJECT_ROOT, "gateway/cli/xr.ts"),
            "audit",
            "verify",
            "--data-dir",
            t.dataDir,
          ],
          { cwd: PROJECT_ROOT },
        );
        return { code: 0, stdout };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: `${e.stdout}${e.stderr}` };
      }
    };
    const clean = await verify();
    expect(clean.code, clean.stdout).to.equal(0);
    expect(clean.stdout).to.match(/^ok {6}430100: \d+ records, head [0-9a-f]{64}$/m);
    expect(clean.stdout).to.match(/^ok {6}440100: /m);

    const db = sql("440100");
    try {
      // Altered: one byte of record 3's envelope.
      const v = db.prepare("SELECT value FROM message_log WHERE seq = 3").pluck().get() as Buffer;
      const flipped = Buffer.from(v);
      flipped[flipped.length - 70] = (flipped[flipped.length - 70] ?? 0) ^ 1;
      db.prepare("UPDATE message_log SET value = ? WHERE seq = 3").run(flipped);
      let out = await verify();
      expect(out.code).to.equal(1);
      expect(out.stdout).to.match(
        /^BROKEN {2}440100: record 3: its hash does not match its content \(altered\)$/m,
      );
      db.prepare("UPDATE message_log SET value = ? WHERE seq = 3").run(v);

      // Cut: record 2 removed.
      const two = db.prepare("SELECT * FROM message_log WHERE seq = 2").get() as Record<string, unknown>;
      db.prepare("DELETE FROM message_log WHERE seq = 2").run();
      out = await verify();
      expect(out.stdout).to.match(/^BROKEN {2}440100: record 2: missing: the log jumps from record 1 to 3$/m);
      db.prepare(
        "INSERT INTO message_log VALUES (@seq, @direction, @event_id, @case_id, @peer, @at, @value, @prev_hash, @hash)",
      ).run(two);

      // Reordered: records 2 and 3 swap places.
      const rows = db.prepare("SELECT * FROM message_log WHERE seq IN (2, 3) ORDER BY seq").all() as Array<
        Record<string, unknown>
      >;
      db.prepare("DELETE FROM message_log WHERE seq IN (2, 3)").run();
      const insert = db.prepare(
        "INSERT INTO message_log VALUES (@seq, @direction, @event_id, @case_id, @peer, @at, @value, @prev_hash, @hash)",
      );
      insert.run({ ...rows[1], seq: 2 });
      insert.run({ ...rows[0], seq: 3 });
      out = await verify();
      expect(out.stdout).to.match(/^BROKEN {2}440100: record 2: its previous hash is not record 1's hash/m);
      expect(out.stdout).to.match(/^ok {6}430100: /m);
    } finally {
      db.close();
    }
  });
});

describe("message log: fail closed when it cannot be written", function () {
  this.timeout(30_000);
  let t: TestFederation;
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
  });
  after(async () => {
    await t.stop();
  });

  const breakLog = (region: string) => {
    const db = new Database(join(t.dataDir, region, "ledger.db"));
    db.exec(
      "CREATE TRIGGER log_full BEFORE INSERT ON message_log BEGIN SELECT RAISE(ABORT, 'message log unwritable'); END",
    );
    return () => {
      db.exec("DROP TRIGGER log_full");
      db.close();
    };
  };

  it("refuses new cases with 503 and records nothing while the log is unwritable", async () => {
    const mend = breakLog("430100");
    try {
      const before = (await call("GET", `${t.url("430100")}/cases`)).body.cases.length;
      const r = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
      expect(r.status).to.equal(503);
      expect(r.body.error.code).to.equal("UNAVAILABLE");
      expect((await call("GET", `${t.url("430100")}/cases`)).body.cases.length).to.equal(before);
    } finally {
      mend();
    }
    const r = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    expect(r.status).to.equal(201);
  });

  it("holds a received envelope (not applied, not dropped) until the log can be written", async () => {
    const gz = t.fed.regions.get("440100") as RegionHandle;
    await gz.pauseInbox();
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    const caseId = created.body.caseId as string;
    const record = await (async () => {
      for (let i = 0; i < 200; i++) {
        const found = t.bus.read("xr.v1.intake.440100").find((r) => r.key === caseId);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error("the case never reached the bus");
    })();
    const mend = breakLog("440100");
    try {
      const err = await receive(gz.context, record).then(
        () => undefined,
        (e: unknown) => e as { code?: string },
      );
      expect(err?.code).to.equal("UNAVAILABLE");
      expect(await gz.context.store.getCase(caseId)).to.equal(undefined);
    } finally {
      mend();
    }
    await gz.resumeInbox();
    await waitForStatus(t, "440100", caseId, "FORWARDED");
  });
});
