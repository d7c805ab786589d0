/**
 * Personal data at rest: after a full case, the ledger files hold none of the
 * applicant's identity number, mobile or address in the clear, and a ledger
 * opened with the wrong key fails loudly instead of returning garbage. A
 * ledger written in the previous format (no associated data) opens only after
 * the one-time `xr ledger reseal` (test/security/at-rest-integrity.test.ts has
 * the attacks).
 */
import { execFile } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { expect } from "chai";
import { verifyLog } from "../../gateway/audit/verify-log.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { aesGcmCipher } from "../../gateway/security/cipher.js";
import { caseBodyAt, eventPayloadAt, logValueAt } from "../../gateway/store/sql/places.js";
import { SqliteLedger } from "../../gateway/store/sqlite/ledger.js";
import { startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { takeCaseToDelivery } from "../helpers/scenario.js";

describe("personal data is encrypted at rest in the ledger", function () {
  this.timeout(60_000);
  let t: TestFederation;
  let caseId = "";
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    caseId = await takeCaseToDelivery((r) => t.url(r));
    await t.fed.close();
  });
  after(async () => {
    const { rmSync } = await import("node:fs");
    rmSync(t.dataDir, { recursive: true, force: true });
  });

  const secrets = () => {
    const body = pensionTransfer();
    return [
      body.applicant.person.idNumber as string,
      body.applicant.person.mobile as string,
      body.delivery.address as string,
      "麓山南路",
    ];
  };

  for (const region of ["430100", "440100"]) {
    it(`${region}: no identity number, mobile or address in the ledger's files`, () => {
      const files = ["ledger.db", "ledger.db-wal"].map((f) => join(t.dataDir, region, f)).filter(existsSync);
      expect(files.length).to.be.greaterThan(0);
      const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
      // The case is in there (its id is not personal data), so the search looks at the right bytes.
      expect(bytes.includes(Buffer.from(caseId))).to.equal(true);
      for (const s of secrets()) expect(bytes.includes(Buffer.from(s, "utf8")), s).to.equal(false);
    });
  }

  it("reads back with the key, and refuses the wrong key", async () => {
    const key = Buffer.from(readFileSync(join(t.dataDir, "keys", "data.key"), "utf8").trim(), "base64");
    const right = new SqliteLedger({
      path: join(t.dataDir, "430100", "ledger.db"),
      cipher: aesGcmCipher(key),
    });
    const c = await right.getCase(caseId);
    await right.close();
    expect(c?.applicant).to.have.nested.property("person.idNumber", secrets()[0]);
    const wrong = new SqliteLedger({
      path: join(t.dataDir, "430100", "ledger.db"),
      cipher: aesGcmCipher(Buffer.alloc(32, 7)),
    });
    const err = await wrong.getCase(caseId).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await wrong.close();
    expect(err?.message).to.match(/unable to authenticate data|auth/i);
    expect((err as { code?: string } | undefined)?.code).to.equal("DATA_LOSS");
  });

  it("opens a ledger of the previous format only after `xr ledger reseal`, which re-seals it in one transaction and refuses values in the clear", async function () {
    this.timeout(60_000);
    const key = Buffer.from(readFileSync(join(t.dataDir, "keys", "data.key"), "utf8").trim(), "base64");
    const cipher = aesGcmCipher(key);
    // A copy of 430100's ledger as the previous release left it: values sealed without associated data.
    const old = mkdtempSync(join(tmpdir(), "xr-at-rest-old-"));
    try {
      mkdirSync(join(old, "430100"), { recursive: true });
      mkdirSync(join(old, "keys"));
      copyFileSync(join(t.dataDir, "keys", "data.key"), join(old, "keys", "data.key"));
      for (const f of ["ledger.db", "ledger.db-wal"])
        if (existsSync(join(t.dataDir, "430100", f)))
          copyFileSync(join(t.dataDir, "430100", f), join(old, "430100", f));
      const path = join(old, "430100", "ledger.db");
      const previous = (plain: Buffer) => {
        const nonce = randomBytes(12);
        const c = createCipheriv("aes-256-gcm", key, nonce);
        const body = Buffer.concat([c.update(plain), c.final()]);
        return Buffer.concat([Buffer.from("XRE1"), nonce, c.getAuthTag(), body]);
      };
      const db = new Database(path);
      const counts = { cases: 0, events: 0, log: 0 };
      try {
        for (const r of db.prepare("SELECT case_id, body FROM cases").all() as Array<{
          case_id: string;
          body: string;
        }>) {
          const plain = Buffer.from(cipher.openText(r.body, caseBodyAt(r.case_id)));
          db.prepare("UPDATE cases SET body = ? WHERE case_id = ?").run(
            `xre1:${previous(plain).toString("base64")}`,
            r.case_id,
          );
          counts.cases++;
        }
        for (const r of db.prepare("SELECT event_id, payload FROM events").all() as Array<{
          event_id: string;
          payload: string;
        }>) {
          const plain = Buffer.from(cipher.openText(r.payload, eventPayloadAt(r.event_id)));
          db.prepare("UPDATE events SET payload = ? WHERE event_id = ?").run(
            `xre1:${previous(plain).toString("base64")}`,
            r.event_id,
          );
          counts.events++;
        }
        for (const r of db.prepare("SELECT seq, value FROM message_log").all() as Array<{
          seq: number;
          value: Buffer;
        }>) {
          db.prepare("UPDATE message_log SET value = ? WHERE seq = ?").run(
            previous(cipher.open(r.value, logValueAt(r.seq))),
            r.seq,
          );
          counts.log++;
        }
        db.prepare("UPDATE at_rest_format SET version = 1").run();
        // And one case body an intruder wrote in the clear.
        db.prepare(
          "INSERT INTO cases (case_id, version, status, parties, deadline, submitted_at, body) VALUES ('PLAIN', 1, 'DECIDED', ',430100,', '', '', ?)",
        ).run(JSON.stringify({ caseId: "PLAIN", status: "DECIDED", approved: true }));
      } finally {
        db.close();
      }
      expect(counts.cases).to.be.greaterThan(0);
      expect(counts.log).to.be.greaterThan(0);

      expect(() => new SqliteLedger({ path, cipher })).to.throw(/previous at-rest format.*xr ledger reseal/);
      const reseal = (...extra: string[]) =>
        promisify(execFile)(
          process.execPath,
          [
            "--import",
            "tsx",
            join(PROJECT_ROOT, "gateway/cli/xr.ts"),
            "ledger",
            "reseal",
            "--region",
            "430100",
            "--data-dir",
            old,
            ...extra,
          ],
          { cwd: PROJECT_ROOT, env: { ...process.env, XR_DATA_KEY: "", DATABASE_URL: "" } },
        ).then(
          (r) => ({ code: 0, out: `${r.stdout}${r.stderr}` }),
          (e: { code: number; stdout: string; stderr: string }) => ({
            code: e.code,
            out: `${e.stdout}${e.stderr}`,
          }),
        );
      // The value in the clear stops the whole step, and names it; nothing changed.
      const refused = await reseal();
      expect(refused.code, refused.out).to.equal(1);
      expect(refused.out).to.match(
        /1 stored values are not sealed at all \(cases\.body of PLAIN\): nothing was changed/,
      );
      expect(() => new SqliteLedger({ path, cipher })).to.throw(/xr ledger reseal/);
      // The operator removes it (or, having checked it, passes --accept-unsealed); then the step goes through.
      const fix = new Database(path);
      fix.prepare("DELETE FROM cases WHERE case_id = 'PLAIN'").run();
      fix.close();
      const done = await reseal();
      expect(done.code, done.out).to.equal(0);
      expect(done.out).to.include(`resealed  cases.body: ${counts.cases}\n`);
      expect(done.out).to.include(`resealed  message_log.value: ${counts.log}\n`);
      expect(done.out).to.match(/^ok {6}430100: the ledger is in the current at-rest format$/m);

      const ledger = new SqliteLedger({ path, cipher });
      try {
        const c = await ledger.getCase(caseId);
        expect(c?.applicant).to.have.nested.property("person.idNumber", secrets()[0]);
        expect((await ledger.listEvents(caseId)).length).to.be.greaterThan(0);
        // The chain's hashes are over the envelopes, not their ciphertext: it still verifies.
        const report = await verifyLog(ledger);
        expect(report.break).to.equal(undefined);
        expect(report.records).to.equal(counts.log);
      } finally {
        await ledger.close();
      }
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });
});
