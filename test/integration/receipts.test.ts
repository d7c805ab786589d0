/**
 * Issue 16 item 6: a case is found by the number on the applicant's receipt
 * (`GET /api/v1/cases?receiptNo=`) at any window whose region is party to it,
 * and at no other; a number of the wrong shape is refused naming the field.
 */
import { expect } from "chai";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";

describe("receipts: looking a case up by its receipt number", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let first: { caseId: string; receiptNo: string };
  before(async () => {
    t = await startTestFederation(["430100", "440100", "420100"]);
    const made = [];
    // Several cases of one day: the lookup must pick exactly one.
    for (let i = 0; i < 3; i++) {
      const r = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
      expect(r.status).to.equal(201);
      made.push(r.body);
    }
    first = made[1];
    await waitForStatus(t, "440100", first.caseId, "FORWARDED");
  });
  after(async () => {
    await t?.stop();
  });

  const lookup = (region: string, receiptNo: string, role = "clerk") =>
    call("GET", `${t.url(region)}/cases?receiptNo=${encodeURIComponent(receiptNo)}`, undefined, {
      authorization: `Bearer dev-${region}-${role}`,
    });

  it("finds the case at the intake window, typed as printed or in lower case with spaces", async () => {
    expect(first.receiptNo).to.match(/^430100\d{8}[0-9A-Z]{6}$/);
    for (const typed of [
      first.receiptNo,
      ` ${first.receiptNo.slice(0, 6)} ${first.receiptNo.slice(6).toLowerCase()}`,
    ]) {
      const r = await lookup("430100", typed);
      expect(r.status, typed).to.equal(200);
      expect(r.body.cases.map((c: { caseId: string }) => c.caseId)).to.deep.equal([first.caseId]);
    }
  });

  it("finds it at the handling region's window too (the other party)", async () => {
    const r = await lookup("440100", first.receiptNo, "handler");
    expect(r.status).to.equal(200);
    expect(r.body.cases).to.have.length(1);
    expect(r.body.cases[0]).to.include({ caseId: first.caseId, receiptNo: first.receiptNo });
  });

  it("finds nothing at a region that is not party to the case, nor for a number nobody issued", async () => {
    expect((await lookup("420100", first.receiptNo)).body.cases).to.deep.equal([]);
    const unknown = `${first.receiptNo.slice(0, 14)}000000`;
    expect((await lookup("430100", unknown)).body.cases).to.deep.equal([]);
  });

  it("refuses a number of the wrong shape, naming receiptNo", async () => {
    for (const bad of ["430100", "4301002026120%ABCDEF", "43010020261208ABCDE_"]) {
      const r = await lookup("430100", bad);
      expect(r.status, bad).to.equal(400);
      expect(r.body.error.code).to.equal("INVALID_ARGUMENT");
      expect(r.body.error.details[0].path).to.equal("receiptNo");
    }
  });
});
