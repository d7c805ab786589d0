/** Renders any error as the documented JSON error shape with its HTTP status. */
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { ErrorCode, XrError } from "../../domain/errors.js";
import { HTTP_STATUS } from "./status.js";

/** body-parser's errors carry a `type`; turn them into XrErrors naming the body. */
function fromBodyParser(err: { type?: string; message?: string; limit?: number }): XrError | undefined {
  if (err.type === "entity.parse.failed") {
    return new XrError(ErrorCode.INVALID_ARGUMENT, `malformed JSON: ${err.message}`, {
      details: [{ path: "(body)", issue: "is not valid JSON" }],
    });
  }
  if (err.type === "entity.too.large") {
    return new XrError(ErrorCode.PAYLOAD_TOO_LARGE, `request body exceeds ${err.limit} bytes`, {
      details: [{ path: "(body)", issue: `larger than ${err.limit} bytes` }],
    });
  }
  if (err.type === "encoding.unsupported" || err.type === "charset.unsupported") {
    return XrError.invalid("(body)", err.message ?? "unsupported encoding");
  }
  // Anything else express or body-parser refused with a 4xx (a malformed path escape, say).
  const status =
    (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
  if (!(err instanceof XrError) && typeof status === "number" && status >= 400 && status < 500) {
    return new XrError(ErrorCode.INVALID_ARGUMENT, `malformed request: ${err.message}`, {
      details: [{ path: "(request)", issue: err.message ?? "malformed request" }],
    });
  }
  return undefined;
}

/** The express error handler of the REST API. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = fromBodyParser(err) ?? XrError.from(err);
    const status = HTTP_STATUS[e.code];
    if (status >= 500) log.error({ err, path: req.path, code: e.code }, "request failed");
    else log.debug({ path: req.path, code: e.code, message: e.message }, "request refused");
    const message = status >= 500 && e.code === ErrorCode.INTERNAL ? "internal error" : e.message;
    res.status(status).json({ error: { code: e.code, message, details: e.details, origin: e.origin } });
  };
}
