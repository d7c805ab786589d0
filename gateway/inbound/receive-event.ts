/**
 * The inbox: applies events that partner regions sent to this region, each
 * exactly once and in per-source order. Duplicates are skipped; an event
 * that arrives before its predecessor (or before the state it needs, when
 * several regions send about one case) is parked until it can apply; what can
 * never apply goes to the region's dead-letter topic with the reason.
 */
import { decodeEnvelope, type Envelope } from "../codec/envelope.js";
import { CaseStatus } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import { dlqTopic } from "../domain/events.js";
import { applyEvent } from "../domain/lifecycle.js";
import type { BusRecord } from "../ports/bus.js";
import type { RegionContext } from "../usecases/context.js";
import { retryOnConflict } from "../usecases/emit.js";

/** Parked events a case may hold before newer ones are dead-lettered. */
export const MAX_PARKED_PER_CASE = 100;

/** What became of a received record. */
export type ReceiveOutcome = "applied" | "duplicate" | "parked" | "dead-lettered";

/** Errors that depend on state that may still arrive: park, do not reject. */
function mayApplyLater(err: unknown): boolean {
  return (
    err instanceof XrError && (err.code === ErrorCode.NOT_FOUND || err.code === ErrorCode.FAILED_PRECONDITION)
  );
}

async function deadLetter(
  ctx: RegionContext,
  record: BusRecord,
  reason: string,
  caseId?: string,
): Promise<void> {
  await ctx.bus.publish([
    {
      topic: dlqTopic(ctx.region),
      key: caseId ?? record.key,
      value: record.value,
      headers: {
        ...record.headers,
        "xr-dlq-reason": reason,
        "xr-dlq-topic": record.topic,
        "xr-dlq-partition": String(record.partition),
        "xr-dlq-offset": String(record.offset),
      },
    },
  ]);
  ctx.log.error(
    { alert: "dead-letter", topic: record.topic, offset: record.offset, caseId, reason },
    "event dead-lettered",
  );
}

/** Applies one envelope whose predecessors are in; throws when it cannot apply now. */
async function applyOne(ctx: RegionContext, env: Envelope, unparkEventId?: string): Promise<void> {
  await retryOnConflict(async () => {
    const current = await ctx.store.getCase(env.caseId);
    let next = applyEvent(current, env);
    // The handling and collaborating regions first see a case once it was forwarded.
    if (current === undefined && ctx.region !== env.sourceRegion)
      next = { ...next, status: CaseStatus.FORWARDED };
    await ctx.store.commit({
      state: next,
      expectedVersion: current?.version ?? 0,
      events: [{ ...env, statusAfter: next.status }],
      outbox: [],
      inbox: {
        eventId: env.eventId,
        caseId: env.caseId,
        sourceRegion: env.sourceRegion,
        sequence: env.sequence,
      },
      ...(unparkEventId ? { unparkEventId } : {}),
    });
  });
}

/** Applies parked events of a case that have become applicable, until none is. */
async function drainParked(ctx: RegionContext, caseId: string): Promise<void> {
  for (let progress = true; progress; ) {
    progress = false;
    for (const parked of await ctx.store.parkedFor(caseId)) {
      const applied = await ctx.store.appliedSequence(caseId, parked.sourceRegion);
      if (parked.sequence !== applied + 1) continue;
      const env = decodeEnvelope(parked.value);
      try {
        await applyOne(ctx, env, parked.eventId);
        progress = true;
      } catch (err) {
        if (!mayApplyLater(err)) throw err;
      }
    }
  }
}

/** Bus handler of a region's inbox topics. Rejects only for retriable failures. */
export async function receiveRecord(ctx: RegionContext, record: BusRecord): Promise<ReceiveOutcome> {
  let env: Envelope;
  try {
    env = decodeEnvelope(record.value);
  } catch (err) {
    await deadLetter(ctx, record, XrError.from(err).message);
    return "dead-lettered";
  }
  if (env.targetRegion !== ctx.region) {
    await deadLetter(ctx, record, `addressed to ${env.targetRegion}, received by ${ctx.region}`, env.caseId);
    return "dead-lettered";
  }
  if (await ctx.store.hasApplied(env.eventId)) return "duplicate";
  const applied = await ctx.store.appliedSequence(env.caseId, env.sourceRegion);
  if (env.sequence <= applied) {
    await deadLetter(
      ctx,
      record,
      `sequence ${env.sequence} from ${env.sourceRegion} is taken by another event`,
      env.caseId,
    );
    return "dead-lettered";
  }
  const park = async (why: string): Promise<ReceiveOutcome> => {
    if ((await ctx.store.countParked(env.caseId)) >= MAX_PARKED_PER_CASE) {
      await deadLetter(ctx, record, `parking limit reached while ${why}`, env.caseId);
      return "dead-lettered";
    }
    await ctx.store.park({
      eventId: env.eventId,
      caseId: env.caseId,
      sourceRegion: env.sourceRegion,
      sequence: env.sequence,
      value: record.value,
      parkedAt: ctx.clock.now().toISOString(),
    });
    ctx.log.warn({ caseId: env.caseId, eventId: env.eventId, why }, "event parked");
    return "parked";
  };
  if (env.sequence > applied + 1) return park(`waiting for sequence ${applied + 1} from ${env.sourceRegion}`);
  try {
    await applyOne(ctx, env);
  } catch (err) {
    if (mayApplyLater(err)) return park((err as XrError).message);
    const e = XrError.from(err);
    if (e.retriable || e.code === ErrorCode.INTERNAL) throw e;
    await deadLetter(ctx, record, e.message, env.caseId);
    return "dead-lettered";
  }
  ctx.log.info({ caseId: env.caseId, type: env.payload.type, from: env.sourceRegion }, "event applied");
  await drainParked(ctx, env.caseId);
  return "applied";
}
