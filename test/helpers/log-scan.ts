/**
 * Mocha root hook: every log line the suite's gateways write (in-process
 * federations and gateway child processes hand theirs to {@link captureLog})
 * is scanned at the end of the run for personal data: resident identity
 * numbers with a valid check character, mobile numbers, and street
 * addresses. One hit fails the run, naming the line. In-process federations
 * log at debug; gateway child processes at warn, or at XR_TEST_LOG_LEVEL;
 * test/security/debug-logs.test.ts runs the real entry point at debug.
 */
import { residentIdCheckChar } from "../../gateway/domain/ids.js";

const lines: string[] = [];

/** Hands a chunk of log output to the scan. */
export function captureLog(text: string): void {
  for (const line of text.split("\n")) if (line) lines.push(line);
}

const RESIDENT_ID = /(?<![0-9A-Za-z])(\d{17})([\dX])(?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z.])1[3-9]\d{9}(?![0-9A-Za-z.])/g;
const ADDRESS = /[\u4e00-\u9fa5]{2,}(?:路|街|大道|巷)\d+号/g;

/** The personal data found in `line` (empty when there is none). */
export function personalDataIn(line: string): string[] {
  const found: string[] = [];
  for (const m of line.matchAll(RESIDENT_ID)) {
    if (residentIdCheckChar(m[1] as string) === m[2]) found.push(`resident ID ${m[0]}`);
  }
  for (const m of line.matchAll(MOBILE)) found.push(`mobile ${m[0]}`);
  for (const m of line.matchAll(ADDRESS)) found.push(`address ${m[0]}`);
  return found;
}

/** Root hooks (registered through .mocharc.json's "require"). */
export const mochaHooks = {
  afterAll(): void {
    // Runs that host no gateway (a single unit file) have nothing to scan.
    if (lines.length === 0) return;
    const leaks = lines.flatMap((line) =>
      personalDataIn(line).map((what) => `${what} in: ${line.slice(0, 300)}`),
    );
    if (leaks.length > 0) {
      throw new Error(
        `personal data in ${leaks.length} log line(s) of this run:\n${leaks.slice(0, 10).join("\n")}`,
      );
    }
    process.stderr.write(`log scan: ${lines.length} log lines of this run checked, no personal data found\n`);
  },
};
