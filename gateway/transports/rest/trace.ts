/**
 * The trace scope of a REST request: the caller's `traceparent` continued
 * (or a new trace), echoed in the response's `traceparent` header so that a
 * window can quote it when it reports a problem.
 */
import type { NextFunction, Request, Response } from "express";
import { childScope, inScope, type TraceScope, traceparentOf } from "../../usecases/trace.js";

/** Middleware that opens and re-enters the request's trace scope. */
export const traceScope = {
  /** Opens the scope; mounted first. */
  open(req: Request, res: Response, next: NextFunction): void {
    const scope = childScope(req.get("traceparent"));
    res.locals.trace = scope;
    res.set("traceparent", traceparentOf(scope));
    inScope(scope, next);
  },
  /**
   * Re-enters it after a body parser: parsers call `next` from the request
   * stream's events, which run outside the scope the request began in.
   */
  resume(_req: Request, res: Response, next: NextFunction): void {
    const scope = res.locals.trace as TraceScope | undefined;
    if (scope) inScope(scope, next);
    else next();
  },
};
