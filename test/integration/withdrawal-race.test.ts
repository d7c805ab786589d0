/**
 * A withdrawal racing a decision, through the REST API of two cities on one bus, run on the
 * embedded bus and on a real Kafka broker: 长沙 (intake) asks to withdraw while 广州 (handling)
 * decides, the crossing events arrive in either order, and both ledgers end in the same state
 * with nothing dead-lettered and nothing left parked.
 */
import { expect } from "chai";
import { dlqTopic } from "../../gateway/domain/events.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { call, eventually, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { describeKafka, kafkaBrokers } from "../kafka/broker.js";
import { resetXrTopics } from "../kafka/reset.js";

const CS = "430100";
const GZ = "440100";

type Case = Record<string, any>;

function raceSuite(start: () => Promise<TestFederation>): void {
  let t: TestFederation;
  const region = (code: string) => t.fed.regions.get(code) as RegionHandle;
  before(async () => {
    t = await start();
  });
  after(async () => {
    await t?.stop();
  });
  // An inbox a failed test left paused would fail the tests after it for no reason of theirs.
  const paused = new Set<string>();
  const pause = async (code: string) => {
    await region(code).pauseInbox();
    paused.add(code);
  };
  const resume = async (code: string) => {
    paused.delete(code);
    await region(code).resumeInbox();
  };
  afterEach(async () => {
    for (const code of [...paused]) await resume(code);
  });

  const get = async (code: string, caseId: string): Promise<Case> =>
    (await call("GET", `${t.url(code)}/cases/${caseId}`)).body;
  const act = async (code: string, caseId: string, action: Record<string, unknown>) =>
    call("POST", `${t.url(code)}/cases/${caseId}/actions`, action);
  const ok = async (code: string, caseId: string, action: Record<string, unknown>): Promise<Case> => {
    const r = await act(code, caseId, action);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body;
  };
  /** Waits until `code` holds the case in a state `test` accepts. */
  const until = (code: string, caseId: string, what: string, test: (c: Case) => boolean) =>
    eventually(
      async () => {
        const c = await get(code, caseId);
        return c && test(c) ? c : undefined;
      },
      `${code} to hold case ${caseId} ${what}`,
      30_000,
    );
  const settled = (status: string) => (c: Case) => c.status === status && c.withdrawalRequest === undefined;

  async function acceptedCase(): Promise<string> {
    const created = await call("POST", `${t.url(CS)}/cases`, pensionTransfer());
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id: string = created.body.caseId;
    await until(GZ, id, "FORWARDED", (c) => c.status === "FORWARDED");
    await ok(GZ, id, { type: "accept" });
    await until(CS, id, "ACCEPTED", (c) => c.status === "ACCEPTED");
    return id;
  }

  /** Both ledgers hold the same case and the same events, and nothing went to a dead-letter topic. */
  async function agree(
    caseId: string,
    status: string,
  ): Promise<Array<{ type: string; sourceRegion: string; sequence: number }>> {
    const [cs, gz] = [
      await until(CS, caseId, status, settled(status)),
      await until(GZ, caseId, status, settled(status)),
    ];
    expect(cs).to.deep.equal(gz);
    const events = async (code: string) => {
      const r = await call("GET", `${t.url(code)}/cases/${caseId}/events`);
      return (r.body.events as Array<Record<string, any>>)
        .map((e) => ({
          eventId: e.eventId,
          type: e.type,
          sourceRegion: e.sourceRegion,
          sequence: e.sequence,
        }))
        .sort((a, b) => a.eventId.localeCompare(b.eventId));
    };
    const timeline = await events(CS);
    expect(timeline).to.deep.equal(await events(GZ));
    expect(timeline).to.have.length(cs.version);
    for (const code of [CS, GZ]) {
      expect(await t.fed.bus.depth(dlqTopic(code)), `dead letters at ${code}`).to.equal(0);
      expect(await region(code).context.store.countParked(caseId), `parked at ${code}`).to.equal(0);
    }
    expect(t.logs.filter((l) => l.alert === "dead-letter")).to.deep.equal([]);
    return timeline;
  }

  /** 广州 decides and 长沙 asks to withdraw, neither having seen the other's event yet. */
  async function crossing(caseId: string): Promise<void> {
    await pause(CS);
    await pause(GZ);
    const asked = await ok(CS, caseId, { type: "withdraw", reason: "申请人已在广州现场办理" });
    expect(asked.status).to.equal("ACCEPTED");
    expect(asked.withdrawalRequest.reason).to.equal("申请人已在广州现场办理");
    expect(asked.heldBy).to.equal(GZ);
    // While its request waits for an answer, the window takes no other step.
    expect((await ok(GZ, caseId, { type: "decide", approved: true })).status).to.equal("DECIDED");
  }

  for (const first of [CS, GZ]) {
    it(`decide-then-withdraw, ${first === CS ? "长沙" : "广州"} receiving first: DECIDED on both, the request refused by 广州`, async () => {
      const id = await acceptedCase();
      await crossing(id);
      const second = first === CS ? GZ : CS;
      await resume(first);
      if (first === CS) {
        // The decision applies at 长沙 although its request is pending: 广州 owns the decision.
        const c = await until(CS, id, "DECIDED, request pending", (x) => x.status === "DECIDED");
        expect(c.withdrawalRequest.reason).to.equal("申请人已在广州现场办理");
      } else {
        // 广州 answers the late request by itself, in the same commit that records it.
        await until(GZ, id, "DECIDED, request answered", settled("DECIDED"));
      }
      await resume(second);
      const timeline = await agree(id, "DECIDED");
      const refused = timeline.filter((e) => e.type === "WithdrawalRefused");
      expect(refused).to.have.length(1);
      expect(refused[0]?.sourceRegion).to.equal(GZ);
      // 长沙's request and 广州's decision carry the same sequence number, each from its own source.
      const request = timeline.find((e) => e.type === "WithdrawalRequested");
      const decision = timeline.find((e) => e.type === "CaseDecided");
      expect(request?.sequence).to.equal(decision?.sequence);
      const events = (await call("GET", `${t.url(CS)}/cases/${id}/events`)).body.events as Case[];
      expect(events.find((e) => e.type === "WithdrawalRefused")?.withdrawalRefused).to.deep.equal({
        reason: "",
        caseStatus: "DECIDED",
      });
      // The gateway answered by itself: its 经办人 is 广州's gateway, at the other party too.
      expect(events.find((e) => e.type === "WithdrawalRefused")?.actor).to.deep.equal({
        staffId: "system:gateway:440100",
        displayName: "广州市网关",
        kind: "system",
        role: "",
      });
    });
  }

  it("withdraw-then-decide: 广州 must answer first; it confirms, WITHDRAWN on both", async () => {
    const id = await acceptedCase();
    await ok(CS, id, { type: "withdraw", reason: "申请人不再需要转移" });
    await until(GZ, id, "with the request", (c) => c.withdrawalRequest !== undefined);
    const refused = await act(GZ, id, { type: "decide", approved: true });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.details).to.deep.include({
      path: "type",
      issue: "a withdrawal request is pending",
    });
    const confirmed = await ok(GZ, id, { type: "confirm-withdrawal" });
    expect(confirmed.status).to.equal("WITHDRAWN");
    expect(confirmed.reason).to.equal("申请人不再需要转移");
    await agree(id, "WITHDRAWN");
  });

  it("withdraw-then-decide: 广州 refuses with its reason and decides; DECIDED on both, the reason in both timelines", async () => {
    const id = await acceptedCase();
    await ok(CS, id, { type: "withdraw", reason: "申请人想改为线下办理" });
    await until(GZ, id, "with the request", (c) => c.withdrawalRequest !== undefined);
    // The crossing the other way: 广州's refusal and decision are on their way while 长沙 cannot move.
    await pause(CS);
    await ok(GZ, id, { type: "refuse-withdrawal", reason: "审查已完成，当日即可办结" });
    await ok(GZ, id, { type: "decide", approved: true });
    const waiting = await act(CS, id, { type: "withdraw", reason: "再次申请" });
    expect(waiting.status).to.equal(409);
    await resume(CS);
    await agree(id, "DECIDED");
    const events = (await call("GET", `${t.url(CS)}/cases/${id}/events`)).body.events as Case[];
    expect(events.find((e) => e.type === "WithdrawalRefused")?.withdrawalRefused.reason).to.equal(
      "审查已完成，当日即可办结",
    );
  });
}

describe("withdrawal racing a decision on the embedded bus", function () {
  this.timeout(120_000);
  raceSuite(() => startTestFederation([CS, GZ]));
});

describeKafka("withdrawal racing a decision on Kafka", function () {
  this.timeout(180_000);
  raceSuite(async () => {
    const brokers = kafkaBrokers() ?? [];
    await resetXrTopics(brokers);
    return startTestFederation([CS, GZ], { kafkaBrokers: brokers });
  });
});
