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
 * Creates the root logger; `destination` defaults to stdout. Every line
 * written inside a trace scope (runtime/trace.ts) carries its `traceId` and
 * `caseId`, so one case can be followed across cities by either.
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
    },
    destination,
  );
}
