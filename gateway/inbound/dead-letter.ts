/** Sends what can never apply to the region's dead-letter topic, with the reason and an alert. */
import { decodeEnvelope } from "../codec/envelope.js";
import { dlqTopic } from "../domain/events.js";
import type { RefusalKind, RegionContext } from "../usecases/context.js";

/** Where a dead letter came from. */
export interface DeadLetterSource {
  readonly topic: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly partition?: number;
  readonly offset?: number;
}

function eventIdOf(value: Uint8Array): string {
  try {
    return decodeEnvelope(value).eventId;
  } catch {
    return "";
  }
}

/** Publishes `source` to `xr.v1.dlq.<region>` with `xr-dlq-*` headers and logs an alert. */
export async function deadLetter(
  ctx: RegionContext,
  source: DeadLetterSource,
  reason: string,
  caseId?: string,
): Promise<void> {
  // Logged first: if the log cannot be written this throws, and the bus delivers the record again.
  await ctx.store.appendLog([
    {
      direction: "refused",
      eventId: eventIdOf(source.value),
      caseId: caseId ?? source.key,
      peer: source.headers["xr-source"] ?? "",
      at: ctx.clock.now().toISOString(),
      value: source.value,
    },
  ]);
  await ctx.bus.publish([
    {
      topic: dlqTopic(ctx.region),
      key: caseId ?? source.key,
      value: source.value,
      headers: {
        ...source.headers,
        "xr-dlq-reason": reason,
        "xr-dlq-topic": source.topic,
        "xr-dlq-partition": String(source.partition ?? ""),
        "xr-dlq-offset": String(source.offset ?? ""),
      },
    },
  ]);
  ctx.log.error(
    { alert: "dead-letter", topic: source.topic, offset: source.offset, caseId, reason },
    "event dead-lettered",
  );
}

/**
 * Refuses an envelope that must not be applied (forged, altered, replayed,
 * misaddressed, outside the agreement): dead-lettered with the reason, and
 * counted by kind. It does not take its sequence's turn: the genuine event
 * for that position can still arrive.
 */
export async function refuse(
  ctx: RegionContext,
  source: DeadLetterSource,
  kind: RefusalKind,
  reason: string,
  caseId?: string,
): Promise<void> {
  ctx.refused(kind, source.topic);
  await deadLetter(ctx, source, `${kind}: ${reason}`, caseId);
}

/**
 * Dead-letters an event that was next in line from its source and records
 * its sequence as consumed, so that the source's later events can proceed.
 */
export async function deadLetterInTurn(
  ctx: RegionContext,
  env: {
    readonly eventId: string;
    readonly caseId: string;
    readonly sourceRegion: string;
    readonly sequence: number;
    readonly digest?: string | undefined;
  },
  source: DeadLetterSource,
  reason: string,
): Promise<void> {
  await deadLetter(ctx, source, reason, env.caseId);
  await ctx.store.recordDeadLettered({
    eventId: env.eventId,
    caseId: env.caseId,
    sourceRegion: env.sourceRegion,
    sequence: env.sequence,
    ...(env.digest ? { digest: env.digest } : {}),
  });
}
