/**
 * The time limits of a case (时限), as 电子监察 counts them, folded from its
 * events and never overwritten (docs/architecture.md, "Time limits"):
 *
 * - the handling region has `acceptDays` working days after the case arrives to
 *   受理 or refuse it (default 5, as 《行政许可法》第32条 practice);
 * - after 受理 it has the matter's promised working days (承诺时限), counted
 *   from the day after 受理; 0 days (即办件) is due the same working day;
 * - the clock stops while the case waits for 补正 and during 特别程序
 *   (听证, 现场核查, 专家评审, 公示), which the law does not count; the working
 *   days stopped move the due date;
 * - the first overrun is recorded once (the first day overdue and the stage)
 *   and stays whatever happens later; its days grow while the stage overruns
 *   and sum the overrun of every stage.
 *
 * Dates are YYYY-MM-DD in China Standard Time. No I/O here.
 */
import { cstDate, type WorkCalendar } from "./calendar.js";

/** Kinds of 特别程序 that stop the clock. */
export const SUSPENSION_KINDS = ["HEARING", "INSPECTION", "EXPERT_REVIEW", "PUBLIC_NOTICE"] as const;
/** One of {@link SUSPENSION_KINDS}: 听证, 现场核查, 专家评审, 公示. */
export type SuspensionKind = (typeof SUSPENSION_KINDS)[number];

/** Why the clock stands still: waiting for 补正, or a 特别程序. */
export type StopReason = "SUPPLEMENT" | SuspensionKind;

/** The stage whose limit runs: 受理 (accept) or 办结 (decide). */
export type ClockStage = "accept" | "decide";

/** The first overrun of a case's limits. */
export interface Breach {
  /** The first day the case was overdue (the working day after the due date). */
  readonly on: string;
  /** Working days overdue, summed over every stage that overran. */
  readonly days: number;
  /** The stage that overran first. */
  readonly stage: ClockStage;
}

/** A case's clock, derived by {@link foldClock}. */
export interface CaseClock {
  /** Working days to 受理 or refuse after arrival, fixed when the case arrives. */
  readonly acceptDays: number;
  /** The date the handling region received the case (its submission, forwarded at once). */
  readonly arrivedOn: string;
  readonly acceptedOn: string | null;
  readonly decidedOn: string | null;
  /** The running stage, or null once the case is decided, refused or withdrawn. */
  readonly stage: ClockStage | null;
  /** The current due date of the running stage (moved by stops); the last one once closed. */
  readonly dueOn: string | null;
  /** From this date on the light is yellow (`yellowDays` working days before `dueOn`). */
  readonly warnOn: string | null;
  /** The date the clock stopped, while it stands still. */
  readonly stoppedOn: string | null;
  readonly stoppedFor: StopReason | null;
  /** Working days the clock stood still (补正 and 特别程序). */
  readonly suspendedDays: number;
  /** Overrun of the stages already closed. */
  readonly lateDays: number;
  readonly breach: Breach | null;
  /** Working days from arrival to decision, suspended days excluded. */
  readonly decideDays: number | null;
}

/** What folding needs besides the events. */
export interface ClockRules {
  readonly calendar: WorkCalendar;
  /** Working days to 受理 or refuse, per agreement or matter (config/federation.yaml `timeLimits`). */
  acceptDays(matterCode: string, intakeRegion: string, handlingRegion: string): number;
  /** Working days before the due date from which the light is yellow. */
  readonly yellowDays: number;
}

/** The facts of a case the clock reads. */
export interface ClockCase {
  readonly matterCode: string;
  readonly intakeRegion: string;
  readonly handlingRegion: string;
  readonly promisedDays: number;
}

/** The event facts the clock reads. */
export interface ClockEvent {
  readonly occurredAt: string;
  readonly type: string;
}

function warnOf(rules: ClockRules, dueOn: string | null): string | null {
  return dueOn === null ? null : rules.calendar.subtractWorkingDays(dueOn, rules.yellowDays);
}

/** The overrun of the running stage on `date`: 0 while stopped or on time. */
function overrun(clock: CaseClock, date: string, cal: WorkCalendar): number {
  if (clock.stage === null || clock.stoppedOn !== null || clock.dueOn === null) return 0;
  return date > clock.dueOn ? cal.workingDaysBetween(clock.dueOn, date) : 0;
}

/** Records (once) or extends the breach as of `date`. */
function settle(clock: CaseClock, date: string, cal: WorkCalendar): CaseClock {
  const late = overrun(clock, date, cal);
  if (late === 0 || clock.stage === null || clock.dueOn === null) return clock;
  const first = clock.breach ?? { on: cal.addWorkingDays(clock.dueOn, 1), days: 0, stage: clock.stage };
  return { ...clock, breach: { ...first, days: clock.lateDays + late } };
}

