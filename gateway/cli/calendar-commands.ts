/**
 * `xr calendar check`: how long the holiday calendar's data lasts. Time limits
 * that end in a year the calendar does not cover are refused
 * (CALENDAR_UNCOVERED), so operators add each year's State Council
 * arrangement before it is needed; this command says when that is.
 */
import { join, resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { readYaml } from "../config/read-yaml.js";
import { holidaysFile } from "../config/schemas.js";
import { calendarRunway, cstDate, WorkCalendar } from "../domain/calendar.js";
import { PROJECT_ROOT } from "../paths.js";

const days = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("It must be a positive whole number.");
  return n;
};

/** Adds `calendar check` to `program`. */
export function registerCalendarCommands(program: Command): void {
  program
    .command("calendar")
    .description("the holiday calendar time limits are counted on")
    .command("check")
    .description(
      "say which years the holiday calendar covers and until when; exit 1 when a year needed within --warn-days is missing",
    )
    .option("--config <dir>", "configuration directory (default: config/)")
    .option("--file <path>", "the calendar (default: XR_HOLIDAYS_FILE, else <config>/holidays.yaml)")
    .option("--today <date>", "count from this day (YYYY-MM-DD, default: today in China Standard Time)")
    .option("--warn-days <n>", "how far ahead a year must be covered", days, 60)
    .action((o: { config?: string; file?: string; today?: string; warnDays: number }) => {
      const file = resolve(
        o.file ??
          process.env.XR_HOLIDAYS_FILE ??
          join(o.config ?? join(PROJECT_ROOT, "config"), "holidays.yaml"),
      );
      const problems: string[] = [];
      const data = readYaml(file, holidaysFile, problems);
      if (!data) return program.error(`xr calendar check: ${problems.join("; ")}`);
      if (o.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.today))
        return program.error("xr calendar check: --today must be YYYY-MM-DD");
      const today = o.today ?? cstDate(new Date());
      const calendar = new WorkCalendar({
        holidays: data.holidays.map((h) => h.date),
        workdays: data.workdays.map((w) => w.date),
        covers: data.covers,
      });
      const r = calendarRunway(calendar, today, o.warnDays);
      process.stdout.write(
        `covers  ${r.covers.join(", ")} (until ${r.coveredUntil}, ${r.daysLeft} days from ${today})\n`,
      );
      if (r.missingSoon.length > 0) {
        process.stdout.write(
          `MISSING ${r.missingSoon.join(", ")}: needed within ${o.warnDays} days; add the State Council's arrangement (国务院办公厅 部分节假日安排) to ${file} and its year to covers\n`,
        );
      } else {
        process.stdout.write(`ok      every year needed within ${o.warnDays} days is covered\n`);
      }
      process.exitCode = r.missingSoon.length > 0 ? 1 : 0;
    });
}
