/**
 * Encoding of case events as `xr.v1.Envelope` protobuf bytes: the value of
 * every bus record, on Kafka and on the embedded bus alike.
 */
import { createHash } from "node:crypto";
import type { CaseState, Material, Subtask } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import {
  type Actor,
  type CaseEvent,
  EVENT_KIND,
  type EventPayload,
  type EventType,
} from "../domain/events.js";
import { checkRecordId, checkRegionCode } from "../domain/ids.js";
import { fromTimestamp, toTimestamp, xrType } from "./proto.js";

/** Schema version written by this gateway; others are refused (DLQ). */
export const SCHEMA_VERSION = 1;

/** A decoded envelope: a case event addressed to one region. */
export interface Envelope extends CaseEvent {
  readonly targetRegion: string;
  readonly schemaVersion: number;
  readonly traceparent: string;
  readonly signature: Uint8Array;
  readonly keyId: string;
  /** sha256 (hex) of the bytes it was decoded from; set by {@link decodeEnvelope}. */
  readonly digest?: string;
  /** The bytes it was decoded from (for the message log); set by {@link decodeEnvelope}. */
  readonly raw?: Uint8Array;
}

const oneofName = (type: EventType): string => type[0]?.toLowerCase() + type.slice(1);

/** A case in the object form protobufjs takes (timestamps as messages). */
export function caseToProtoObject(c: CaseState): Record<string, unknown> {
  // The clock and a suspension are each party's own fold (issue 17): they do not travel.
  const { withdrawalRequest: w, clock: _c, suspension: _s, rating: _r, ...rest } = c;
  const times = { submittedAt: toTimestamp(c.submittedAt), updatedAt: toTimestamp(c.updatedAt) };
  if (w === undefined) return { ...rest, ...times };
  return { ...rest, ...times, withdrawalRequest: { ...w, requestedAt: toTimestamp(w.requestedAt) } };
}

function materialFrom(m: Record<string, unknown>): Material {
  return {
    materialCode: String(m.materialCode ?? ""),
    name: String(m.name ?? ""),
    sha256: String(m.sha256 ?? ""),
    sizeBytes: Number(m.sizeBytes ?? 0),
    mediaType: String(m.mediaType ?? ""),
  };
}

/** A subtask with the fields proto3 defaults would add left out while unset (as the lifecycle keeps it). */
function subtaskFrom(o: Record<string, unknown>): Subtask {
  const { takenUp, cancelled, assignedAt, replacedBy, ...rest } = o;
  return {
    ...(rest as unknown as Subtask),
    ...(takenUp ? { takenUp: true } : {}),
    ...(cancelled ? { cancelled: true } : {}),
    ...(assignedAt ? { assignedAt: String(assignedAt) } : {}),
    ...(replacedBy ? { replacedBy: String(replacedBy) } : {}),
  };
}

/** The inverse of {@link caseToProtoObject}, from protobufjs `toObject` output. */
export function caseFromProtoObject(o: Record<string, unknown>): CaseState {
  const {
    submittedAt,
    updatedAt,
    materials,
    subtasks,
    heldBy: _h,
    overdue: _o,
    approved,
    withdrawalRequest,
    clock: _c,
    light: _l,
    suspension: _s,
    rating: _r,
    ...rest
  } = o;
  const base: CaseState = {
    ...(rest as unknown as CaseState),
    materials: ((materials as Record<string, unknown>[]) ?? []).map(materialFrom),
    subtasks: ((subtasks as Record<string, unknown>[]) ?? []).map(subtaskFrom),
    submittedAt: fromTimestamp(submittedAt as { seconds: number; nanos: number }),
    updatedAt: fromTimestamp(updatedAt as { seconds: number; nanos: number }),
  };
  const w = withdrawalRequest as { reason?: string; requestedAt?: { seconds: number; nanos: number } } | null;
  const pending = w
    ? {
        ...base,
        withdrawalRequest: { reason: String(w.reason ?? ""), requestedAt: fromTimestamp(w.requestedAt) },
      }
    : base;
  return approved === undefined ? pending : { ...pending, approved: Boolean(approved) };
}

function payloadToObject(p: EventPayload): Record<string, unknown> {
  const { type: _t, ...fields } = p as EventPayload & Record<string, unknown>;
  if (p.type === "CaseSubmitted") return { case: caseToProtoObject(p.case) };
  return fields;
}

function payloadFromObject(type: EventType, o: Record<string, unknown>): EventPayload {
  if (type === "CaseSubmitted") return { type, case: caseFromProtoObject(o.case as Record<string, unknown>) };
  if (type === "SupplementProvided") {
    return { type, materials: ((o.materials as Record<string, unknown>[]) ?? []).map(materialFrom) };
  }
  return { type, ...o } as EventPayload;
}

