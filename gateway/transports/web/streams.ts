/**
 * The window page's live updates as server-sent events: one case's timeline
 * (`GET /api/v1/cases/{id}/events/stream`) and "a case changed" notices for
 * the case list (`GET /api/v1/stream`).
 */
import type { Request, Response } from "express";
import { eventToJson } from "../../codec/json.js";
import { cstDate } from "../../domain/calendar.js";
import { XrError } from "../../domain/errors.js";
import type { RegionContext } from "../../usecases/context.js";
import { readCase } from "../../usecases/queries.js";
import { watchCaseEvents } from "../../usecases/watch.js";
import { openSse } from "./sse.js";

/**
 * Where to resume: the browser's `Last-Event-ID` after a reconnect, else
 * `?after=`, else the start. An event's id is its 1-based position in the
 * timeline, so the id of the last event seen is the number to skip.
 */
function resumePosition(req: Request): number {
  const fromHeader = req.get("Last-Event-ID");
  const raw = fromHeader ?? req.query.after;
  if (raw === undefined || raw === "") return 0;
  const path = fromHeader === undefined ? "after" : "Last-Event-ID";
  const n = typeof raw === "string" && /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n)) throw XrError.invalid(path, "must be an event position (0 or more)");
  return n;
}

/** `GET /api/v1/cases/{id}/events/stream`: the timeline from the resume point, then each new event. */
export async function streamCaseEvents(
  ctx: RegionContext,
  req: Request,
  res: Response,
  closing: AbortSignal,
): Promise<void> {
  const caseId = String(req.params.id);
  const after = resumePosition(req);
  // Refused as a plain JSON error (404) before the stream opens; EventSource then stops retrying.
  await readCase(ctx, caseId);
  const stream = openSse(res, closing);
  let position = after;
  try {
    for await (const event of watchCaseEvents(ctx, caseId, { after, signal: stream.signal })) {
      position++;
      const json = eventToJson(event, cstDate(ctx.clock.now()));
      await stream.send("case-event", JSON.stringify(json), String(position));
    }
  } catch (err) {
    // The headers are gone; all that is left is to log and close.
    ctx.log.warn({ err, caseId }, "case event stream failed");
    res.end();
  }
}

/** `GET /api/v1/stream`: the id of every case this region's ledger records a change to. */
export function streamCaseChanges(ctx: RegionContext, res: Response, closing: AbortSignal): void {
  const stream = openSse(res, closing);
  // A burst of commits (one event-loop turn) becomes one notice per case.
  let pending = new Set<string>();
  let flushing = false;
  const flush = async () => {
    const ids = pending;
    pending = new Set();
    for (const caseId of ids) await stream.send("case-changed", JSON.stringify({ caseId }));
    flushing = false;
    if (pending.size > 0) schedule();
  };
  const schedule = () => {
    if (flushing) return;
    flushing = true;
    setImmediate(() => void flush());
  };
  const unsubscribe = ctx.changes.subscribe((caseId) => {
    pending.add(caseId);
    schedule();
  });
  stream.signal.addEventListener("abort", unsubscribe);
}
