/** The gateway's pino logger, with personal data redacted (DESIGN.md, "Identifiers"). */
import pino, { type Logger } from "pino";

/** Paths that may hold personal data; whatever logs them shows "[redacted]". */
export const REDACT_PATHS = [
  "applicant",
  "*.applicant",
  "idNumber",
  "*.idNumber",
  "creditCode",
  "*.creditCode",
  "mobile",
  "*.mobile",
  "address",
  "*.address",
  "recipient",
  "*.recipient",
  "body",
  "*.body",
];

/** Creates the root logger; `destination` defaults to stdout. */
export function createLogger(
  level = process.env.LOG_LEVEL ?? "info",
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    { level, base: { service: "xr-gateway" }, redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
    destination,
  );
}
