/**
 * The retry policy around the inbox. A failure while the ledger is down (or
 * refuses writes) holds the partition (the bus hands the record again; nothing is dead-lettered for
 * an outage of our own). Any other retriable failure is tried a bounded number
 * of times with backoff, then dead-lettered with the reason.
 */
import { decodeEnvelope } from "../codec/envelope.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { BusRecord } from "../ports/bus.js";
import type { RegionContext } from "../usecases/context.js";
import { deadLetter, deadLetterInTurn } from "./dead-letter.js";
import { type ReceiveOutcome, receiveRecord } from "./receive-event.js";

/** Options of {@link receiveWithRetries}. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly firstDelayMs: number;
}

const DEFAULT_POLICY: RetryPolicy = { attempts: 5, firstDelayMs: 100 };

/** Receives a record, retrying and finally dead-lettering; rejects only while the ledger is unavailable. */
export async function receiveWithRetries(
  ctx: RegionContext,
  record: BusRecord,
  policy: RetryPolicy = DEFAULT_POLICY,
): Promise<ReceiveOutcome> {
  for (let attempt = 1, delay = policy.firstDelayMs; ; attempt++, delay *= 2) {
    try {
      return await receiveRecord(ctx, record);
    } catch (err) {
      const ledgerDown =
        XrError.from(err).code === ErrorCode.UNAVAILABLE || !(await ctx.store.ping().catch(() => false));
      if (ledgerDown) throw err;
      if (attempt >= policy.attempts) {
        const reason = `failed ${attempt} times: ${XrError.from(err).message}`;
        const env = decodeEnvelope(record.value);
        const inTurn = env.sequence === (await ctx.store.appliedSequence(env.caseId, env.sourceRegion)) + 1;
        if (inTurn) await deadLetterInTurn(ctx, env, record, reason);
        else await deadLetter(ctx, record, reason, env.caseId);
        return "dead-lettered";
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
