/** Sends what can never apply to the region's dead-letter topic, with the reason and an alert. */
import { dlqTopic } from "../domain/events.js";
import type { RefusalKind, RegionContext } from "../usecases/context.js";
import type { Accepted, Received } from "./received.js";

/** Publishes `msg` to `xr.v1.dlq.<region>` with `xr-dlq-*` headers and logs an alert. */
export async function deadLetter(
  ctx: RegionContext,
  msg: Received,
  reason: string,
): Promise<"dead-lettered"> {
  // An envelope that failed its checks does not get to name the case: the record key does.
  const caseId = (msg.refusal?.kind !== "invalid" && msg.env?.caseId) || msg.key;
  // Logged first: if the log cannot be written this throws, and the bus delivers the record again.
  await ctx.store.appendLog([
    {
      direction: "refused",
      eventId: msg.env?.eventId ?? "",
      caseId,
      peer: msg.headers["xr-source"] ?? "",
      at: ctx.clock.now().toISOString(),
      value: msg.value,
    },
  ]);
  await ctx.bus.publish([
    {
      topic: dlqTopic(ctx.region),
      key: caseId,
      value: msg.value,
      headers: {
        ...msg.headers,
        "xr-dlq-reason": reason,
        "xr-dlq-topic": msg.topic,
        "xr-dlq-partition": String(msg.partition ?? ""),
        "xr-dlq-offset": String(msg.offset ?? ""),
      },
    },
  ]);
  ctx.log.error(
    { alert: "dead-letter", topic: msg.topic, offset: msg.offset, caseId, reason },
    "event dead-lettered",
  );
  return "dead-lettered";
}

/**
 * Refuses an envelope that must not be applied (forged, altered, replayed,
 * misaddressed, outside the agreement): dead-lettered with the reason, and
 * counted by kind. It does not take its sequence's turn: the genuine event
 * for that position can still arrive.
 */
export function refuse(
  ctx: RegionContext,
  msg: Received,
  kind: RefusalKind,
  reason: string,
): Promise<"dead-lettered"> {
  ctx.refused(kind, msg.topic);
  return deadLetter(ctx, msg, `${kind}: ${reason}`);
}

/**
 * Dead-letters a genuine event that will never apply; when it was next in
 * line from its source, its sequence counts as consumed, so that the source's
 * later events can proceed.
 */
export async function giveUp(ctx: RegionContext, msg: Accepted, reason: string): Promise<"dead-lettered"> {
  const { eventId, caseId, sourceRegion, sequence, digest } = msg.env;
  await deadLetter(ctx, msg, reason);
  if (sequence === (await ctx.store.appliedSequence(caseId, sourceRegion)) + 1) {
    await ctx.store.recordDeadLettered({
      eventId,
      caseId,
      sourceRegion,
      sequence,
      ...(digest ? { digest } : {}),
    });
  }
  return "dead-lettered";
}
