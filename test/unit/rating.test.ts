/** 好差评 (issue 18): once per case, after delivery or a refusal, by the intake region; 整改 limit and closing. */
import { expect } from "chai";
import { type ActionContext, planAction } from "../../gateway/domain/actions.js";
import { WorkCalendar } from "../../gateway/domain/calendar.js";
import type { CaseState } from "../../gateway/domain/case.js";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import type { EventPayload } from "../../gateway/domain/events.js";
import { applyEvent, RECORDED_WHEN_CLOSED } from "../../gateway/domain/lifecycle.js";
import { caseFor, payloadFor } from "../../gateway/domain/minimize.js";
import { DEFAULT_RATING_TAGS } from "../../gateway/domain/rating.js";
import { caseSteps } from "../../gateway/domain/steps.js";
import { event, personCase } from "../helpers/cases.js";

const CS = "430100"; // 长沙: intake
const GZ = "440100"; // 广州: handling
const SZ = "440300"; // 深圳: a collaborator

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
  let c = applyEvent(
    undefined,
    event(initial, initial.intakeRegion, { type: "CaseSubmitted", case: initial }),
  );
  for (const [source, payload] of steps) c = applyEvent(c, event(c, source, payload));
  return c;
}

const pickup = () =>
  personCase({
    version: 0,
    status: "SUBMITTED",
    delivery: {
      method: "WINDOW_PICKUP",
      recipient: "",
      mobile: "",
      address: "",
      postalCode: "",
      courier: "",
      waybillNo: "",
    },
  });
const ACCEPT: readonly [string, EventPayload] = [GZ, { type: "CaseAccepted", deadline: "2026-11-23" }];
const delivered = () =>
  walk(pickup(), [
    ACCEPT,
    [GZ, { type: "CaseDecided", approved: true, reason: "" }],
    [CS, { type: "ResultDelivered" }],
  ]);

function rated(level: "VERY_DISSATISFIED" | "SATISFIED", due = level === "SATISFIED" ? "" : "2026-12-29") {
  return {
    type: "CaseRated",
    level,
    tags: ["等待时间长"],
    text: "跑了两趟",
    channel: "WINDOW",
    rectificationDue: due,
  } as const satisfies EventPayload;
}

