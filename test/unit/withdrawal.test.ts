/**
 * Confirmed withdrawal and the other cross-region races of the lifecycle (docs/architecture.md,
 * "Cross-region races"), on the pure domain: what each side may send, what it must record when
 * received, what the handling region answers by itself, and that both sides end in one state
 * whichever order the crossing events arrive in.
 */
import { expect } from "chai";
import { planAction } from "../../gateway/domain/actions.js";
import { type CaseState, heldBy } from "../../gateway/domain/case.js";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import type { CaseEvent, EventPayload } from "../../gateway/domain/events.js";
import { applyEvent } from "../../gateway/domain/lifecycle.js";
import { replyTo } from "../../gateway/domain/replies.js";
import { event, personCase } from "../helpers/cases.js";

const CS = "430100"; // 长沙: intake
const GZ = "440100"; // 广州: handling
const SZ = "440300"; // 深圳: collaborating

function xrErrorOf(fn: () => unknown): XrError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(XrError);
    return err as XrError;
  }
  expect.fail("expected an XrError, nothing was thrown");
}

function walk(initial: CaseState, steps: ReadonlyArray<readonly [string, EventPayload]>): CaseState {
  let c = applyEvent(undefined, event(initial, CS, { type: "CaseSubmitted", case: initial }));
  for (const [source, payload] of steps) c = applyEvent(c, event(c, source, payload));
  return c;
}

const ACCEPT: EventPayload = { type: "CaseAccepted", deadline: "2026-11-23" };
const DECIDE: EventPayload = { type: "CaseDecided", approved: true, reason: "" };
const REQUEST: EventPayload = { type: "WithdrawalRequested", reason: "申请人已在广州现场办理" };
const REFUSE: EventPayload = {
  type: "WithdrawalRefused",
  reason: "已完成审查",
  caseStatus: "CASE_STATUS_UNSPECIFIED",
};

const accepted = () => walk(personCase(), [[GZ, ACCEPT]]);
const pending = () =>
  walk(personCase(), [
    [GZ, ACCEPT],
    [CS, REQUEST],
  ]);

