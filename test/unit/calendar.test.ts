import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import YAML from "yaml";
import { cstDate, WorkCalendar } from "../../gateway/domain/calendar.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Dates of one list in config/holidays.yaml, as YYYY-MM-DD strings whatever YAML made of them. */
function datesOf(entries: ReadonlyArray<{ date: unknown }>): string[] {
  return entries.map((e) => (e.date instanceof Date ? e.date.toISOString().slice(0, 10) : String(e.date)));
}

describe("calendar: WorkCalendar with hand-made rules", () => {
  const plain = new WorkCalendar({ holidays: [], workdays: [] });

  it("skips weekends: 1 working day after Friday 2026-11-06 is Monday 2026-11-09", () => {
    expect(plain.isWorkingDay("2026-11-07")).to.equal(false); // Saturday
    expect(plain.isWorkingDay("2026-11-08")).to.equal(false); // Sunday
    expect(plain.addWorkingDays("2026-11-06", 1)).to.equal("2026-11-09");
  });

  it("counts a full week as 5 working days", () => {
    expect(plain.addWorkingDays("2026-11-02", 5)).to.equal("2026-11-09"); // Mon → next Mon
  });

  it("does not count the start day itself", () => {
    expect(plain.addWorkingDays("2026-11-02", 1)).to.equal("2026-11-03");
    expect(plain.addWorkingDays("2026-11-02", 0)).to.equal("2026-11-02");
    // Starting on a Saturday: the first day that counts is Monday.
    expect(plain.addWorkingDays("2026-11-07", 1)).to.equal("2026-11-09");
  });

  it("skips holidays", () => {
    const cal = new WorkCalendar({ holidays: ["2026-11-03", "2026-11-04"], workdays: [] });
    expect(cal.isWorkingDay("2026-11-03")).to.equal(false);
    // Mon 2026-11-02 + 3: Tue, Wed are holidays → Thu 5th (1), Fri 6th (2), Mon 9th (3).
    expect(cal.addWorkingDays("2026-11-02", 3)).to.equal("2026-11-09");
  });

  it("counts a 调休 weekend workday", () => {
    const cal = new WorkCalendar({ holidays: [], workdays: ["2026-11-07"] });
    expect(cal.isWorkingDay("2026-11-07")).to.equal(true);
    expect(cal.isWorkingDay("2026-11-08")).to.equal(false);
    expect(cal.addWorkingDays("2026-11-06", 1)).to.equal("2026-11-07");
    expect(cal.addWorkingDays("2026-11-06", 2)).to.equal("2026-11-09");
  });

  it("crosses a month and a year boundary", () => {
    expect(plain.addWorkingDays("2026-12-30", 3)).to.equal("2027-01-04"); // Wed → Thu, Fri, Mon
  });
});

describe("calendar: cstDate", () => {
  it("converts 2026-01-01T17:00:00Z to 2026-01-02 (UTC+8)", () => {
    expect(cstDate(new Date("2026-01-01T17:00:00Z"))).to.equal("2026-01-02");
  });

  it("keeps the same date until 16:00 UTC", () => {
    expect(cstDate(new Date("2026-01-01T15:59:59.999Z"))).to.equal("2026-01-01");
    expect(cstDate(new Date("2026-01-01T16:00:00Z"))).to.equal("2026-01-02");
  });
});

describe("calendar: the real config/holidays.yaml", () => {
  const doc = YAML.parse(readFileSync(join(root, "config", "holidays.yaml"), "utf8")) as {
    holidays: Array<{ date: unknown }>;
    workdays: Array<{ date: unknown }>;
  };
  const rules = { holidays: datesOf(doc.holidays), workdays: datesOf(doc.workdays) };
  const cal = new WorkCalendar(rules);

  it("lists the 2026 National Day week and its make-up Saturday", () => {
    for (let d = 1; d <= 7; d++) expect(rules.holidays).to.include(`2026-10-0${d}`);
    expect(rules.workdays).to.include("2026-10-10");
  });

  it("10 working days from Wed 2026-09-30 end on Tue 2026-10-20", () => {
    // By hand from the file: Oct 1–7 are 国庆节 holidays; Thu 8 (1), Fri 9 (2),
    // Sat 10 is a 调休 workday (3), Sun 11 off, Mon 12–Fri 16 (4–8),
    // Sat 17/Sun 18 off, Mon 19 (9), Tue 20 (10).
    expect(cal.addWorkingDays("2026-09-30", 10)).to.equal("2026-10-20");
  });

  it("Sunday 2026-09-20 (国庆节调休) is a working day; 中秋 Friday 2026-09-25 is not", () => {
    expect(cal.isWorkingDay("2026-09-20")).to.equal(true);
    expect(cal.isWorkingDay("2026-09-25")).to.equal(false);
  });

  it("the 春节 break: 1 working day from Fri 2026-02-13 is Sat 2026-02-14 (调休), the next is Tue 2026-02-24", () => {
    expect(cal.addWorkingDays("2026-02-13", 1)).to.equal("2026-02-14");
    expect(cal.addWorkingDays("2026-02-13", 2)).to.equal("2026-02-24");
  });
});
