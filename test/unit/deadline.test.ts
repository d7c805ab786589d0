import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import YAML from "yaml";
import { answeredCaseToJson, caseToJson } from "../../gateway/codec/json.js";
import { planAction } from "../../gateway/domain/actions.js";
import { calendarRunway, type HolidayRules, WorkCalendar } from "../../gateway/domain/calendar.js";
import type { CaseState } from "../../gateway/domain/case.js";
import { type ClockRules, lightOf, type SuspensionKind } from "../../gateway/domain/deadline.js";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import type { EventPayload } from "../../gateway/domain/events.js";
import { applyEvent, type ClockFold } from "../../gateway/domain/lifecycle.js";
import { permits } from "../../gateway/domain/staff.js";
import { personCase } from "../helpers/cases.js";

const CS = "430100"; // 长沙: intake
const GZ = "440100"; // 广州: handling

/** config/holidays.yaml as the gateway reads it (covers 2026 only: 2027 is not published). */
function officialRules(): HolidayRules {
  const file = YAML.parse(
    readFileSync(fileURLToPath(new URL("../../config/holidays.yaml", import.meta.url)), "utf8"),
  );
  const dates = (xs: Array<{ date: unknown }>) =>
    xs.map((x) => (x.date instanceof Date ? x.date.toISOString().slice(0, 10) : String(x.date)));
  return { holidays: dates(file.holidays), workdays: dates(file.workdays), covers: file.covers };
}

const official = new WorkCalendar(officialRules());
/** Weekends only, but checked: 2026 and 2027 are "covered" (for the year-boundary count). */
const plain = new WorkCalendar({ holidays: [], workdays: [], covers: [2026, 2027] });

function rulesOf(calendar: WorkCalendar, acceptDays = 5): ClockRules {
  return { calendar, acceptDays: () => acceptDays, yellowDays: 2 };
}

let seq = 0;
/** A clock-keeping walk: each step happens at 10:00 CST on its date. */
function walk(
  steps: ReadonlyArray<readonly [date: string, source: string, payload: EventPayload]>,
  o: {
    calendar?: WorkCalendar;
    acceptDays?: number;
    promisedDays?: number;
    uncovered?: "throw" | "keep";
  } = {},
): CaseState {
  const fold: ClockFold = {
    rules: rulesOf(o.calendar ?? official, o.acceptDays),
    uncovered: o.uncovered ?? "throw",
  };
  let c: CaseState | undefined;
  const initial = personCase({ promisedDays: o.promisedDays ?? 15 });
  for (const [date, source, payload] of steps) {
    seq++;
    const p: EventPayload =
      payload.type === "CaseSubmitted" ? { type: "CaseSubmitted", case: initial } : payload;
    c = applyEvent(
      c,
      {
        eventId: `01JCXCLOCK${String(seq).padStart(16, "0")}`,
        caseId: initial.caseId,
        sourceRegion: source,
        sequence: seq,
        occurredAt: `${date}T02:00:00.000Z`,
        payload: p,
      },
      fold,
    );
  }
  if (c === undefined) throw new Error("no steps");
  return c;
}

const submit = (date: string) => [date, CS, { type: "CaseSubmitted" } as unknown as EventPayload] as const;
const accept = (date: string) => [date, GZ, { type: "CaseAccepted", deadline: "" } as EventPayload] as const;
const decide = (date: string) =>
  [date, GZ, { type: "CaseDecided", approved: true, reason: "" } as EventPayload] as const;
const askSupplement = (date: string) =>
  [
    date,
    GZ,
    { type: "SupplementRequested", reason: "缴费凭证不清晰", materialCodes: ["CL-CBPZ"] } as EventPayload,
  ] as const;
const supplement = (date: string) =>
  [
    date,
    CS,
    {
      type: "SupplementProvided",
      materials: [
        {
          materialCode: "CL-CBPZ",
          name: "缴费凭证",
          sha256: "a".repeat(64),
          sizeBytes: 1,
          mediaType: "application/pdf",
        },
      ],
    } as EventPayload,
  ] as const;
const suspend = (date: string, kind: SuspensionKind = "HEARING") =>
  [
    date,
    GZ,
    { type: "CaseSuspended", kind, reason: "依申请举行听证", expectedDays: 10 } as EventPayload,
  ] as const;
const resume = (date: string) => [date, GZ, { type: "CaseResumed", note: "" } as EventPayload] as const;

function xrErrorOf(fn: () => unknown): XrError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(XrError);
    return err as XrError;
  }
  expect.fail("expected an XrError");
}

