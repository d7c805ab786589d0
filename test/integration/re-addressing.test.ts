/**
 * Issue 16 item 7: after a mailed result comes back (RETURNED), the handling
 * region cannot mail it again to the same address; the intake window corrects
 * the delivery (DeliveryCorrected, a new event), the handling region mails it
 * to the new address, and a 多地联办 collaborator receives the correction
 * without the address. Real gateways on the embedded bus, real SQLite.
 */
import { expect } from "chai";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { material, residentId } from "../helpers/fixtures.js";

const INTAKE = "440100"; // 广州 takes the application in
const HANDLING = "430100"; // 长沙 leads
const COLLABORATOR = "420100"; // 武汉 does one part

const OLD_ADDRESS = "广东省广州市天河区体育西路191号";
const NEW = {
  method: "MAIL",
  recipient: "王丽华",
  mobile: "13924560001",
  address: "广东省广州市越秀区北京路238号",
  postalCode: "510030",
};

describe("re-addressing a returned result", function () {
  this.timeout(40_000);
  let t: TestFederation;
  let caseId = "";
  const act = (region: string, role: string, body: unknown) =>
    call("POST", `${t.url(region)}/cases/${caseId}/actions`, body, {
      authorization: `Bearer dev-${region}-${role}`,
    });

  before(async () => {
    t = await startTestFederation([INTAKE, HANDLING, COLLABORATOR]);
    const created = await call("POST", `${t.url(INTAKE)}/cases`, {
      mode: "MULTI_REGION",
      matterCode: "XR-HJ-001",
      intakeRegion: INTAKE,
      handlingRegion: HANDLING,
      collaboratingRegions: [COLLABORATOR],
      applicant: {
        person: { name: "陈志强", idNumber: residentId("440106", "19920815", "057"), mobile: "13924567788" },
      },
      materials: [material("CL-SFZ", "居民身份证"), material("CL-HKB", "居民户口簿")],
      delivery: {
        method: "MAIL",
        recipient: "王丽华",
        mobile: "13924567788",
        address: OLD_ADDRESS,
        postalCode: "510620",
      },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    caseId = created.body.caseId;
    await waitForStatus(t, HANDLING, caseId, "FORWARDED");
    for (const step of [
      { type: "accept" },
      { type: "decide", approved: true },
      { type: "mail", courier: "中国邮政EMS", waybillNo: "1151234567890" },
      { type: "return", reason: "地址不详，无法投递" },
    ]) {
      const r = await act(HANDLING, "handler", step);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    }
    await waitForStatus(t, INTAKE, caseId, "RETURNED");
  });
  after(async () => {
    await t?.stop();
  });

  it("refuses to mail again before the window corrected the address, naming why", async () => {
    const r = await act(HANDLING, "handler", {
      type: "mail",
      courier: "中国邮政EMS",
      waybillNo: "1159999999999",
    });
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal("FAILED_PRECONDITION");
    expect(r.body.error.details).to.deep.equal([
      { path: "type", issue: "delivery not corrected since the mail was returned" },
    ]);
  });

  it("refuses a correction from the handling region, from a handler, and one without a whole address; nothing changes", async () => {
    const before = (await call("GET", `${t.url(INTAKE)}/cases/${caseId}/events`)).body.events.length;
    const fromHandling = await act(HANDLING, "admin", {
      type: "correct-delivery",
      reason: "门牌号有误",
      delivery: NEW,
    });
    expect(fromHandling.status).to.equal(403);
    const byHandler = await act(INTAKE, "handler", {
      type: "correct-delivery",
      reason: "门牌号有误",
      delivery: NEW,
    });
    expect(byHandler.status).to.equal(403);
    const partial = await act(INTAKE, "clerk", {
      type: "correct-delivery",
      reason: "门牌号有误",
      delivery: { ...NEW, address: "", postalCode: "51003" },
    });
    expect(partial.status).to.equal(400);
    expect(partial.body.error.details.map((d: { path: string }) => d.path)).to.include("delivery.postalCode");
    expect((await call("GET", `${t.url(INTAKE)}/cases/${caseId}/events`)).body.events.length).to.equal(
      before,
    );
  });

  it("the intake window corrects the delivery; the handling region mails to the new address; it is delivered", async () => {
    const corrected = await act(INTAKE, "clerk", {
      type: "correct-delivery",
      reason: "门牌号有误，申请人到窗口更正",
      delivery: NEW,
    });
    expect(corrected.status, JSON.stringify(corrected.body)).to.equal(200);
    expect(corrected.body.status).to.equal("RETURNED");
    expect(corrected.body.delivery).to.include({ address: NEW.address, waybillNo: "" });
    // The handling region applies the event from the bus and holds the new address.
    const there = await eventually(async () => {
      const r = await call("GET", `${t.url(HANDLING)}/cases/${caseId}`);
      return r.body.delivery.address === NEW.address ? r.body : undefined;
    }, "长沙 to hold the corrected address");
    expect(there.delivery).to.include({
      recipient: NEW.recipient,
      mobile: NEW.mobile,
      postalCode: NEW.postalCode,
    });
    const mailed = await act(HANDLING, "handler", {
      type: "mail",
      courier: "中国邮政EMS",
      waybillNo: "1159999999999",
    });
    expect(mailed.status, JSON.stringify(mailed.body)).to.equal(200);
    expect(mailed.body.delivery).to.include({ address: NEW.address, waybillNo: "1159999999999" });
    expect((await act(HANDLING, "handler", { type: "deliver" })).status).to.equal(200);
    const done = await waitForStatus(t, INTAKE, caseId, "DELIVERED");
    expect(done.delivery.address).to.equal(NEW.address);
    const types = (await call("GET", `${t.url(INTAKE)}/cases/${caseId}/events`)).body.events.map(
      (e: { type: string }) => e.type,
    );
    expect(types.slice(-4)).to.deep.equal([
      "ResultReturned",
      "DeliveryCorrected",
      "ResultMailed",
      "ResultDelivered",
    ]);
  });

  it("the collaborator receives the correction without the new address", async () => {
    const events = await eventually(async () => {
      const r = await call("GET", `${t.url(COLLABORATOR)}/cases/${caseId}/events`);
      return r.body.events.some((e: { type: string }) => e.type === "DeliveryCorrected")
        ? r.body.events
        : undefined;
    }, "武汉 to receive the correction");
    const correction = events.find((e: { type: string }) => e.type === "DeliveryCorrected");
    expect(correction.deliveryCorrected.reason).to.equal("门牌号有误，申请人到窗口更正");
    const text = JSON.stringify(events);
    for (const secret of [NEW.address, NEW.mobile, NEW.postalCode, OLD_ADDRESS])
      expect(text).to.not.include(secret);
    const c = (await call("GET", `${t.url(COLLABORATOR)}/cases/${caseId}`)).body;
    expect(JSON.stringify(c)).to.not.include(NEW.address);
  });
});
