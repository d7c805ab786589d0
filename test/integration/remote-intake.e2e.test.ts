/**
 * The foundation's acceptance scenario, through the REST API only: a 长沙
 * window takes in a case for a 广州 matter and both ledgers follow it to
 * delivery; duplicated and reordered deliveries change nothing.
 */
import { expect } from "chai";
import { decodeEnvelope } from "../../gateway/codec/envelope.js";
import { receive } from "../../gateway/inbound/pipeline.js";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { takeCaseToDelivery } from "../helpers/scenario.js";

describe("remote intake 430100 → 440100, end to end over the embedded bus", () => {
  let t: TestFederation;
  before(async () => {
    t = await startTestFederation();
  });
  after(async () => {
    await t.stop();
  });

  it("takes a case from intake to delivery and both ledgers show every step in order", async () => {
    await takeCaseToDelivery((region) => t.url(region));
  });

  it("replays the first answer for a repeated Idempotency-Key and refuses it with another body", async () => {
    const cs = t.url("430100");
    const body = pensionTransfer();
    const first = await call("POST", `${cs}/cases`, body, { "Idempotency-Key": "win-07-0002" });
    const again = await call("POST", `${cs}/cases`, body, { "Idempotency-Key": "win-07-0002" });
    expect(again.status).to.equal(201);
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    expect(again.body).to.deep.equal(first.body);
    expect(first.headers.get("idempotent-replayed")).to.equal(null);
    // The case moves on (forwarded, then accepted by 广州): a retry still gets the first answer.
    await waitForStatus(t, "440100", first.body.caseId, "FORWARDED");
    const accepted = await call("POST", `${t.url("440100")}/cases/${first.body.caseId}/actions`, {
      type: "accept",
    });
    await waitForStatus(t, "430100", first.body.caseId, "ACCEPTED");
    const later = await call("POST", `${cs}/cases`, body, { "Idempotency-Key": "win-07-0002" });
    expect(later.status).to.equal(201);
    expect(later.headers.get("idempotent-replayed")).to.equal("true");
    expect(later.body).to.deep.equal(first.body);
    expect(later.body.status).to.equal("SUBMITTED");
    expect(accepted.body.version).to.be.greaterThan(first.body.version);
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
    for (const r of [s3, s2, s3, s1, s2, s1]) outcomes.push(await receive(csRegion.context, r));
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