describe("withdrawal: the intake region asks, the handling region answers", () => {
  it("a request leaves the status as it is, records the reason and time, and hands the turn to the handling region", () => {
    const before = accepted();
    const e = event(before, CS, REQUEST);
    const c = applyEvent(before, e);
    expect(c.status).to.equal("ACCEPTED");
    expect(c.withdrawalRequest).to.deep.equal({
      reason: "申请人已在广州现场办理",
      requestedAt: e.occurredAt,
    });
    expect(heldBy(c)).to.equal(GZ);
    expect(heldBy(before)).to.equal(GZ);
  });

  it("only the intake region asks, once, and only while the case is open", () => {
    const open = accepted();
    expect(xrErrorOf(() => applyEvent(open, event(open, GZ, REQUEST))).code).to.equal(
      ErrorCode.PERMISSION_DENIED,
    );
    const twice = pending();
    const again = xrErrorOf(() => applyEvent(twice, event(twice, CS, REQUEST)));
    expect(again.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(again.details).to.deep.equal([{ path: "type", issue: "a withdrawal request is pending" }]);
    const decided = walk(personCase(), [
      [GZ, ACCEPT],
      [GZ, DECIDE],
    ]);
    const late = xrErrorOf(() => applyEvent(decided, event(decided, CS, REQUEST)));
    expect(late.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(late.message).to.include("DECIDED");
  });

  it("confirming ends the case WITHDRAWN with the applicant's reason, on both sides alike", () => {
    const c = pending();
    const done = applyEvent(
      c,
      event(c, GZ, { type: "WithdrawalConfirmed", reason: "申请人已在广州现场办理" }),
    );
    expect(done.status).to.equal("WITHDRAWN");
    expect(done.reason).to.equal("申请人已在广州现场办理");
    expect(done).not.to.have.property("withdrawalRequest");
    expect(heldBy(done)).to.equal("");
  });

  it("refusing clears the request and leaves the case where it was", () => {
    const c = pending();
    const refused = applyEvent(c, event(c, GZ, REFUSE));
    expect(refused.status).to.equal("ACCEPTED");
    expect(refused).not.to.have.property("withdrawalRequest");
    // The handling region goes on: it may decide now.
    expect(applyEvent(refused, event(refused, GZ, DECIDE)).status).to.equal("DECIDED");
  });

  it("an answer needs a pending request and comes from the handling region only", () => {
    const open = accepted();
    for (const answer of [{ type: "WithdrawalConfirmed", reason: "x" } as const, REFUSE]) {
      const e = xrErrorOf(() => applyEvent(open, event(open, GZ, answer)));
      expect(e.code).to.equal(ErrorCode.FAILED_PRECONDITION);
      expect(e.details).to.deep.equal([{ path: "type", issue: "no withdrawal request is pending" }]);
      const c = pending();
      expect(xrErrorOf(() => applyEvent(c, event(c, CS, answer))).code).to.equal(ErrorCode.PERMISSION_DENIED);
      expect(xrErrorOf(() => applyEvent(c, event(c, SZ, answer))).code).to.equal(ErrorCode.PERMISSION_DENIED);
    }
  });

  it("while a request is pending neither side takes another step of its own, notes aside", () => {
    const c = pending();
    for (const [source, payload] of [
      [GZ, DECIDE],
      [GZ, { type: "SupplementRequested", reason: "缺页", materialCodes: ["CL-SFZ"] }],
      [GZ, { type: "CaseRejected", reason: "x" }],
    ] as const) {
      const e = xrErrorOf(() => applyEvent(c, event(c, source, payload)));
      expect(e.code, payload.type).to.equal(ErrorCode.FAILED_PRECONDITION);
      expect(e.message).to.include("answer it first");
    }
    const supplementing = walk(personCase(), [
      [GZ, ACCEPT],
      [GZ, { type: "SupplementRequested", reason: "缺页", materialCodes: ["CL-SFZ"] }],
      [CS, REQUEST],
    ]);
    const supplement: EventPayload = {
      type: "SupplementProvided",
      materials: [
        {
          materialCode: "CL-SFZ",
          name: "居民身份证",
          sha256: "a".repeat(64),
          sizeBytes: 1,
          mediaType: "image/jpeg",
        },
      ],
    };
    const e = xrErrorOf(() => applyEvent(supplementing, event(supplementing, CS, supplement)));
    expect(e.message).to.include("wait for the handling region's answer");
    expect(
      applyEvent(c, event(c, GZ, { type: "HandlingNote", author: "", text: "正在核实" })).version,
    ).to.equal(c.version + 1);
  });

  it("received, a decision made before the request arrived applies at the intake region with the request still pending", () => {
    const c = pending();
    const d = applyEvent(c, event(c, GZ, DECIDE), { received: true });
    expect(d.status).to.equal("DECIDED");
    expect(d.withdrawalRequest?.reason).to.equal("申请人已在广州现场办理");
  });
});

describe("withdrawal: the handling region's own answer to a late request", () => {
  it("a request received after the decision is recorded and refused by the handling gateway, naming the status", () => {
    const decided = walk(personCase(), [
      [GZ, ACCEPT],
      [GZ, DECIDE],
    ]);
    const e = event(decided, CS, REQUEST);
    const next = applyEvent(decided, e, { received: true });
    expect(next.withdrawalRequest?.reason).to.equal("申请人已在广州现场办理");
    expect(replyTo(next, e, GZ)).to.deep.equal({
      type: "WithdrawalRefused",
      reason: "",
      caseStatus: "DECIDED",
    });
    // Neither the intake nor a collaborating region answers anything.
    expect(replyTo(next, e, CS)).to.equal(undefined);
    expect(replyTo(next, e, SZ)).to.equal(undefined);
  });

  it("a request received while the case is open waits for the handling region's staff", () => {
    const c = accepted();
    const e = event(c, CS, REQUEST);
    expect(replyTo(applyEvent(c, e, { received: true }), e, GZ)).to.equal(undefined);
  });

  it("a request received after the case was refused (不予受理) is refused too", () => {
    const rejected = walk(personCase(), [[GZ, { type: "CaseRejected", reason: "不属于本地管辖" }]]);
    const e = event(rejected, CS, REQUEST);
    const next = applyEvent(rejected, e, { received: true });
    expect(replyTo(next, e, GZ)).to.deep.include({ caseStatus: "REJECTED" });
  });
});

/** Two ledgers exchanging events: each applies its own at once and the other's when delivered. */
class Pair {
  readonly ledgers: Record<string, CaseState>;
  readonly inflight: Record<string, CaseEvent[]> = { [CS]: [], [GZ]: [] };
  constructor(start: CaseState) {
    this.ledgers = { [CS]: start, [GZ]: start };
  }
  act(region: string, payload: EventPayload): void {
    const own = this.ledgers[region] as CaseState;
    const e = event(own, region, payload);
    this.ledgers[region] = applyEvent(own, e);
    this.inflight[region === CS ? GZ : CS]?.push(e);
  }
  /** Delivers everything in flight to `region`, and its own answers back out. */
  deliver(region: string): void {
    const queue = this.inflight[region] as CaseEvent[];
    while (queue.length > 0) {
      const e = queue.shift() as CaseEvent;
      const next = applyEvent(this.ledgers[region], e, { received: true });
      this.ledgers[region] = next;
      const answer = replyTo(next, e, region);
      if (answer) this.act(region, answer);
    }
  }
  same(): Record<string, unknown> {
    const pick = (c: CaseState) => {
      const { status, approved, reason, version, withdrawalRequest } = c;
      return { status, approved, reason, version, withdrawalRequest };
    };
    expect(pick(this.ledgers[CS] as CaseState)).to.deep.equal(pick(this.ledgers[GZ] as CaseState));
    return pick(this.ledgers[CS] as CaseState);
  }
}

describe("withdrawal racing a decision: one outcome on both sides, whichever arrives first", () => {
  for (const first of [CS, GZ]) {
    it(`decided before the request arrived (delivered to ${first === CS ? "长沙" : "广州"} first): DECIDED, request refused`, () => {
      const p = new Pair(accepted());
      p.act(GZ, DECIDE);
      p.act(CS, REQUEST);
      p.deliver(first);
      p.deliver(first === CS ? GZ : CS);
      p.deliver(CS);
      p.deliver(GZ);
      const end = p.same();
      expect(end.status).to.equal("DECIDED");
      expect(end.withdrawalRequest).to.equal(undefined);
    });
  }

  it("the request arrived first: the handling region must answer before deciding; confirmed, WITHDRAWN on both", () => {
    const p = new Pair(accepted());
    p.act(CS, REQUEST);
    p.deliver(GZ);
    expect(() => p.act(GZ, DECIDE)).to.throw(XrError, /pending withdrawal request/);
    p.act(GZ, { type: "WithdrawalConfirmed", reason: "申请人已在广州现场办理" });
    p.deliver(CS);
    expect(p.same().status).to.equal("WITHDRAWN");
  });

  it("the request arrived first and was refused: the decision follows, DECIDED on both", () => {
    const p = new Pair(accepted());
    p.act(CS, REQUEST);
    p.deliver(GZ);
    p.act(GZ, REFUSE);
    p.act(GZ, DECIDE);
    p.deliver(CS);
    const end = p.same();
    expect(end.status).to.equal("DECIDED");
    expect(end.withdrawalRequest).to.equal(undefined);
  });
});

describe("the other cross-region races", () => {
  it("a note crossing the case's close is kept by the receiver (refused only to its sender)", () => {
    const closed = walk(personCase(), [
      [GZ, ACCEPT],
      [CS, REQUEST],
      [GZ, { type: "WithdrawalConfirmed", reason: "x" }],
    ]);
    const note: EventPayload = { type: "HandlingNote", author: "长沙窗口", text: "申请人来电询问" };
    expect(xrErrorOf(() => applyEvent(closed, event(closed, CS, note))).code).to.equal(
      ErrorCode.FAILED_PRECONDITION,
    );
    const kept = applyEvent(closed, event(closed, CS, note), { received: true });
    expect(kept.status).to.equal("WITHDRAWN");
    expect(kept.version).to.equal(closed.version + 1);
  });

  it("a collaborator's finished part crossing a confirmed withdrawal is still recorded as done", () => {
    const multi = personCase({ mode: "MULTI_REGION", collaboratingRegions: [SZ] });
    const assigned = walk(multi, [
      [GZ, ACCEPT],
      [GZ, { type: "SubtaskAssigned", subtaskId: "ST-1", region: SZ, description: "核验深圳参保记录" }],
      [CS, REQUEST],
      [GZ, { type: "WithdrawalConfirmed", reason: "x" }],
    ]);
    const done: EventPayload = { type: "SubtaskCompleted", subtaskId: "ST-1", note: "已核验" };
    expect(xrErrorOf(() => applyEvent(assigned, event(assigned, SZ, done))).code).to.equal(
      ErrorCode.FAILED_PRECONDITION,
    );
    const kept = applyEvent(assigned, event(assigned, SZ, done), { received: true });
    expect(kept.status).to.equal("WITHDRAWN");
    expect(kept.subtasks[0]?.completed).to.equal(true);
    // Still only the assigned region may finish its part.
    expect(
      xrErrorOf(() => applyEvent(assigned, event(assigned, CS, done), { received: true })).code,
    ).to.equal(ErrorCode.PERMISSION_DENIED);
  });
});

describe("withdrawal actions", () => {
  const ctx = {
    deadlineIfAcceptedNow: "2026-11-23",
    newSubtaskId: "ST-NEW",
    matterMaterialCodes: new Set<string>(),
  };
  it("withdraw asks; confirm-withdrawal carries the request's reason; refuse-withdrawal needs one", () => {
    expect(planAction({ type: "withdraw", reason: "不再需要" }, ctx)).to.deep.equal({
      type: "WithdrawalRequested",
      reason: "不再需要",
    });
    expect(
      planAction({ type: "confirm-withdrawal" }, { ...ctx, withdrawalReason: "不再需要" }),
    ).to.deep.equal({
      type: "WithdrawalConfirmed",
      reason: "不再需要",
    });
    const e = xrErrorOf(() => planAction({ type: "refuse-withdrawal" }, ctx));
    expect(e.details[0]?.path).to.equal("reason");
  });
});
