/** The gateway's pino logger, with personal data redacted (docs/security.md). */
import pino, { type Logger } from "pino";
import { traceFields } from "../usecases/trace.js";

/** Paths that may hold personal data; whatever logs them shows "[redacted]". */
export const REDACT_PATHS = [
  // Whole objects that are mostly personal data, wherever a log call puts them.
  ...["applicant", "case", "body"].flatMap((k) => [k, `*.${k}`]),
  // Single fields up to two levels down (pino's wildcards match one level each; a case's
  // delivery sits at case.delivery.mobile).
  ...["idNumber", "creditCode", "mobile", "address", "recipient", "legalRepresentative"].flatMap((k) => [
    k,
    `*.${k}`,
    `*.*.${k}`,
  ]),
];

/**
 * What a line may still hold after redaction by path, when a message or an error quotes outside
 * input: identity numbers (17 digits and a check character), mobile numbers, street addresses.
 * The same shapes the test run's log scan looks for (test/helpers/log-scan.ts).
 */
const PERSONAL_DATA = [
  /(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/g,
  /(?<![0-9A-Za-z.])1[3-9]\d{9}(?![0-9A-Za-z.])/g,
  /[\u4e00-\u9fa5]{2,}(?:路|街|大道|巷)\d+号/g,
];

/** A serialised log line with anything of a personal-data shape replaced by "[redacted]". */
export function scrubLine(line: string): string {
  let out = line;
  for (const pattern of PERSONAL_DATA) out = out.replace(pattern, "[redacted]");
  return out;
}

/**
 * Creates the root logger; `destination` defaults to stdout. Every line
 * written inside a trace scope (runtime/trace.ts) carries its `traceId` and
 * `caseId`, so one case can be followed across cities by either. Call
 * sites log no outside input; {@link scrubLine} is the net under them.
 */
export function createLogger(
  level = process.env.LOG_LEVEL ?? "info",
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { service: "xr-gateway" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      mixin: traceFields,
      hooks: { streamWrite: scrubLine },
    },
    destination,
  );
}
