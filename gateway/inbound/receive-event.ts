/**
 * The inbox: applies events that partner regions sent to this region, each
 * exactly once and in per-source order. Duplicates are skipped. An event
 * that arrives before its predecessor, or before the state it needs when
 * several regions send about one case, is parked until it can apply (and
 * dead-lettered by the sweep in parking.ts if it never does). What can never
 * apply goes to the region's dead-letter topic with the reason, and the
 * partition moves on; only a retriable failure (the ledger is unavailable)
 * makes the bus deliver the record again.
 */
import { decodeEnvelope, type Envelope } from "../codec/envelope.js";
import { FINAL_STATUSES } from "../domain/case.js";
import { XrError } from "../domain/errors.js";
import type { BusRecord } from "../ports/bus.js";
import type { RegionContext } from "../usecases/context.js";
import { applyOne, dispose } from "./apply.js";
import { deadLetter, deadLetterInTurn } from "./dead-letter.js";
import { drainParked, park } from "./parking.js";
import { checkEnvelope } from "./validate.js";

/** What became of a received record. */
export type ReceiveOutcome = "applied" | "duplicate" | "parked" | "dead-lettered";

/** Bus handler of a region's inbox topics. Rejects only for retriable failures. */
export async function receiveRecord(ctx: RegionContext, record: BusRecord): Promise<ReceiveOutcome> {
  let env: Envelope;
  try {
    env = decodeEnvelope(record.value);
    checkEnvelope(env, ctx.region);
  } catch (err) {
    await deadLetter(ctx, record, XrError.from(err).message);
    return "dead-lettered";
  }
  if (await ctx.store.hasApplied(env.eventId)) {
    // A crash after the apply but before its drain finished leaves successors parked: drain again.
    await drainParked(ctx, env.caseId);
    return "duplicate";
  }
  const applied = await ctx.store.appliedSequence(env.caseId, env.sourceRegion);
  if (env.sequence <= applied) {
    const reason = `sequence ${env.sequence} from ${env.sourceRegion} is taken by another event`;
    await deadLetter(ctx, record, reason, env.caseId);
    return "dead-lettered";
  }
  if (env.sequence > applied + 1) {
    const current = await ctx.store.getCase(env.caseId);
    if (current && FINAL_STATUSES.has(current.status)) {
      await deadLetter(ctx, record, `case ${env.caseId} is closed (${current.status})`, env.caseId);
      return "dead-lettered";
    }
    return park(ctx, env, record, `waiting for sequence ${applied + 1} from ${env.sourceRegion}`);
  }
  try {
    await applyOne(ctx, env);
  } catch (err) {
    const what = await dispose(ctx, env, err);
    if (what === "retry") throw err;
    if (what === "park") return park(ctx, env, record, XrError.from(err).message);
    await deadLetterInTurn(ctx, env, record, XrError.from(err).message);
    await drainParked(ctx, env.caseId);
    return "dead-lettered";
  }
  ctx.log.info({ caseId: env.caseId, type: env.payload.type, from: env.sourceRegion }, "event applied");
  await drainParked(ctx, env.caseId);
  return "applied";
}