describe("deadline: the acceptance limit after arrival", () => {
  it("skips weekends: a case arriving Friday 2026-11-06 is due to be accepted Friday 2026-11-13", () => {
    const c = walk([submit("2026-11-06")]);
    expect(c.clock).to.include({
      arrivedOn: "2026-11-06",
      stage: "accept",
      dueOn: "2026-11-13",
      acceptDays: 5,
    });
    expect(c.clock?.warnOn).to.equal("2026-11-11"); // 2 working days before
  });

  it("counts a 调休 Saturday as a working day and skips the 春节 break (2026-02-14 worked, 15–23 off)", () => {
    // Thu 12 → Fri 13 (1), Sat 14 worked (2), 15–23 off, Tue 24 (3), Wed 25 (4), Thu 26 (5).
    expect(walk([submit("2026-02-12")]).clock?.dueOn).to.equal("2026-02-26");
  });

  it("skips the 国庆 break and counts Saturday 2026-10-10 (调休)", () => {
    // Tue 09-29 → Wed 30 (1), Oct 1–7 off, Thu 8 (2), Fri 9 (3), Sat 10 worked (4), Mon 12 (5).
    expect(walk([submit("2026-09-29")]).clock?.dueOn).to.equal("2026-10-12");
  });

  it("takes the limit from the rules (per agreement or matter)", () => {
    expect(walk([submit("2026-11-02")], { acceptDays: 1 }).clock?.dueOn).to.equal("2026-11-03");
    expect(walk([submit("2026-11-07")], { acceptDays: 0 }).clock?.dueOn).to.equal("2026-11-09"); // Saturday
  });

  it("crosses the year boundary on a calendar that covers both years", () => {
    // Tue 2026-12-29 → Wed 30 (1), Thu 31 (2), Fri 2027-01-01 (3, no holidays in these rules), Mon 4, Tue 5.
    expect(walk([submit("2026-12-29")], { calendar: plain }).clock?.dueOn).to.equal("2027-01-05");
  });
});

describe("deadline: the promised limit after 受理", () => {
  it("counts the promised working days from the day after 受理", () => {
    const c = walk([submit("2026-11-02"), accept("2026-11-02")]);
    // 15 working days after Mon 2026-11-02: Mon 2026-11-23.
    expect(c.clock).to.include({ stage: "decide", acceptedOn: "2026-11-02", dueOn: "2026-11-23" });
    expect(c.clock?.breach).to.equal(null);
  });

  it("即办件 (0 days) is due the same working day, or the next one when accepted on a day off", () => {
    const same = walk([submit("2026-11-02"), accept("2026-11-02")], { promisedDays: 0 });
    expect(same.clock?.dueOn).to.equal("2026-11-02");
    const saturday = walk([submit("2026-11-06"), accept("2026-11-07")], { promisedDays: 0 });
    expect(saturday.clock?.dueOn).to.equal("2026-11-09");
    const late = walk([submit("2026-11-02"), accept("2026-11-02"), decide("2026-11-03")], {
      promisedDays: 0,
    });
    expect(late.clock?.breach).to.deep.equal({ on: "2026-11-03", days: 1, stage: "decide" });
  });

  it("stops the clock during 补正: the working days waited move the due date", () => {
    const c = walk([
      submit("2026-11-02"),
      accept("2026-11-02"),
      askSupplement("2026-11-04"),
      supplement("2026-11-11"), // Thu 5, Fri 6, Mon 9, Tue 10, Wed 11: 5 working days stopped
      decide("2026-11-27"),
    ]);
    expect(c.clock).to.include({
      dueOn: "2026-11-30",
      suspendedDays: 5,
      decidedOn: "2026-11-27",
      stage: null,
    });
    expect(c.clock?.breach).to.equal(null);
    // 19 working days from arrival to decision, 5 of them stopped.
    expect(c.clock?.decideDays).to.equal(14);
  });

  it("stops the clock during a 特别程序 (听证) and counts the suspension with 补正", () => {
    const c = walk([
      submit("2026-11-02"),
      accept("2026-11-02"),
      suspend("2026-11-04"),
      resume("2026-11-09"), // Thu 5, Fri 6, Mon 9
      askSupplement("2026-11-10"),
      supplement("2026-11-12"), // Wed 11, Thu 12
    ]);
    expect(c.clock).to.include({ suspendedDays: 5, dueOn: "2026-11-30", stoppedOn: null });
    expect(c.suspension).to.equal(undefined);
  });

  it("a stopped clock shows the light of the day it stopped and never turns red while stopped", () => {
    const c = walk([submit("2026-11-02"), accept("2026-11-02"), suspend("2026-11-04", "EXPERT_REVIEW")]);
    expect(c.clock).to.include({ stoppedOn: "2026-11-04", stoppedFor: "EXPERT_REVIEW" });
    expect(lightOf(c.clock, "2027-06-01")).to.equal("GREEN");
  });
});

