/**
 * Builds an event that this region emits: its sequence, the new state it
 * leads to (checked by the lifecycle), and one outbox message per other party.
 */
import { type Envelope, encodeEnvelope, SCHEMA_VERSION } from "../codec/envelope.js";
import { seal } from "../codec/sealed.js";
import { type CaseState, caseParties } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { Actor, EventPayload, LedgerEvent } from "../domain/events.js";
import { topicFor } from "../domain/events.js";
import { applyEvent } from "../domain/lifecycle.js";
import { payloadFor } from "../domain/minimize.js";
import { notificationsFor } from "../domain/notifications.js";
import { agreementIssues } from "../domain/submission.js";
import type { IdempotencyKey, LogEntry, OutboxMessage } from "../ports/store.js";
import type { RegionContext } from "./context.js";
import type { CaseOutcome } from "./idempotency.js";
import { childTraceparent } from "./trace.js";

/** The envelope's bytes, signed by this region (the signature covers every other byte). */
function signed(ctx: RegionContext, env: Envelope): Uint8Array {
  const unsigned = encodeEnvelope(env);
  return seal(unsigned, ctx.signer.sign(unsigned));
}

/** An emitted event with what to commit alongside it. */
export interface Emitted {
  readonly event: LedgerEvent;
  readonly next: CaseState;
  readonly outbox: OutboxMessage[];
  /** The envelopes of `outbox`, for the message log. */
  readonly log: LogEntry[];
}

/** Plans one event of this region for a case (undefined before submission). */
export async function emit(
  ctx: RegionContext,
  caseId: string,
  current: CaseState | undefined,
  payload: EventPayload,
  traceparent: string,
  actor?: Actor,
): Promise<Emitted> {
  // A new case has no events yet: skip the lookup on the intake hot path.
  const sequence = current === undefined ? 1 : (await ctx.store.appliedSequence(caseId, ctx.region)) + 1;
  const base = {
    eventId: ctx.ids.next(),
    caseId,
    sourceRegion: ctx.region,
    sequence,
    occurredAt: ctx.clock.now().toISOString(),
    payload,
    ...(actor ? { actor } : {}),
  };
  // This region acts: a time limit its calendar cannot count refuses the action (CALENDAR_UNCOVERED).
  const next = applyEvent(current, base, { rules: ctx.clockRules, uncovered: "throw" });
  // Agreements can change while a case is open: nothing goes out that they no longer cover.
  const uncovered = agreementIssues(ctx.federation, next);
  if (uncovered.length > 0) {
    throw new XrError(
      ErrorCode.PERMISSION_DENIED,
      `the cooperation agreements no longer cover case ${caseId}: ${uncovered.map((d) => d.issue).join("; ")}`,
      { details: uncovered },
    );
  }
  const event: LedgerEvent = { ...base, statusAfter: next.status };
  const trace = childTraceparent(traceparent);
  const outbox = caseParties(next)
    .filter((r) => r !== ctx.region)
    .map((target) => ({
      topic: topicFor(payload.type, target),
      key: caseId,
      value: signed(ctx, {
        ...base,
        payload: payloadFor(payload, target, next),
        targetRegion: target,
        schemaVersion: SCHEMA_VERSION,
        traceparent: trace,
        signature: new Uint8Array(),
        keyId: ctx.signer.keyId,
      }),
      headers: { "xr-source": ctx.region, "xr-target": target, "xr-type": payload.type, traceparent: trace },
    }));
  const log = outbox.map(
    (m): LogEntry => ({
      direction: "sent",
      eventId: base.eventId,
      caseId,
      peer: m.headers["xr-target"] as string,
      at: base.occurredAt,
      value: m.value,
    }),
  );
  return { event, next, outbox, log };
}

/**
 * Commits what {@link emit} planned (the new state, its event, outbox and log
 * entries, and the new state as the answer to an idempotency key), then wakes
 * the outbox relay and the case's watchers.
 */
export async function commitEmitted(
  ctx: RegionContext,
  emitted: Emitted,
  expectedVersion: number,
  idempotency: IdempotencyKey | undefined,
): Promise<CaseOutcome> {
  await ctx.store.commit({
    state: emitted.next,
    expectedVersion,
    events: [emitted.event],
    outbox: emitted.outbox,
    log: emitted.log,
    ...(idempotency ? { idempotency } : {}),
    // Issue 18: the applicant's SMS for this event, queued with it (sent by the notification relay).
    notifications: notificationsFor(emitted.next, [emitted.event], ctx.region),
  });
  ctx.outboxChanged();
  ctx.changes.changed(emitted.next.caseId);
  return { state: emitted.next, events: [emitted.event], replayed: false };
}

/** Runs `attempt` again when a concurrent change to the same case won the race. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof XrError && err.code === ErrorCode.CONFLICT) || i >= tries) throw err;
    }
  }
}
