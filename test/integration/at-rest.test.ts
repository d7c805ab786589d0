/**
 * Personal data at rest: after a full case, the ledger files hold none of the
 * applicant's identity number, mobile or address in the clear, and a ledger
 * opened with the wrong key fails loudly instead of returning garbage.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { aesGcmCipher } from "../../gateway/security/cipher.js";
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
  });
});