describe("deadline: a breach is recorded once and kept", () => {
  it("an overdue case that is accepted, supplemented and decided still reports its breach", () => {
    const c = walk([
      submit("2026-11-02"), // accept due Mon 2026-11-09
      accept("2026-11-12"), // Tue 10, Wed 11, Thu 12: 3 working days late
      askSupplement("2026-11-16"),
      supplement("2026-11-18"),
      decide("2026-12-04"), // due 2026-12-03 + 2 stopped = 2026-12-07: on time
    ]);
    expect(c.status).to.equal("DECIDED");
    expect(c.clock?.breach).to.deep.equal({ on: "2026-11-10", days: 3, stage: "accept" });
    expect(c.clock).to.include({ acceptedOn: "2026-11-12", decidedOn: "2026-12-04", suspendedDays: 2 });
    expect(c.clock?.decideDays).to.equal(22);
    // The REST JSON carries it too.
    const json = caseToJson(c, "2026-12-08") as unknown as { clock: CaseState["clock"]; light: unknown };
    expect(json.clock?.breach?.stage).to.equal("accept");
    expect(json.light).to.equal(undefined); // closed: no light
  });

  it("accepting an overdue case leaves it red and overdue (it no longer resets to on time)", () => {
    const c = walk([submit("2026-11-02"), accept("2026-11-12")]);
    expect(c.clock?.dueOn).to.equal("2026-12-03"); // the new stage's limit
    expect(lightOf(c.clock, "2026-11-13")).to.equal("RED");
    const json = caseToJson(c, "2026-11-13");
    expect(json.overdue).to.equal(true);
    expect(json.light).to.equal("RED");
    expect(answeredCaseToJson(c).overdue).to.equal(true);
  });

  it("sums the overrun of both stages under the first stage's date", () => {
    const c = walk([submit("2026-11-02"), accept("2026-11-12"), decide("2026-12-07")]);
    // 3 days late to accept, then due 2026-12-03: Fri 4, Mon 7 → 2 more.
    expect(c.clock?.breach).to.deep.equal({ on: "2026-11-10", days: 5, stage: "accept" });
  });

  it("records the breach at the first event after the due date and lets it grow until the stage closes", () => {
    const note = (date: string) =>
      [date, GZ, { type: "HandlingNote", author: "", text: "催办" } as EventPayload] as const;
    const noted = walk([submit("2026-11-02"), note("2026-11-10")]);
    expect(noted.clock?.breach).to.deep.equal({ on: "2026-11-10", days: 1, stage: "accept" });
    const accepted = walk([submit("2026-11-02"), note("2026-11-10"), accept("2026-11-13")]);
    expect(accepted.clock?.breach).to.deep.equal({ on: "2026-11-10", days: 4, stage: "accept" });
  });

  it("a refusal after the acceptance limit is a breach at the accept stage", () => {
    const refused = walk([
      submit("2026-11-02"),
      ["2026-11-10", GZ, { type: "CaseRejected", reason: "不属受理范围" }],
    ]);
    expect(refused.clock?.breach).to.deep.equal({ on: "2026-11-10", days: 1, stage: "accept" });
    expect(refused.clock?.stage).to.equal(null);
  });
});

describe("deadline: lights", () => {
  const c = walk([submit("2026-11-02"), accept("2026-11-02")]); // due 2026-11-23, yellow from 2026-11-19
  it("green while more than 2 working days are left, yellow within 2, red after the due date", () => {
    expect(lightOf(c.clock, "2026-11-18")).to.equal("GREEN");
    expect(lightOf(c.clock, "2026-11-19")).to.equal("YELLOW");
    expect(lightOf(c.clock, "2026-11-23")).to.equal("YELLOW");
    expect(lightOf(c.clock, "2026-11-24")).to.equal("RED");
  });
  it("no light without a clock or once closed", () => {
    expect(lightOf(undefined, "2026-11-18")).to.equal(null);
    expect(
      lightOf(walk([submit("2026-11-02"), accept("2026-11-02"), decide("2026-11-03")]).clock, "2026-11-04"),
    ).to.equal(null);
  });
});

