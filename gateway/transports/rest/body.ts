/**
 * The REST API's JSON body parser: what a body must be before any route sees
 * it. At most 256 KiB; UTF-8 and nothing else (RFC 8259), refused rather than
 * decoded with U+FFFD in place of what was sent; nested no deeper than
 * contract/depth.ts allows, checked before anything walks it recursively.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { checkDepth } from "../../contract/depth.js";
import { XrError } from "../../domain/errors.js";

/** Largest JSON body accepted. */
const JSON_LIMIT = "256kb";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** body-parser's verify hook: sees the raw bytes before they are decoded. */
function requireUtf8(_req: unknown, _res: unknown, bytes: Buffer, encoding: string): void {
  if (encoding.toLowerCase() !== "utf-8") throw XrError.invalid("(body)", "JSON must be encoded as UTF-8");
  try {
    utf8.decode(bytes);
  } catch {
    throw XrError.invalid("(body)", "is not valid UTF-8");
  }
}

/** Mounted before every JSON route: `parse`, then (after the trace scope is resumed) `depth`. */
export const jsonBody: { readonly parse: RequestHandler; readonly depth: RequestHandler } = {
  parse: express.json({ limit: JSON_LIMIT, verify: requireUtf8 }),
  depth(req: Request, _res: Response, next: NextFunction): void {
    checkDepth(req.body);
    next();
  },
};
