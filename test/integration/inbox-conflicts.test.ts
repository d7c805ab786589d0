/**
 * The inbox never blocks and never loses silently: conflicting or bad events
 * end in the dead-letter topic with a reason and an alert, and the events
 * behind them go on.
 */
import { expect } from "chai";
import { type Envelope, SCHEMA_VERSION } from "../../gateway/codec/envelope.js";
import { receive, sweepParked } from "../../gateway/inbound/pipeline.js";
import type { BusRecord } from "../../gateway/ports/bus.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { signedEnvelope } from "../helpers/cases.js";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { material, pensionTransfer, residentId } from "../helpers/fixtures.js";

describe("inbox conflicts and poison events", () => {
  let t: TestFederation;
  let cs: RegionHandle;
  let gz: RegionHandle;
  before(async () => {
    t = await startTestFederation();
    cs = t.fed.regions.get("430100") as RegionHandle;
    gz = t.fed.regions.get("440100") as RegionHandle;
  });
  after(async () => {
    await t.stop();
  });

  const act = async (region: string, caseId: string, action: Record<string, unknown>) => {
    const r = await call("POST", `${t.url(region)}/cases/${caseId}/actions`, action);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
  };
  const dlq = (region: string, caseId: string) =>
    t.bus.read(`xr.v1.dlq.${region}`).filter((r) => r.key === caseId);
  const pending = async (topic: string, caseId: string, count: number) =>
    eventually(async () => {
      const rs = t.bus.read(topic).filter((r) => r.key === caseId);
      return rs.length === count ? rs : undefined;
    }, `${count} records on ${topic}`);

  async function forwardedCase(): Promise<string> {
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    await waitForStatus(t, "440100", created.body.caseId, "FORWARDED");
    return created.body.caseId;
  }

  it("a withdrawal request racing a decision and the mailing: nothing dead-lettered, both sides end mailed", async () => {
    const id = await forwardedCase();
    await act("440100", id, { type: "accept" });
    await waitForStatus(t, "430100", id, "ACCEPTED");
    await cs.pauseInbox();
    await gz.pauseInbox();
    try {
      await act("430100", id, { type: "withdraw", reason: "申请人已在广州现场办理" });
      await act("440100", id, { type: "decide", approved: true });
      await act("440100", id, { type: "mail", courier: "顺丰速运", waybillNo: "SF1402938475" });
      const toCs = [
        ...(await pending("xr.v1.handling.430100", id, 2)),
        ...(await pending("xr.v1.delivery.430100", id, 1)),
      ];
      const toGz = await pending("xr.v1.intake.440100", id, 2);
      // 长沙 asked and waits: 广州's decision and mailing apply there all the same (广州 owns them).
      const csOutcomes = [];
      for (const r of toCs) csOutcomes.push(await receive(cs.context, r));
      expect(csOutcomes).to.deep.equal(["duplicate", "applied", "applied"]);
      const atCs = await cs.context.store.getCase(id);
      expect(atCs?.status).to.equal("RESULT_MAILED");
      expect(atCs?.withdrawalRequest?.reason).to.equal("申请人已在广州现场办理");
      // 广州 had mailed: the request is recorded and refused at once, by the gateway, naming the status.
      const gzOutcomes = [];
      for (const r of toGz) gzOutcomes.push(await receive(gz.context, r));
      expect(gzOutcomes).to.deep.equal(["duplicate", "applied"]);
      const atGz = await gz.context.store.getCase(id);
      expect(atGz?.status).to.equal("RESULT_MAILED");
      expect(atGz?.withdrawalRequest).to.equal(undefined);
      const answers = await pending("xr.v1.handling.430100", id, 3);
      expect(answers[2]?.headers["xr-type"]).to.equal("WithdrawalRefused");
      expect(await receive(cs.context, answers[2] as BusRecord)).to.equal("applied");
      expect(await cs.context.store.getCase(id)).to.deep.equal(await gz.context.store.getCase(id));
      expect(dlq("430100", id)).to.deep.equal([]);
      expect(dlq("440100", id)).to.deep.equal([]);
      expect(await gz.context.store.countParked(id)).to.equal(0);
      expect(t.logs.filter((l) => l.alert === "dead-letter" && l.caseId === id)).to.deep.equal([]);
    } finally {
      await cs.resumeInbox();
      await gz.resumeInbox();
    }
  });

  function forged(
    caseId: string,
    sequence: number,
    payload: Envelope["payload"],
    extra: Partial<Envelope> = {},
  ): BusRecord {
    const env: Envelope = {
      eventId: `01JF0RGED${String(sequence).padStart(2, "0")}${caseId.slice(-15)}`,
      caseId,
      sourceRegion: "430100",
      targetRegion: "440100",
      sequence,
      occurredAt: new Date().toISOString(),
      schemaVersion: SCHEMA_VERSION,
      traceparent: "",
      signature: new Uint8Array(),
      keyId: "",
      payload,
      ...extra,
    };
    return {
      topic: "xr.v1.intake.440100",
      partition: 0,
      offset: 0,
      key: caseId,
      value: signedEnvelope(env),
      headers: {},
    };
  }

  it("dead-letters a submitted case that is not the case its envelope names", async () => {
    const id = await forwardedCase();
    const existing = await gz.context.store.getCase(id);
    if (!existing) throw new Error("fixture case missing");
    const record = forged("01JOTHERCASE00000000000000", 1, { type: "CaseSubmitted", case: existing });
    expect(await receive(gz.context, record)).to.equal("dead-lettered");
    expect(dlq("440100", "01JOTHERCASE00000000000000")[0]?.headers["xr-dlq-reason"]).to.match(
      /carries another case/,
    );
  });

  it("dead-letters an event in its turn that can never apply, and applies the ones behind it", async () => {
    const id = await forwardedCase();
    await act("440100", id, { type: "accept" });
    await waitForStatus(t, "430100", id, "ACCEPTED");
    const note = forged(id, 3, { type: "HandlingNote", author: "长沙窗口", text: "申请人补充了联系电话" });
    const bogus = forged(id, 2, { type: "CaseAccepted", deadline: "2026-12-31" }); // only 广州 may accept
    expect(await receive(gz.context, note)).to.equal("parked");
    expect(await receive(gz.context, bogus)).to.equal("dead-lettered");
    expect(dlq("440100", id)[0]?.headers["xr-dlq-reason"]).to.match(/only the handling region/);
    const events = await call("GET", `${t.url("440100")}/cases/${id}/events`);
    expect(events.body.events.map((e: { type: string }) => e.type)).to.deep.equal([
      "CaseSubmitted",
      "CaseAccepted",
      "HandlingNote",
    ]);
    expect(await receive(gz.context, bogus)).to.equal("duplicate");
  });

  it("多地联办: a collaborator's finished part crossing a confirmed withdrawal is recorded on all three sides", async () => {
    const [wh, gzApi, csApi, whApi] = [
      t.fed.regions.get("420100") as RegionHandle,
      t.url("440100"),
      t.url("430100"),
      t.url("420100"),
    ];
    // Taken in at 广州, led by 长沙, 武汉 doing a part.
    const created = await call("POST", `${gzApi}/cases`, {
      mode: "MULTI_REGION",
      matterCode: "XR-HJ-001",
      intakeRegion: "440100",
      handlingRegion: "430100",
      collaboratingRegions: ["420100"],
      applicant: {
        person: { name: "陈志强", idNumber: residentId("430111", "19920815", "057"), mobile: "15973112233" },
      },
      materials: [material("CL-SFZ", "居民身份证"), material("CL-HKB", "居民户口簿")],
      delivery: { method: "WINDOW_PICKUP" },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id: string = created.body.caseId;
    await waitForStatus(t, "430100", id, "FORWARDED");
    await act("430100", id, { type: "accept" });
    const assigned = await call("POST", `${csApi}/cases/${id}/actions`, {
      type: "assign-subtask",
      region: "420100",
      description: "核验武汉户籍档案",
    });
    const subtaskId: string = assigned.body.subtasks[0].subtaskId;
    for (const api of [gzApi, whApi]) {
      await eventually(async () => {
        const c = await call("GET", `${api}/cases/${id}`);
        return c.body.subtasks?.length === 1 ? true : undefined;
      }, `the subtask at ${api}`);
    }
    const all = [cs, gz, wh];
    for (const r of all) await r.pauseInbox();
    try {
      await act("440100", id, { type: "withdraw", reason: "申请人暂不迁移" });
      await act("420100", id, { type: "complete-subtask", subtaskId, note: "档案已核验" });
      const one = (topic: string, type: string) =>
        eventually(
          async () => t.bus.read(topic).find((r) => r.key === id && r.headers["xr-type"] === type),
          `${type} on ${topic}`,
        );
      // 长沙 (lead) sees the request first and confirms it; 武汉's finished part arrives after that.
      expect(await receive(cs.context, await one("xr.v1.intake.430100", "WithdrawalRequested"))).to.equal(
        "applied",
      );
      await act("430100", id, { type: "confirm-withdrawal" });
      expect(await receive(cs.context, await one("xr.v1.handling.430100", "SubtaskCompleted"))).to.equal(
        "applied",
      );
      // 广州 (intake) gets the confirmation before 武汉's finished part.
      expect(await receive(gz.context, await one("xr.v1.handling.440100", "WithdrawalConfirmed"))).to.equal(
        "applied",
      );
      expect(await receive(gz.context, await one("xr.v1.handling.440100", "SubtaskCompleted"))).to.equal(
        "applied",
      );
      // 武汉 gets 长沙's confirmation before 广州's request it answers: it waits for it, then both apply.
      expect(await receive(wh.context, await one("xr.v1.handling.420100", "WithdrawalConfirmed"))).to.equal(
        "parked",
      );
      expect(await receive(wh.context, await one("xr.v1.intake.420100", "WithdrawalRequested"))).to.equal(
        "applied",
      );
      const states = [];
      for (const r of all) states.push(await r.context.store.getCase(id));
      for (const c of states) {
        expect(c?.status).to.equal("WITHDRAWN");
        expect(c?.reason).to.equal("申请人暂不迁移");
        expect(c?.withdrawalRequest).to.equal(undefined);
        expect(c?.subtasks.map((s) => [s.subtaskId, s.completed])).to.deep.equal([[subtaskId, true]]);
        expect(c?.version).to.equal(states[0]?.version);
      }
      for (const region of ["430100", "440100", "420100"]) expect(dlq(region, id)).to.deep.equal([]);
      expect(await wh.context.store.countParked(id)).to.equal(0);
    } finally {
      for (const r of all) await r.resumeInbox();
    }
  });

  it("on a case closed here, a note that overtook its sender's withdrawal request waits for it; both apply", async () => {
    const id = await forwardedCase();
    await act("440100", id, { type: "reject", reason: "不属于本地管辖" });
    // 长沙's request (intake topic) and the note behind it (handling topic) arrive the other way round.
    const note = forged(id, 3, { type: "HandlingNote", author: "长沙窗口", text: "申请人已另行办理" });
    const request = forged(id, 2, { type: "WithdrawalRequested", reason: "申请人已另行办理" });
    expect(await receive(gz.context, note)).to.equal("parked");
    expect(await receive(gz.context, request)).to.equal("applied");
    const events = await call("GET", `${t.url("440100")}/cases/${id}/events`);
    expect(
      events.body.events.map((e: { type: string; sourceRegion: string }) => [e.type, e.sourceRegion]),
    ).to.deep.equal([
      ["CaseSubmitted", "430100"],
      ["CaseRejected", "440100"],
      ["WithdrawalRequested", "430100"],
      ["WithdrawalRefused", "440100"],
      ["HandlingNote", "430100"],
    ]);
    const atGz = await gz.context.store.getCase(id);
    expect(atGz?.status).to.equal("REJECTED");
    expect(atGz?.withdrawalRequest).to.equal(undefined);
    expect(dlq("440100", id)).to.deep.equal([]);
    expect(await gz.context.store.countParked(id)).to.equal(0);
  });

  it("dead-letters, with an alert, a parked event whose predecessor never comes once it waited too long", async () => {
    const id = await forwardedCase();
    const orphan = forged(id, 4, { type: "HandlingNote", author: "长沙窗口", text: "第四条，前面的没有来" });
    expect(await receive(gz.context, orphan)).to.equal("parked");
    expect(await sweepParked(gz.context)).to.equal(0);
    const later = { ...gz.context, clock: { now: () => new Date(Date.now() + 16 * 60_000) } };
    expect(await sweepParked(later)).to.equal(1);
    expect(dlq("440100", id).map((r) => r.headers["xr-type"])).to.deep.equal(["HandlingNote"]);
    expect(dlq("440100", id)[0]?.headers["xr-dlq-reason"]).to.match(/waited since .* waiting for sequence 2/);
    expect(await gz.context.store.countParked(id)).to.equal(0);
    expect(t.logs.filter((l) => l.alert === "dead-letter" && l.caseId === id)).to.have.length(1);
  });

  it("dead-letters a second event claiming a parked event's position", async () => {
    const id = await forwardedCase();
    const first = forged(id, 5, { type: "HandlingNote", author: "a", text: "第一条" });
    const rival = forged(
      id,
      5,
      { type: "HandlingNote", author: "b", text: "冒名" },
      { eventId: "01JRIVAL000000000000000000" },
    );
    expect(await receive(gz.context, first)).to.equal("parked");
    expect(await receive(gz.context, rival)).to.equal("dead-lettered");
    expect(dlq("440100", id)[0]?.headers["xr-dlq-reason"]).to.match(/taken by another parked event/);
  });
});
