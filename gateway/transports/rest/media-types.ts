/**
 * Each route's content types (issue 19): a route takes only the types it
 * reads, and answers anything else with 415 UNSUPPORTED_MEDIA_TYPE naming
 * `Content-Type`. Among other things this keeps out the bodies a foreign page
 * can send without a CORS preflight (text/plain, forms).
 */
import type { Request } from "express";
import { ErrorCode, XrError } from "../../domain/errors.js";

/** What `POST /session`, `/cases` and `/cases/{id}/actions` take. */
export const JSON_TYPES: readonly string[] = ["application/json"];

/** What `POST /materials` takes: the scans a window uploads (OFD: China's standard for e-documents). */
export const SCAN_TYPES: readonly string[] = [
  "application/pdf",
  "image/jpeg",
  "image/png",
  "image/tiff",
  "application/ofd",
];

/** Fails with 415 unless the request's Content-Type (parameters aside) is one of `types`. */
export function requireMediaType(req: Request, types: readonly string[]): void {
  const given = (req.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (types.includes(given)) return;
  const issue = `must be ${types.length === 1 ? types[0] : `one of ${types.join(", ")}`}`;
  // The type given is not repeated: the message reaches the logs, and a header may hold anything.
  throw new XrError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Content-Type ${issue}`, {
    details: [{ path: "Content-Type", issue }],
  });
}
