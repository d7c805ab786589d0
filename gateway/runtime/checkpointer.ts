/**
 * The periodic checkpoint of a region's message log: every `seconds`, the
 * log's head is signed and handed to each partner that does not keep it yet
 * (issue 19). One run at a time; a partner that is down is tried again on the
 * next run, and stopping waits for the run in flight.
 */
import type { PartnerGateway } from "../ports/partners.js";
import { type CheckpointContext, type CheckpointOutcome, checkpointNow } from "../usecases/checkpoints.js";

/** A running checkpointer. */
export interface Checkpointer {
  /** Signs the head now and hands it to every partner (also when it did not move). */
  checkpointNow(): Promise<CheckpointOutcome[]>;
  stop(): Promise<void>;
}

/** Starts checkpointing every `seconds` (0: only when asked). */
export function startCheckpointer(
  ctx: CheckpointContext,
  partners: PartnerGateway,
  seconds: number,
): Checkpointer {
  // Runs one after another; a periodic run is skipped while one is still in flight.
  let last: Promise<unknown> = Promise.resolve();
  let busy = 0;
  const run = <T>(fn: () => Promise<T>): Promise<T> => {
    busy++;
    const next = last
      .catch(() => undefined)
      .then(fn)
      .finally(() => busy--);
    last = next;
    return next;
  };
  const periodic = () => {
    if (busy > 0) return;
    run(() => checkpointNow(ctx, partners, { ifMoved: true })).catch((err) =>
      ctx.log.warn({ err: (err as Error).message }, "log checkpoint failed"),
    );
  };
  const timer = seconds > 0 ? setInterval(periodic, seconds * 1000) : undefined;
  timer?.unref();
  return {
    checkpointNow: () => run(() => checkpointNow(ctx, partners)),
    stop: async () => {
      if (timer) clearInterval(timer);
      await last.catch(() => undefined);
    },
  };
}
