/**
 * The foundation's acceptance scenario, through the REST API only: a 长沙
 * window takes in a case for a 广州 matter and both ledgers follow it to
 * delivery; duplicated and reordered deliveries change nothing.
 */
import { expect } from "chai";
import { decodeEnvelope } from "../../gateway/codec/envelope.js";
import { receiveRecord } from "../../gateway/inbound/receive-event.js";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { material, pensionTransfer } from "../helpers/fixtures.js";

const EXPECTED_TIMELINE = [
  ["CaseSubmitted", "430100"],
  ["CaseAccepted", "440100"],
  ["SupplementRequested", "440100"],
  ["SupplementProvided", "430100"],
  ["CaseDecided", "440100"],
  ["ResultMailed", "440100"],
  ["ResultDelivered", "440100"],
];

describe("remote intake 430100 → 440100, end to end over the embedded bus", () => {
  let t: TestFederation;
  before(async () => {
    t = await startTestFederation();
  });
  after(async () => {
    await t.stop();
  });

  it("takes a case from intake to delivery and both ledgers show every step in order", async () => {
    const cs = t.url("430100");
    const submitted = await call("POST", `${cs}/cases`, pensionTransfer(), {
      "Idempotency-Key": "win-07-0001",
    });
    expect(submitted.status).to.equal(201);
    const caseId: string = submitted.body.caseId;
    expect(caseId).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(submitted.body.receiptNo).to.match(/^430100\d{8}[0-9A-Z]{6}$/);
    expect(submitted.body.status).to.equal("SUBMITTED");
    expect(submitted.body.deadline).to.match(/^\d{4}-\d{2}-\d{2}$/);

    const arrived = await waitForStatus(t, "440100", caseId, "FORWARDED");
    expect(arrived.matterName).to.equal("基本养老保险关系转移接续");
    await waitForStatus(t, "430100", caseId, "FORWARDED");

    const act = async (region: string, action: Record<string, unknown>) => {
      const r = await call("POST", `${t.url(region)}/cases/${caseId}/actions`, action);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      return r.body;
    };
    expect((await act("440100", { type: "accept" })).status).to.equal("ACCEPTED");
    await act("440100", {
      type: "request-supplement",
      reason: "参保缴费凭证缺少社保经办机构印章",
      materialCodes: ["CL-CBPZ"],
    });
    await waitForStatus(t, "430100", caseId, "SUPPLEMENT_REQUESTED");
    await act("430100", { type: "supplement", materials: [material("CL-CBPZ", "参保缴费凭证（已盖章）")] });
    await waitForStatus(t, "440100", caseId, "ACCEPTED");
    await act("440100", { type: "decide", approved: true });
    await act("440100", { type: "mail", courier: "中国邮政EMS", waybillNo: "1151234567890" });
    await act("440100", { type: "deliver" });

    const final = await waitForStatus(t, "430100", caseId, "DELIVERED");
    expect(final.approved).to.equal(true);
    expect(final.delivery.waybillNo).to.equal("1151234567890");
    expect(final.materials.find((m: { materialCode: string }) => m.materialCode === "CL-CBPZ").name).to.equal(
      "参保缴费凭证（已盖章）",
    );
    for (const region of ["430100", "440100"]) {
      const events = await call("GET", `${t.url(region)}/cases/${caseId}/events`);
      expect(events.status).to.equal(200);
      expect(
        events.body.events.map((e: { type: string; sourceRegion: string }) => [e.type, e.sourceRegion]),
      ).to.deep.equal(EXPECTED_TIMELINE);
      expect(events.body.events.at(-1).statusAfter).to.equal("DELIVERED");
    }
    const listed = await call("GET", `${cs}/cases?status=DELIVERED&region=440100`);
    expect(listed.body.cases.map((c: { caseId: string }) => c.caseId)).to.include(caseId);
  });

  it("replays the first answer for a repeated Idempotency-Key and refuses it with another body", async () => {
    const cs = t.url("430100");
    const body = pensionTransfer();
    const first = await call("POST", `${cs}/cases`, body, { "Idempotency-Key": "win-07-0002" });
    const again = await call("POST", `${cs}/cases`, body, { "Idempotency-Key": "win-07-0002" });
    expect(again.status).to.equal(201);
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    expect(again.body.caseId).to.equal(first.body.caseId);
    const other = await call(
      "POST",
      `${cs}/cases`,
      { ...body, matterCode: "XR-SB-002" },
      { "Idempotency-Key": "win-07-0002" },
    );
    expect(other.status).to.equal(400);
    expect(other.body.error.details[0].path).to.equal("Idempotency-Key");
  });

  it("answers concurrent actions with one Idempotency-Key once, replaying the first answer", async () => {
    const submitted = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    const id = submitted.body.caseId;
    await waitForStatus(t, "440100", id, "FORWARDED");
    const url = `${t.url("440100")}/cases/${id}/actions`;
    const answers = await Promise.all(
      [1, 2, 3].map(() => call("POST", url, { type: "accept" }, { "Idempotency-Key": "desk-gz-accept-1" })),
    );
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).to.equal(1);
    const events = await call("GET", `${t.url("440100")}/cases/${id}/events`);
    expect(events.body.events.map((e: { type: string }) => e.type)).to.deep.equal([
      "CaseSubmitted",
      "CaseAccepted",
    ]);
  });

  it("applies duplicated and reordered deliveries once each, in order", async () => {
    const cs = t.url("430100");
    const csRegion = t.fed.regions.get("430100");
    if (!csRegion) throw new Error("430100 not hosted");
    const submitted = await call("POST", `${cs}/cases`, pensionTransfer());
    const caseId: string = submitted.body.caseId;
    await waitForStatus(t, "440100", caseId, "FORWARDED");

    // Hold 430100's inbox so the 广州 events pile up on the bus unconsumed.
    await csRegion.pauseInbox();
    const gz = t.url("440100");
    for (const action of [
      { type: "accept" },
      { type: "note", note: "云会商：请长沙窗口核实参保地", author: "广州社保经办" },
      { type: "decide", approved: false, reason: "申请人在广州无参保记录" },
    ]) {
      expect((await call("POST", `${gz}/cases/${caseId}/actions`, action)).status).to.equal(200);
    }
    const records = await (async () => {
      for (;;) {
        const mine = t.bus.read("xr.v1.handling.430100").filter((r) => r.key === caseId);
        if (mine.length === 3) return mine;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    expect(records.map((r) => decodeEnvelope(r.value).sequence)).to.deep.equal([1, 2, 3]);

    // Deliver them shuffled and twice over, straight into 430100's inbox handler.
    const [s1, s2, s3] = records as [(typeof records)[0], (typeof records)[0], (typeof records)[0]];
    const outcomes = [];
    for (const r of [s3, s2, s3, s1, s2, s1]) outcomes.push(await receiveRecord(csRegion.context, r));
    expect(outcomes).to.deep.equal(["parked", "parked", "duplicate", "applied", "duplicate", "duplicate"]);

    // Then the originals arrive as well: all duplicates now.
    await csRegion.resumeInbox();
    const decided = await waitForStatus(t, "430100", caseId, "DECIDED");
    expect(decided.approved).to.equal(false);
    const events = await call("GET", `${cs}/cases/${caseId}/events`);
    expect(events.body.events.map((e: { type: string }) => e.type)).to.deep.equal([
      "CaseSubmitted",
      "CaseAccepted",
      "HandlingNote",
      "CaseDecided",
    ]);
    expect(new Set(events.body.events.map((e: { eventId: string }) => e.eventId)).size).to.equal(4);
    expect(await csRegion.context.store.countParked(caseId)).to.equal(0);
  });
});
