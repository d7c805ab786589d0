/**
 * `xr calendar check`: which years the holiday calendar covers, and exit 1
 * when a year a time limit may need soon is missing (config/holidays.yaml
 * holds only the years the State Council has published).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { TEST_HOLIDAYS, testCalendarEnd } from "../helpers/test-calendar.js";

function check(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(PROJECT_ROOT, "gateway/cli/xr.ts"), "calendar", "check", ...args],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    },
  );
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe("xr calendar check", () => {
  const official = join(PROJECT_ROOT, "config", "holidays.yaml");

  it("says a year is missing when a limit counted from today could end in it, and exits 1", () => {
    const r = check("--file", official, "--today", "2026-11-20");
    expect(r.status, r.err).to.equal(1);
    expect(r.out).to.match(/^covers {2}2026 \(until 2026-12-31, 41 days from 2026-11-20\)/);
    expect(r.out).to.contain("MISSING 2027");
  });

  it("is content while the covered years reach past the warning window", () => {
    const r = check("--file", official, "--today", "2026-06-01");
    expect(r.status, r.err).to.equal(0);
    expect(r.out).to.contain("ok      every year needed within 60 days is covered");
  });

  it("reads XR_HOLIDAYS_FILE when no file is named (the tests' calendar here)", () => {
    const r = check("--today", "2026-11-20");
    expect(r.status, r.err).to.equal(0);
    expect(r.out).to.contain(`until ${testCalendarEnd}-12-31`);
    expect(process.env.XR_HOLIDAYS_FILE).to.equal(TEST_HOLIDAYS);
  });

  it("refuses a malformed --today, naming it", () => {
    const r = check("--file", official, "--today", "20261120");
    expect(r.status).to.equal(1);
    expect(r.err).to.contain("--today must be YYYY-MM-DD");
  });
});
