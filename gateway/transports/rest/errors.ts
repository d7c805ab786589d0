/** Renders any error as the documented JSON error shape with its HTTP status. */
import type { ErrorRequestHandler, Request } from "express";
import type { Logger } from "pino";
import { ErrorCode, XrError } from "../../domain/errors.js";
import { type Lang, localizeError, type RegionNames } from "../../domain/messages.js";
import { HTTP_STATUS } from "./status.js";

/** body-parser's errors carry a `type`; turn them into XrErrors naming the body. */
function fromBodyParser(err: { type?: string; message?: string; limit?: number }): XrError | undefined {
  if (err.type === "entity.parse.failed") {
    // Not the parser's message: it quotes the body around the error, personal data included.
    const at = /at position (\d+)/.exec(err.message ?? "")?.[1];
    return new XrError(ErrorCode.INVALID_ARGUMENT, `malformed JSON${at ? ` at position ${at}` : ""}`, {
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

/**
 * The route a request matched, as a pattern (`/api/v1/cases/:id`), for logs: the path itself and a
 * refusal's message may hold whatever the caller put there, an identity number in place of a case id.
 */
function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === "string" ? `${req.baseUrl}${pattern}` : "(no route)";
}

/**
 * The language of the answer: zh-CN when the request's `Accept-Language` prefers Chinese (the window page always
 * sends it), English otherwise, no header included (programs and operators).
 */
export function answerLanguage(req: Request): Lang {
  const best = req.acceptsLanguages("en", "zh-CN", "zh");
  return typeof best === "string" && best.startsWith("zh") ? "zh-CN" : "en";
}

/**
 * The express error handler of the REST API: the error's message and each detail's `message` in the answer's
 * language (domain/messages.ts), `details[].issue` as the checks word it (stable, for programs); region names
 * from `names`.
 */
export function errorHandler(log: Logger, names?: RegionNames): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = fromBodyParser(err) ?? XrError.from(err);
    const status = HTTP_STATUS[e.code];
    const route = routeOf(req);
    if (status >= 500) log.error({ err, method: req.method, route, code: e.code }, "request failed");
    else log.debug({ method: req.method, route, code: e.code, status }, "request refused");
    const hidden = status >= 500 && e.code === ErrorCode.INTERNAL;
    const lang = answerLanguage(req);
    const shown = localizeError(
      { code: e.code, message: hidden ? "internal error" : e.message, details: e.details },
      lang,
      names,
    );
    res.setHeader("Content-Language", lang);
    res
      .status(status)
      .json({ error: { code: e.code, message: shown.message, details: shown.details, origin: e.origin } });
  };
}
