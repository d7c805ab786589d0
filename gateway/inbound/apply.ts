/** Applying one received event to the ledger, and what to do when it fails. */
import type { Envelope } from "../codec/envelope.js";
import { CaseStatus, FINAL_STATUSES } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import { applyEvent, RECORDED_WHEN_CLOSED } from "../domain/lifecycle.js";
import { notificationsFor } from "../domain/notifications.js";
import { replyTo } from "../domain/replies.js";
import { systemActor } from "../domain/staff.js";
import type { RegionContext } from "../usecases/context.js";
import { emit } from "../usecases/emit.js";

/**
 * What to do with an event that failed to apply. A retriable failure (the
 * ledger unavailable, a concurrent writer) is thrown again, to the pipeline's
 * retry policy; a missing case or a status the event does not fit yet may be
 * cured by events still on their way, unless the case is final (and the
 * event is not one that applies to a closed case, RECORDED_WHEN_CLOSED); anything
 * else never applies.
 */
export async function dispose(
  ctx: RegionContext,
  env: Envelope,
  err: unknown,
): Promise<"park" | "dead-letter"> {
  const e = XrError.from(err);
  if (e.retriable) throw err;
  if (e.code === ErrorCode.NOT_FOUND) return "park";
  if (e.code === ErrorCode.FAILED_PRECONDITION) {
    const current = await ctx.store.getCase(env.caseId);
    const closed = current && FINAL_STATUSES.has(current.status);
    return closed && !RECORDED_WHEN_CLOSED.has(env.payload.type) ? "dead-letter" : "park";
  }
  return "dead-letter";
}

/**
 * Applies one envelope whose predecessors are in; throws when it cannot apply now. When this region answers
 * the event by itself (domain/replies.ts), the answer commits with it: one is never without the other.
 */
export async function applyOne(ctx: RegionContext, env: Envelope, unparkEventId?: string): Promise<void> {
  const { eventId, caseId, sourceRegion, sequence, digest, raw } = env;
  const current = await ctx.store.getCase(caseId);
  // A partner's event is never refused for this region's calendar: the clock then stays as it was.
  const applied = applyEvent(current, env, { received: true, rules: ctx.clockRules, uncovered: "keep" });
  let next = applied;
  // The handling and collaborating regions first see a case once it was forwarded.
  if (current === undefined) next = { ...next, status: CaseStatus.FORWARDED };
  const answer = replyTo(next, env, ctx.region);
  // The gateway itself answers (经办人: the region's gateway, not a staff member).
  const gateway = systemActor(
    `gateway:${ctx.region}`,
    `${ctx.federation.regions.get(ctx.region)?.name ?? ctx.region}网关`,
  );
  const reply = answer && (await emit(ctx, caseId, next, answer, env.traceparent, gateway));
  // The event reads as the lifecycle left it, as at the intake region (SUBMITTED there too); the case's
  // status here says it was forwarded (issue 16: one event, one reading at every party).
  const events = [
    { ...env, statusAfter: current === undefined ? applied.status : next.status },
    ...(reply ? [reply.event] : []),
  ];
  await ctx.store.commit({
    state: reply?.next ?? next,
    expectedVersion: current?.version ?? 0,
    events,
    outbox: reply?.outbox ?? [],
    inbox: { eventId, caseId, sourceRegion, sequence, ...(digest ? { digest } : {}) },
    ...(unparkEventId ? { unparkEventId } : {}),
    log: raw
      ? [
          {
            direction: "received",
            eventId,
            caseId,
            peer: sourceRegion,
            at: ctx.clock.now().toISOString(),
            value: raw,
          },
          ...(reply?.log ?? []),
        ]
      : (reply?.log ?? []),
    // Issue 18: the applicant's SMS for these events, queued with them at the intake region.
    notifications: notificationsFor(reply?.next ?? next, events, ctx.region),
  });
  if (reply) ctx.outboxChanged();
  ctx.changes.changed(caseId, true);
  ctx.log.info({ caseId, type: env.payload.type, from: sourceRegion }, "event applied");
  if (reply) ctx.log.info({ caseId, type: answer?.type, status: next.status }, "answered by this gateway");
}