/** Closes the running stage on `date`, keeping its overrun. */
function closeStage(clock: CaseClock, date: string, cal: WorkCalendar): CaseClock {
  const restarted = restart(clock, date, cal);
  return { ...restarted, lateDays: restarted.lateDays + overrun(restarted, date, cal), stage: null };
}

/** Restarts a stopped clock on `date`: the working days stopped move the due date. */
function restart(clock: CaseClock, date: string, cal: WorkCalendar): CaseClock {
  if (clock.stoppedOn === null) return clock;
  const stopped = cal.workingDaysBetween(clock.stoppedOn, date);
  const dueOn = clock.dueOn === null ? null : cal.addWorkingDays(clock.dueOn, stopped);
  return {
    ...clock,
    dueOn,
    stoppedOn: null,
    stoppedFor: null,
    suspendedDays: clock.suspendedDays + stopped,
  };
}

/**
 * The clock after one event. `c` is the case (after the event); `suspensionKind` names the 特别程序 of a
 * `CaseSuspended`. Throws CALENDAR_UNCOVERED when a date falls in a year the calendar has no data for.
 */
export function foldClock(
  before: CaseClock | undefined,
  c: ClockCase,
  e: ClockEvent,
  rules: ClockRules,
  suspensionKind?: SuspensionKind,
): CaseClock | undefined {
  const cal = rules.calendar;
  const date = cstDate(new Date(e.occurredAt));
  if (e.type === "CaseSubmitted") {
    const acceptDays = rules.acceptDays(c.matterCode, c.intakeRegion, c.handlingRegion);
    const dueOn = acceptDays === 0 ? cal.onOrAfter(date) : cal.addWorkingDays(date, acceptDays);
    return {
      acceptDays,
      arrivedOn: date,
      acceptedOn: null,
      decidedOn: null,
      stage: "accept",
      dueOn,
      warnOn: warnOf(rules, dueOn),
      stoppedOn: null,
      stoppedFor: null,
      suspendedDays: 0,
      lateDays: 0,
      breach: null,
      decideDays: null,
    };
  }
  // A case recorded before clocks existed keeps none: nothing to fold into.
  if (before === undefined) return undefined;
  const clock = settle(before, date, cal);
  switch (e.type) {
    case "CaseAccepted": {
      const closed = closeStage(clock, date, cal);
      const dueOn = c.promisedDays === 0 ? cal.onOrAfter(date) : cal.addWorkingDays(date, c.promisedDays);
      return { ...closed, stage: "decide", acceptedOn: date, dueOn, warnOn: warnOf(rules, dueOn) };
    }
    case "CaseRejected":
    case "CaseWithdrawn":
      return closeStage(clock, date, cal);
    case "CaseDecided": {
      const closed = closeStage(clock, date, cal);
      const decideDays = cal.workingDaysBetween(closed.arrivedOn, date) - closed.suspendedDays;
      return { ...closed, decidedOn: date, decideDays: Math.max(0, decideDays) };
    }
    case "SupplementRequested":
    case "CaseSuspended": {
      if (clock.stage === null || clock.stoppedOn !== null) return clock;
      const stoppedFor: StopReason =
        e.type === "SupplementRequested" ? "SUPPLEMENT" : (suspensionKind ?? "HEARING");
      return { ...clock, stoppedOn: date, stoppedFor };
    }
    case "SupplementProvided":
    case "CaseResumed": {
      const restarted = restart(clock, date, cal);
      return restarted === clock ? clock : { ...restarted, warnOn: warnOf(rules, restarted.dueOn) };
    }
    default:
      return clock;
  }
}

/** The 电子监察 light of an open case: green 正常, yellow 预警, red 超期. */
export type Light = "GREEN" | "YELLOW" | "RED";

/**
 * The light of a clock on `today`, or null once its case is closed. Red once a breach is recorded or the
 * due date passed, and red stays; a stopped clock shows the light of the day it stopped. Pure date
 * comparisons, so SQL can count the same (store/sql/cases.ts).
 */
export function lightOf(clock: CaseClock | undefined, today: string): Light | null {
  if (clock === undefined || clock.stage === null || clock.dueOn === null) return null;
  if (clock.breach !== null) return "RED";
  const asOf = clock.stoppedOn ?? today;
  if (asOf > clock.dueOn) return "RED";
  if (clock.warnOn !== null && asOf >= clock.warnOn) return "YELLOW";
  return "GREEN";
}
