/**
 * The inbox pipeline, which the bus calls for each record on the region's
 * inbox topics: the record is decoded once (received.ts), then received
 * (receive.ts: checked, ordered, applied or parked, or dead-lettered) under
 * one retry policy. Whatever could not be settled is thrown to here: while
 * the ledger is unavailable the record is held (the bus delivers it again;
 * nothing is dead-lettered for an outage of our own); anything else (a
 * concurrent writer won the race) is tried again a bounded number of times
 * with backoff, then dead-lettered with the reason.
 */
import { ErrorCode, XrError } from "../domain/errors.js";
import type { BusRecord } from "../ports/bus.js";
import type { RegionContext } from "../usecases/context.js";
import { withTrace } from "../usecases/trace.js";
import { deadLetter, giveUp, recordCaseId } from "./dead-letter.js";
import { receiveOnce } from "./receive.js";
import { decodeRecord, type Received, type ReceiveOutcome } from "./received.js";

export { sweepParked } from "./parking.js";
export type { ReceiveOutcome } from "./received.js";

/** Attempts at a record, and the delay before the second (doubled each time). */
export interface RetryPolicy {
  readonly attempts: number;
  readonly firstDelayMs: number;
}

const DEFAULT_POLICY: RetryPolicy = { attempts: 5, firstDelayMs: 100 };

/**
 * Receives one record in the trace its sender began (its `traceparent`
 * header, else its envelope's) and under its case; rejects only while the
 * ledger is unavailable.
 */
export function receive(
  ctx: RegionContext,
  record: BusRecord,
  policy = DEFAULT_POLICY,
): Promise<ReceiveOutcome> {
  const msg = decodeRecord(ctx, record);
  const traceparent = record.headers.traceparent || msg.env?.traceparent;
  // Log lines name the case as the dead-letter topic would: never by the record's unchecked key.
  return withTrace(traceparent, () => withRetries(ctx, msg, policy), recordCaseId(msg));
}

async function withRetries(ctx: RegionContext, msg: Received, policy: RetryPolicy): Promise<ReceiveOutcome> {
  for (let attempt = 1, delay = policy.firstDelayMs; ; attempt++, delay *= 2) {
    try {
      return await receiveOnce(ctx, msg);
    } catch (err) {
      const e = XrError.from(err);
      // The ledger is ours: its outage holds the partition, and is no reason to dead-letter anything.
      if (e.code === ErrorCode.UNAVAILABLE || !(await ctx.store.ping().catch(() => false))) {
        ctx.log.warn(
          { err, topic: msg.topic, offset: msg.offset },
          "ledger unavailable; inbox paused on this record",
        );
        throw err;
      }
      if (attempt >= policy.attempts) {
        const reason = `failed ${attempt} times: ${e.message}`;
        return msg.refusal ? deadLetter(ctx, msg, reason) : giveUp(ctx, msg, reason);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