describe("deadline: suspend and resume in the lifecycle", () => {
  it("only the handling region suspends, only an accepted case, not twice; decide waits for resume", () => {
    const intake = xrErrorOf(() =>
      walk([submit("2026-11-02"), accept("2026-11-02"), ["2026-11-03", CS, suspend("x")[2]]]),
    );
    expect(intake.code).to.equal(ErrorCode.PERMISSION_DENIED);
    const early = xrErrorOf(() => walk([submit("2026-11-02"), suspend("2026-11-03")]));
    expect(early.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    const twice = xrErrorOf(() =>
      walk([submit("2026-11-02"), accept("2026-11-02"), suspend("2026-11-03"), suspend("2026-11-04")]),
    );
    expect(twice.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    const deciding = xrErrorOf(() =>
      walk([submit("2026-11-02"), accept("2026-11-02"), suspend("2026-11-03"), decide("2026-11-04")]),
    );
    expect(deciding.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    const resuming = xrErrorOf(() =>
      walk([submit("2026-11-02"), accept("2026-11-02"), resume("2026-11-03")]),
    );
    expect(resuming.code).to.equal(ErrorCode.FAILED_PRECONDITION);
  });

  it("the suspend action needs kind, reason and expected days; handlers may suspend and resume, clerks not", () => {
    const ctx = { deadlineIfAcceptedNow: "", newSubtaskId: "s", matterMaterialCodes: new Set<string>() };
    expect(
      planAction({ type: "suspend", suspensionKind: "PUBLIC_NOTICE", reason: "公示", expectedDays: 5 }, ctx),
    ).to.deep.equal({
      type: "CaseSuspended",
      kind: "PUBLIC_NOTICE",
      reason: "公示",
      expectedDays: 5,
    });
    const missing = xrErrorOf(() => planAction({ type: "suspend", reason: "公示", expectedDays: 5 }, ctx));
    expect(missing.details[0]?.path).to.equal("suspensionKind");
    expect(permits("handler", "act:suspend")).to.equal(true);
    expect(permits("handler", "act:resume")).to.equal(true);
    expect(permits("clerk", "act:suspend")).to.equal(false);
  });

  it("a withdrawal during a suspension closes the clock and counts the days stopped", () => {
    const c = walk([
      submit("2026-11-02"),
      accept("2026-11-02"),
      suspend("2026-11-04"),
      ["2026-11-06", CS, { type: "CaseWithdrawn", reason: "申请人撤回" }],
    ]);
    expect(c.clock).to.include({ stage: null, suspendedDays: 2, stoppedOn: null });
    expect(c.suspension).to.equal(undefined);
  });
});

describe("deadline: a year without holiday data", () => {
  it("is an error (CALENDAR_UNCOVERED), not a count of weekdays", () => {
    const e = xrErrorOf(() => official.addWorkingDays("2026-12-22", 10));
    expect(e.code).to.equal(ErrorCode.CALENDAR_UNCOVERED);
    expect(e.message).to.contain("2027");
    expect(xrErrorOf(() => official.isWorkingDay("2028-03-01")).code).to.equal(ErrorCode.CALENDAR_UNCOVERED);
  });

  it("refuses the acting region's event whose limit ends in it, and keeps a partner's event with the clock as it was", () => {
    const thrown = xrErrorOf(() => walk([submit("2026-12-01"), accept("2026-12-21")]));
    expect(thrown.code).to.equal(ErrorCode.CALENDAR_UNCOVERED);
    const kept = walk([submit("2026-12-01"), accept("2026-12-21")], { uncovered: "keep" });
    expect(kept.status).to.equal("ACCEPTED");
    expect(kept.clock).to.include({ stage: "accept", dueOn: "2026-12-08" });
  });

  it("the runway says which years are missing within 60 days", () => {
    const now = calendarRunway(official, "2026-12-08");
    expect(now).to.deep.include({
      covers: [2026],
      coveredUntil: "2026-12-31",
      daysLeft: 23,
      missingSoon: [2027],
    });
    expect(calendarRunway(official, "2026-10-01").missingSoon).to.deep.equal([]);
    expect(calendarRunway(official, "2026-11-02").missingSoon).to.deep.equal([2027]);
  });

  it("the shipped data covers 2026 only: 2027 and 2028 are not published yet", () => {
    expect(official.coveredYears()).to.deep.equal([2026]);
    for (const d of [...officialRules().holidays, ...officialRules().workdays])
      expect(d.slice(0, 4)).to.equal("2026");
  });
});