describe("好差评: rating a case (lifecycle)", () => {
  it("rates a delivered case once, at its intake region, and records it on the case", () => {
    const c = delivered();
    const e = event(c, CS, rated("SATISFIED"));
    const after = applyEvent(c, e);
    expect(after.status).to.equal("DELIVERED");
    expect(after.rating).to.deep.equal({
      level: "SATISFIED",
      tags: ["等待时间长"],
      text: "跑了两趟",
      channel: "WINDOW",
      ratedAt: e.occurredAt,
    });
    const again = xrErrorOf(() => applyEvent(after, event(after, CS, rated("VERY_DISSATISFIED"))));
    expect(again.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(again.details[0]?.issue).to.equal("the case is rated already");
  });

  it("refuses a rating from the handling region or a collaborator", () => {
    const c = delivered();
    for (const r of [GZ, SZ]) {
      expect(xrErrorOf(() => applyEvent(c, event(c, r, rated("SATISFIED")))).code).to.equal(
        ErrorCode.PERMISSION_DENIED,
      );
    }
  });

  it("refuses a rating before the service is over, and takes one after a refusal", () => {
    const open = walk(pickup(), [ACCEPT]);
    const early = xrErrorOf(() => applyEvent(open, event(open, CS, rated("SATISFIED"))));
    expect(early.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(early.details[0]?.issue).to.equal("not delivered or refused yet");
    const approvedNotDelivered = walk(pickup(), [
      ACCEPT,
      [GZ, { type: "CaseDecided", approved: true, reason: "" }],
    ]);
    expect(() =>
      applyEvent(approvedNotDelivered, event(approvedNotDelivered, CS, rated("SATISFIED"))),
    ).to.throw(XrError, /needs DELIVERED or a refusal/);
    const rejected = walk(pickup(), [[GZ, { type: "CaseRejected", reason: "不属于受理范围" }]]);
    expect(applyEvent(rejected, event(rejected, CS, rated("SATISFIED"))).rating?.level).to.equal("SATISFIED");
    const denied = walk(pickup(), [
      ACCEPT,
      [GZ, { type: "CaseDecided", approved: false, reason: "不符合条件" }],
    ]);
    expect(applyEvent(denied, event(denied, CS, rated("SATISFIED"))).rating?.level).to.equal("SATISFIED");
  });

  it("is recorded by a receiver although the case is closed there (RECORDED_WHEN_CLOSED)", () => {
    expect(RECORDED_WHEN_CLOSED.has("CaseRated")).to.equal(true);
    expect(RECORDED_WHEN_CLOSED.has("RectificationAnswered")).to.equal(true);
  });
});

describe("好差评: rectification (整改)", () => {
  it("a negative rating opens a rectification due on its date; the handling region closes it with its answer", () => {
    const c = applyEvent(delivered(), event(delivered(), CS, rated("VERY_DISSATISFIED")));
    expect(c.rating?.rectification).to.deep.equal({ dueOn: "2026-12-29", answer: "", answeredAt: "" });
    const fromIntake = xrErrorOf(() =>
      applyEvent(c, event(c, CS, { type: "RectificationAnswered", answer: "已改进" })),
    );
    expect(fromIntake.code).to.equal(ErrorCode.PERMISSION_DENIED);
    const e = event(c, GZ, { type: "RectificationAnswered", answer: "已约谈窗口人员并简化材料" });
    const answered = applyEvent(c, e);
    expect(answered.rating?.rectification).to.deep.equal({
      dueOn: "2026-12-29",
      answer: "已约谈窗口人员并简化材料",
      answeredAt: e.occurredAt,
    });
    const twice = xrErrorOf(() =>
      applyEvent(answered, event(answered, GZ, { type: "RectificationAnswered", answer: "再次" })),
    );
    expect(twice.details[0]?.issue).to.equal("no rectification is open");
  });

  it("a satisfied rating opens none, and cannot be answered", () => {
    const c = applyEvent(delivered(), event(delivered(), CS, rated("SATISFIED")));
    expect(c.rating?.rectification).to.equal(undefined);
    expect(() => applyEvent(c, event(c, GZ, { type: "RectificationAnswered", answer: "x" }))).to.throw(
      XrError,
      /no open rectification/,
    );
  });

  it("a negative rating must carry its due date, a positive one none", () => {
    const c = delivered();
    expect(
      xrErrorOf(() => applyEvent(c, event(c, CS, rated("VERY_DISSATISFIED", "")))).details[0]?.path,
    ).to.equal("rectificationDue");
    expect(
      xrErrorOf(() => applyEvent(c, event(c, CS, rated("SATISFIED", "2026-12-29")))).details[0]?.path,
    ).to.equal("rectificationDue");
  });
});

describe("好差评: planning the rate action", () => {
  // Weekends off, no holidays, data for 2026 only: a limit that ends in 2027 is not counted.
  const calendar = new WorkCalendar({ holidays: [], workdays: [], covers: [2026] });
  const ctx = (today: string): ActionContext => ({
    deadlineIfAcceptedNow: "",
    newSubtaskId: "ST-1",
    matterMaterialCodes: new Set(),
    ratingTags: new Set(DEFAULT_RATING_TAGS),
    rectificationDueIfRatedNow: () => calendar.addWorkingDays(today, 15),
  });

  it("counts the rectification limit as 15 working days on the work calendar", () => {
    // Mon 2026-12-07 + 15 working days (weekends off, no holidays in between) = Mon 2026-12-28.
    const p = planAction({ type: "rate", ratingLevel: "DISSATISFIED", ratingTags: [] }, ctx("2026-12-07"));
    expect(p).to.include({
      type: "CaseRated",
      level: "DISSATISFIED",
      channel: "WINDOW",
      rectificationDue: "2026-12-28",
    });
    const ok = planAction({ type: "rate", ratingLevel: "VERY_SATISFIED" }, ctx("2026-12-07"));
    expect(ok).to.include({ rectificationDue: "" });
  });

  it("refuses a rating in a year the calendar does not cover with CALENDAR_UNCOVERED", () => {
    const e = xrErrorOf(() =>
      planAction({ type: "rate", ratingLevel: "VERY_DISSATISFIED" }, ctx("2026-12-20")),
    );
    expect(e.code).to.equal(ErrorCode.CALENDAR_UNCOVERED);
  });

  it("names the field of a missing level or an unknown tag", () => {
    expect(xrErrorOf(() => planAction({ type: "rate" }, ctx("2026-12-07"))).details[0]?.path).to.equal(
      "ratingLevel",
    );
    const tag = xrErrorOf(() =>
      planAction(
        { type: "rate", ratingLevel: "SATISFIED", ratingTags: ["办事效率高", "好"] },
        ctx("2026-12-07"),
      ),
    );
    expect(tag.code).to.equal(ErrorCode.INVALID_ARGUMENT);
    expect(tag.details).to.deep.equal([
      { path: "ratingTags[1]", issue: "is not a configured rating tag: 好" },
    ]);
    expect(
      xrErrorOf(() => planAction({ type: "answer-rectification" }, ctx("2026-12-07"))).details[0]?.path,
    ).to.equal("note");
  });
});

describe("好差评: steps and minimisation", () => {
  it("offers rate to the intake clerk only after delivery, and answer-rectification to the handler", () => {
    const open = walk(pickup(), [ACCEPT]);
    expect(caseSteps(open, CS, "clerk").map((s) => s.type)).not.to.include("rate");
    const d = delivered();
    expect(caseSteps(d, CS, "clerk")).to.deep.include({ type: "rate", allowed: true });
    expect(caseSteps(d, CS, "handler").find((s) => s.type === "rate")?.allowed).to.equal(false);
    // Rating is optional: the handling region is not told the case waits for it.
    expect(caseSteps(d, GZ, "handler").map((s) => s.type)).not.to.include("rate");
    const negative = applyEvent(d, event(d, CS, rated("VERY_DISSATISFIED")));
    expect(caseSteps(negative, CS, "clerk").map((s) => s.type)).not.to.include("rate");
    expect(caseSteps(negative, GZ, "handler")).to.deep.include({
      type: "answer-rectification",
      allowed: true,
    });
  });

  it("gives a collaborator the level and tags, not the applicant's words nor the answer", () => {
    const d = { ...delivered(), collaboratingRegions: [SZ] };
    const p = rated("VERY_DISSATISFIED");
    expect(payloadFor(p, GZ, d)).to.equal(p);
    expect(payloadFor(p, SZ, d)).to.deep.equal({ ...p, text: "" });
    expect(payloadFor(p, SZ)).to.deep.equal({ ...p, text: "" });
    const a = { type: "RectificationAnswered", answer: "已整改" } as const;
    expect(payloadFor(a, SZ, d)).to.deep.equal({ type: "RectificationAnswered", answer: "" });
    expect(payloadFor(a, CS, d)).to.equal(a);
    const c = applyEvent(d, event(d, CS, p));
    expect(caseFor(c, SZ).rating?.text).to.equal("");
    expect(caseFor(c, GZ).rating?.text).to.equal("跑了两趟");
  });
});
