/**
 * Working-day arithmetic for promised time limits (承诺时限). Dates are plain
 * `YYYY-MM-DD` strings in China Standard Time (UTC+8, no daylight saving).
 * A calendar knows which years its holiday data covers: counting into a year
 * it has no data for is a CALENDAR_UNCOVERED error, never a guess that every
 * weekday is worked.
 */
import { ErrorCode, XrError } from "./errors.js";

const CST_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** Holidays and the weekend days that are worked instead (调休). */
export interface HolidayRules {
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
  /**
   * Years whose arrangement (国务院办公厅 notice) the data holds. Absent only in hand-made rules of
   * tests, which then count every year; config/holidays.yaml must say it.
   */
  readonly covers?: readonly number[];
}

/** The calendar date in China Standard Time of an instant. */
export function cstDate(instant: Date): string {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The calendar day after `date`. */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** The calendar day `days` days after `date` (negative: before). */
export function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A working-day calendar built from weekends, holidays and 调休 workdays. */
export class WorkCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly workdays: ReadonlySet<string>;
  /** Every case filed on one day gets the same deadline: remember it. */
  private readonly memo = new Map<string, string>();

  private readonly covers: ReadonlySet<number> | undefined;

  constructor(rules: HolidayRules) {
    this.holidays = new Set(rules.holidays);
    this.workdays = new Set(rules.workdays);
    this.covers = rules.covers === undefined ? undefined : new Set(rules.covers);
  }

  /** The years the data covers, ascending; undefined for unchecked (test) rules. */
  coveredYears(): number[] | undefined {
    return this.covers === undefined ? undefined : [...this.covers].sort((a, b) => a - b);
  }

  /** The last date the data covers (31 December of its last year); undefined when unchecked. */
  coveredUntil(): string | undefined {
    const years = this.coveredYears();
    const last = years?.at(-1);
    return last === undefined ? undefined : `${last}-12-31`;
  }

  /** Throws CALENDAR_UNCOVERED when the data says nothing of `date`'s year. */
  requireCovered(date: string): void {
    if (this.covers === undefined) return;
    const year = Number(date.slice(0, 4));
    if (this.covers.has(year)) return;
    throw new XrError(
      ErrorCode.CALENDAR_UNCOVERED,
      `the holiday calendar has no data for ${year} (needed for ${date}); add the State Council's ${year} arrangement to config/holidays.yaml`,
      { details: [{ path: "calendar", issue: `no holiday data for ${year}` }] },
    );
  }

  /** Whether offices work on this date; CALENDAR_UNCOVERED for a year without data. */
  isWorkingDay(date: string): boolean {
    this.requireCovered(date);
    if (this.workdays.has(date)) return true;
    if (this.holidays.has(date)) return false;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * The date on which a limit of `days` working days ends, counting from the
   * day after `start` (the start day itself does not count, as is the rule).
   */
  addWorkingDays(start: string, days: number): string {
    const key = `${start}+${days}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    let date = start;
    let left = days;
    while (left > 0) {
      date = nextDay(date);
      if (this.isWorkingDay(date)) left--;
    }
    if (this.memo.size > 10_000) this.memo.clear();
    this.memo.set(key, date);
    return date;
  }

  /** `date` itself when it is a working day, else the next working day (即办件: the same working day). */
  onOrAfter(date: string): string {
    let d = date;
    while (!this.isWorkingDay(d)) d = nextDay(d);
    return d;
  }

  /** The number of working days `d` with `from` < d ≤ `to`; 0 when `to` is not after `from`. */
  workingDaysBetween(from: string, to: string): number {
    let n = 0;
    for (let d = nextDay(from); d <= to; d = nextDay(d)) if (this.isWorkingDay(d)) n++;
    return n;
  }

  /** The date `days` working days before `date` (the inverse of {@link addWorkingDays}); `date` when 0. */
  subtractWorkingDays(date: string, days: number): string {
    let d = date;
    let left = days;
    while (left > 0) {
      d = plusDays(d, -1);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }
}

/** How long a calendar's data lasts as of a day: what `xr calendar check` and the gateway's warning say. */
export interface CalendarRunway {
  /** The years the data covers; empty for unchecked rules. */
  readonly covers: readonly number[];
  /** The last date covered, or "" for unchecked rules. */
  readonly coveredUntil: string;
  /** Calendar days from `today` to `coveredUntil` (negative once past). */
  readonly daysLeft: number;
  /** Years from today's to the one `warnDays` ahead that the data lacks: add them soon. */
  readonly missingSoon: readonly number[];
}

/** The runway of `calendar` on `today`, looking `warnDays` calendar days ahead (60 by default). */
export function calendarRunway(calendar: WorkCalendar, today: string, warnDays = 60): CalendarRunway {
  const covers = calendar.coveredYears() ?? [];
  const until = calendar.coveredUntil() ?? "";
  const daysLeft =
    until === "" ? Number.POSITIVE_INFINITY : Math.round((Date.parse(until) - Date.parse(today)) / DAY_MS);
  const horizon = Number(plusDays(today, warnDays).slice(0, 4));
  const missingSoon: number[] = [];
  if (until !== "") {
    for (let y = Number(today.slice(0, 4)); y <= horizon; y++) if (!covers.includes(y)) missingSoon.push(y);
  }
  return { covers, coveredUntil: until, daysLeft, missingSoon };
}