/** Encodes an envelope to protobuf bytes. */
export function encodeEnvelope(e: Envelope): Uint8Array {
  const T = xrType("Envelope");
  const msg = T.fromObject({
    eventId: e.eventId,
    caseId: e.caseId,
    type: e.payload.type,
    sourceRegion: e.sourceRegion,
    targetRegion: e.targetRegion,
    occurredAt: toTimestamp(e.occurredAt),
    sequence: e.sequence,
    schemaVersion: e.schemaVersion,
    traceparent: e.traceparent,
    [oneofName(e.payload.type)]: payloadToObject(e.payload),
    signature: e.signature,
    keyId: e.keyId,
    ...(e.actor ? { actor: e.actor } : {}),
  });
  return T.encode(msg).finish();
}

const PAYLOAD_FIELDS = new Set(Object.keys(EVENT_KIND).map((t) => oneofName(t as EventType)));

/**
 * Envelope fields that logs and dead-letter headers name, with their checks. A record whose ids have
 * another shape is refused when decoded: bytes a malformed record put in them may be a whole case,
 * personal data included.
 */
const NAMED_FIELDS = [
  ["eventId", checkRecordId],
  ["caseId", checkRecordId],
  ["sourceRegion", checkRegionCode],
  ["targetRegion", checkRegionCode],
] as const;

/** Decodes protobuf bytes; throws INVALID_ARGUMENT (not retriable) on anything malformed. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const T = xrType("Envelope");
  let o: Record<string, unknown>;
  try {
    o = T.toObject(T.decode(bytes), {
      enums: String,
      longs: Number,
      defaults: true,
      arrays: true,
    });
  } catch (err) {
    throw new XrError(ErrorCode.INVALID_ARGUMENT, `undecodable envelope: ${(err as Error).message}`, {
      origin: "remote",
      cause: err,
    });
  }
  const id = checkRecordId(String(o.eventId)) === undefined ? String(o.eventId) : "(no valid event id)";
  const bad = (issue: string) =>
    new XrError(ErrorCode.INVALID_ARGUMENT, `invalid envelope ${id}: ${issue}`, {
      origin: "remote",
    });
  if (o.schemaVersion !== SCHEMA_VERSION) throw bad(`unsupported schema version ${String(o.schemaVersion)}`);
  const type = String(o.type);
  // Virtual oneof fields would leak into nested objects (applicant.kind), so find the payload by hand.
  const field = Object.keys(o).find((k) => PAYLOAD_FIELDS.has(k) && o[k] !== null && o[k] !== undefined);
  if (!Object.hasOwn(EVENT_KIND, type) || field !== oneofName(type as EventType)) {
    throw bad(`type ${type} does not match payload ${String(field)}`);
  }
  if (!o.eventId || !o.caseId || !o.sourceRegion || !o.targetRegion || Number(o.sequence) < 1) {
    throw bad("eventId, caseId, sourceRegion, targetRegion and sequence are required");
  }
  for (const [name, check] of NAMED_FIELDS) {
    const issue = check(String(o[name]));
    if (issue) throw bad(`${name} ${issue}`);
  }
  return {
    eventId: String(o.eventId),
    caseId: String(o.caseId),
    sourceRegion: String(o.sourceRegion),
    targetRegion: String(o.targetRegion),
    sequence: Number(o.sequence),
    occurredAt: fromTimestamp(o.occurredAt as { seconds: number; nanos: number }),
    schemaVersion: Number(o.schemaVersion),
    traceparent: String(o.traceparent ?? ""),
    signature: (o.signature as Uint8Array) ?? new Uint8Array(),
    digest: createHash("sha256").update(bytes).digest("hex"),
    raw: bytes,
    keyId: String(o.keyId ?? ""),
    payload: payloadFromObject(type as EventType, (o[field] as Record<string, unknown>) ?? {}),
    ...actorFrom(o.actor, bad),
  };
}

/** The envelope's actor, if it names one; a malformed one is refused like any other bad field. */
function actorFrom(o: unknown, bad: (issue: string) => XrError): { actor?: Actor } {
  if (o === null || o === undefined) return {};
  const a = o as Record<string, unknown>;
  const kind = String(a.kind ?? "");
  if (kind !== "staff" && kind !== "system") throw bad(`actor.kind ${kind} is neither staff nor system`);
  const staffId = String(a.staffId ?? "");
  const displayName = String(a.displayName ?? "");
  if (staffId === "" || staffId.length > 200 || displayName.length > 100) {
    throw bad("actor.staffId must be 1-200 characters and actor.displayName at most 100");
  }
  return { actor: { staffId, displayName, kind, role: String(a.role ?? "") } };
}
