/**
 * Sends what can never apply to the region's dead-letter topic, with the reason and an alert.
 *
 * A bus record's key and headers are not signed: whoever wrote the record chose them, and a
 * malformed or hostile one may put a whole case, personal data included, in them. So nothing
 * keeps them as they came: the message log and the DLQ name a record by what its verified
 * envelope says, and by digests of the rest, which an operator holding the original can match.
 */
import { createHash } from "node:crypto";
import { dlqTopic } from "../domain/events.js";
import { checkRecordId } from "../domain/ids.js";
import type { RefusalKind, RegionContext } from "../usecases/context.js";
import type { Accepted, Received } from "./received.js";

/** `sha256:<hex>` of a text: how a record's unverified key is named. */
function digest(text: string): string {
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

/** The envelope of a record, when its signature verified (whatever else it was refused for). */
function verified(msg: Received) {
  const unverified = msg.refusal?.kind === "invalid" || msg.refusal?.kind === "signature";
  return unverified ? undefined : msg.env;
}

/**
 * The case a received record is about, as the log, the DLQ and log lines may name it: an envelope
 * that decoded and passed its checks names it (its ids were checked for shape when decoded); otherwise
 * the record's key when it has the shape of a case id, else the key's digest.
 */
export function recordCaseId(msg: Received): string {
  const named = msg.refusal?.kind !== "invalid" && msg.env?.caseId;
  if (named) return named;
  return checkRecordId(msg.key) === undefined ? msg.key : digest(msg.key);
}

/**
 * The headers a dead letter carries over: the routing headers that agree with the verified envelope,
 * and one digest of all the headers as they came (names and values, sorted).
 */
function carriedHeaders(msg: Received): Record<string, string> {
  const env = verified(msg);
  const kept: Record<string, string> = {};
  if (env) {
    const truth: Record<string, string> = {
      "xr-source": env.sourceRegion,
      "xr-target": env.targetRegion,
      "xr-type": env.payload.type,
      traceparent: env.traceparent,
    };
    for (const [name, value] of Object.entries(truth)) if (msg.headers[name] === value) kept[name] = value;
  }
  const all = Object.entries(msg.headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  kept["xr-dlq-headers-sha256"] = digest(JSON.stringify(all)).slice("sha256:".length);
  return kept;
}

/** Publishes `msg` to `xr.v1.dlq.<region>` with `xr-dlq-*` headers and logs an alert. */
export async function deadLetter(
  ctx: RegionContext,
  msg: Received,
  reason: string,
): Promise<"dead-lettered"> {
  const caseId = recordCaseId(msg);
  // Logged first: if the log cannot be written this throws, and the bus delivers the record again.
  await ctx.store.appendLog([
    {
      direction: "refused",
      eventId: msg.env?.eventId ?? "",
      caseId,
      // Only a verified envelope says who sent it; a header or an unverified envelope only claims to.
      peer: verified(msg)?.sourceRegion ?? "",
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
        ...carriedHeaders(msg),
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
