/** Following a case's timeline as it grows (gRPC `WatchCaseEvents`, the window page's stream). */
import type { LedgerEvent } from "../domain/events.js";
import { eventFor } from "../domain/minimize.js";
import type { RegionContext } from "./context.js";
import { getCaseFor } from "./queries.js";

/** Re-read at least this often, for commits made by another replica (ms). */
const POLL_MS = 2_000;

/** Options of {@link watchCaseEvents}. */
export interface WatchOptions {
  /** Skip the first `after` events of the timeline (resume point). */
  readonly after: number;
  /** Ends the iteration when aborted. */
  readonly signal: AbortSignal;
  /**
   * Who reads: this region's own staff (the default) or a partner region party to the case;
   * events are shaped for it as bus payloads are (domain/minimize.ts).
   */
  readonly viewer?: string;
}

/**
 * Yields the case's timeline from position `after`, then every event as it is
 * recorded, until `signal` aborts. NOT_FOUND for an unknown case (or one the
 * viewer is not party to), before anything is yielded.
 */
export async function* watchCaseEvents(
  ctx: RegionContext,
  caseId: string,
  o: WatchOptions,
): AsyncGenerator<LedgerEvent> {
  const viewer = o.viewer ?? ctx.region;
  // The parties never change, so the case read here says who may see an address in any later event.
  const c = await getCaseFor(ctx, viewer, caseId);
  let position = o.after;
  let wake: (() => void) | undefined;
  let dirty = true;
  const unsubscribe = ctx.changes.subscribe((id) => {
    if (id !== caseId) return;
    dirty = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  o.signal.addEventListener("abort", onAbort);
  try {
    while (!o.signal.aborted) {
      if (dirty) {
        dirty = false;
        const events = await ctx.store.listEvents(caseId);
        for (; position < events.length && !o.signal.aborted; position++) {
          yield eventFor(events[position] as LedgerEvent, viewer, c);
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          dirty = true;
          resolve();
        }, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
    o.signal.removeEventListener("abort", onAbort);
  }
}
