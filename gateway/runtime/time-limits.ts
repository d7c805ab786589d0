/**
 * The time-limit watch of one region (issue 17): logs each case that turns red once (the ledger marks it
 * as it answers, so a restart or another replica does not alert again), and warns while the holiday data
 * runs out within 60 days (at start, then once a day). The domain folds clocks without I/O; noticing that
 * a date passed without any event needs a clock and the ledger, so it is done here.
 */
import type { Logger } from "pino";
import { type CalendarRunway, calendarRunway, cstDate, type WorkCalendar } from "../domain/calendar.js";
import type { Clock } from "../ports/clock.js";
import type { LedgerStore } from "../ports/store.js";

/** Options of {@link startTimeLimitWatch}. */
export interface TimeLimitWatchOptions {
  readonly store: LedgerStore;
  readonly calendar: WorkCalendar;
  readonly clock: Clock;
  readonly log: Logger;
  /** Milliseconds between sweeps for newly red cases (default 60 s). */
  readonly everyMs?: number;
}

/** A running watch. */
export interface TimeLimitWatch {
  /** One sweep now (tests, and the first one at start). */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

/** Logs the calendar's runway when it ends within 60 days; returns it either way. */
export function warnCalendarRunway(calendar: WorkCalendar, today: string, log: Logger): CalendarRunway {
  const runway = calendarRunway(calendar, today);
  if (runway.missingSoon.length > 0) {
    log.warn(
      { coveredUntil: runway.coveredUntil, daysLeft: runway.daysLeft, missingYears: runway.missingSoon },
      "holiday calendar data runs out soon: time limits ending after it will be refused (CALENDAR_UNCOVERED); add the State Council's arrangement to config/holidays.yaml",
    );
  }
  return runway;
}

/** Starts the watch; its first sweep runs at once. */
export function startTimeLimitWatch(o: TimeLimitWatchOptions): TimeLimitWatch {
  let warnedOn = "";
  let running: Promise<void> | undefined;
  const sweep = async (): Promise<void> => {
    const today = cstDate(o.clock.now());
    if (warnedOn !== today) {
      warnedOn = today;
      warnCalendarRunway(o.calendar, today, o.log);
    }
    for (const red of await o.store.markRed(today)) {
      // No personal data: the case id, the matter, the region and the days say what a supervisor needs.
      o.log.warn(
        {
          alert: "case-overdue",
          caseId: red.caseId,
          matterCode: red.matterCode,
          handlingRegion: red.handlingRegion,
          dueOn: red.dueOn,
          overdueDays: red.breachDays,
        },
        "case turned red: past its time limit (超期)",
      );
    }
  };
  const tick = () => {
    running ??= sweep()
      .catch((err) => o.log.error({ err }, "time-limit sweep failed; will retry"))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(tick, o.everyMs ?? 60_000);
  timer.unref();
  void tick();
  return {
    sweep: async () => {
      await running;
      await sweep();
    },
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
