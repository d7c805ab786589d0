/**
 * Working-day arithmetic for promised time limits (承诺时限). Dates are plain
 * `YYYY-MM-DD` strings in China Standard Time (UTC+8, no daylight saving).
 */

const CST_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** Holidays and the weekend days that are worked instead (调休). */
export interface HolidayRules {
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
}

/** The calendar date in China Standard Time of an instant. */
export function cstDate(instant: Date): string {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** A working-day calendar built from weekends, holidays and 调休 workdays. */
export class WorkCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly workdays: ReadonlySet<string>;
  /** Every case filed on one day gets the same deadline: remember it. */
  private readonly memo = new Map<string, string>();

  constructor(rules: HolidayRules) {
    this.holidays = new Set(rules.holidays);
    this.workdays = new Set(rules.workdays);
  }

  /** Whether offices work on this date. */
  isWorkingDay(date: string): boolean {
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
}
