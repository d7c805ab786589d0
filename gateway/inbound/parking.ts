/**
 * Events that cannot apply yet wait in the ledger's parking table: until
 * their predecessor arrives (drainParked), or until they are too old to wait
 * for and go to the dead-letter topic with an alert (sweepParked).
 */
import { decodeEnvelope } from "../codec/envelope.js";
import { XrError } from "../domain/errors.js";
import type { ParkedEvent } from "../ports/store.js";
import type { RegionContext } from "../usecases/context.js";
import { applyOne, dispose } from "./apply.js";
import { deadLetter, giveUp } from "./dead-letter.js";
import type { Accepted, ReceiveOutcome } from "./received.js";

/** Parked events a case may hold before newer ones are dead-lettered. */
export const MAX_PARKED_PER_CASE = 100;

/** How long an event may wait for what it needs before it is dead-lettered. */
const MAX_PARKED_MS = 15 * 60 * 1000;

/** A parked event as received (it was checked then), with the routing headers it arrived with. */
function unparked(p: ParkedEvent): Accepted {
  const env = decodeEnvelope(p.value);
  const headers = {
    "xr-source": env.sourceRegion,
    "xr-target": env.targetRegion,
    "xr-type": env.payload.type,
    traceparent: env.traceparent,
    "xr-parked-reason": p.reason,
  };
  return { topic: p.topic, key: p.caseId, value: p.value, headers, env };
}

/** Parks a received event, or dead-letters it when it collides or the case holds too many. */
export async function park(ctx: RegionContext, msg: Accepted, why: string): Promise<ReceiveOutcome> {
  const { env } = msg;
  if ((await ctx.store.countParked(env.caseId)) >= MAX_PARKED_PER_CASE) {
    const already = (await ctx.store.parkedFor(env.caseId)).some((p) => p.eventId === env.eventId);
    return already ? "duplicate" : deadLetter(ctx, msg, `parking limit reached while ${why}`);
  }
  const result = await ctx.store.park({
    eventId: env.eventId,
    caseId: env.caseId,
    sourceRegion: env.sourceRegion,
    sequence: env.sequence,
    value: msg.value,
    parkedAt: ctx.clock.now().toISOString(),
    topic: msg.topic,
    reason: why,
  });
  if (result === "already-parked") return "duplicate";
  if (result === "collision") {
    return deadLetter(
      ctx,
      msg,
      `sequence ${env.sequence} from ${env.sourceRegion} is taken by another parked event`,
    );
  }
  // The predecessor may have been applied while this event was parking, and that apply's drain may
  // have looked before this park was committed: look again, or the event would wait for the sweep.
  await drainParked(ctx, env.caseId);
  if (await ctx.store.hasApplied(env.eventId)) return "applied";
  ctx.log.warn({ caseId: env.caseId, eventId: env.eventId, why }, "event parked");
  return "parked";
}

/** Applies parked events of a case that have become applicable, until none is. */
export async function drainParked(ctx: RegionContext, caseId: string): Promise<void> {
  for (let progress = true; progress; ) {
    progress = false;
    for (const parked of await ctx.store.parkedFor(caseId)) {
      if (parked.sequence !== (await ctx.store.appliedSequence(caseId, parked.sourceRegion)) + 1) continue;
      const msg = unparked(parked);
      try {
        await applyOne(ctx, msg.env, parked.eventId);
      } catch (err) {
        // Unless another drain of this case (another record, another replica) applied it first.
        if (!(await ctx.store.hasApplied(parked.eventId))) {
          if ((await dispose(ctx, msg.env, err)) === "park") continue;
          await giveUp(ctx, msg, XrError.from(err).message);
          await ctx.store.dropParked(parked.eventId);
        }
      }
      progress = true;
    }
  }
}

/**
 * Dead-letters events parked longer than {@link MAX_PARKED_MS}: what they wait for is
 * not coming (or two regions acted at once and the other side won).
 * Returns how many went.
 */
export async function sweepParked(ctx: RegionContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - MAX_PARKED_MS).toISOString();
  // Whatever can apply by now does, before anything is given up on.
  for (const p of await ctx.store.parkedBefore(cutoff, 500)) await drainParked(ctx, p.caseId);
  const stale = await ctx.store.parkedBefore(cutoff, 500);
  for (const p of stale) {
    await giveUp(ctx, unparked(p), `waited since ${p.parkedAt} and could not apply: ${p.reason}`);
    await ctx.store.dropParked(p.eventId);
  }
  // Events behind those may apply now (or be swept in turn).
  for (const caseId of new Set(stale.map((p) => p.caseId))) await drainParked(ctx, caseId);
  return stale.length;
}
