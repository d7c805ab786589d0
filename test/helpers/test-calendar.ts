/**
 * The holiday calendar the test run counts time limits on. config/holidays.yaml
 * covers only the years the State Council has published (a limit that ends in
 * any other year is refused, CALENDAR_UNCOVERED), so a suite that accepts a
 * case would start failing in December for reasons of the date it runs on.
 * This is that file's official data with `covers` stretched to the next
 * twenty years as weekends only: test data, written under .cache/, never read
 * by a gateway outside the tests. Loaded by .mocharc (and by the benchmarks'
 * servers); child processes see it through XR_HOLIDAYS_FILE.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { PROJECT_ROOT } from "../../gateway/paths.js";

/** Years the test calendar covers past the last official one. */
const TEST_YEARS = 20;

/** The test calendar's path: official dates, every later year up to {@link TEST_YEARS} weekends only. */
export const TEST_HOLIDAYS = join(PROJECT_ROOT, ".cache", "test-holidays.yaml");

/** The last year the test calendar covers: a limit past it is CALENDAR_UNCOVERED in tests too. */
export let testCalendarEnd = 0;

function writeTestCalendar(): void {
  const official = parse(readFileSync(join(PROJECT_ROOT, "config", "holidays.yaml"), "utf8")) as {
    covers: number[];
  };
  const first = Math.min(...official.covers);
  testCalendarEnd = Math.max(...official.covers, new Date().getUTCFullYear()) + TEST_YEARS;
  const covers = Array.from({ length: testCalendarEnd - first + 1 }, (_, i) => first + i);
  mkdirSync(join(PROJECT_ROOT, ".cache"), { recursive: true });
  const header =
    "# TEST DATA (test/helpers/test-calendar.ts): years past config/holidays.yaml's are weekends only.\n";
  writeFileSync(TEST_HOLIDAYS, header + stringify({ ...official, covers }));
  process.env.XR_HOLIDAYS_FILE = TEST_HOLIDAYS;
}

writeTestCalendar();
