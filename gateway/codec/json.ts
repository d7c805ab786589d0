/**
 * Canonical proto3 JSON (lowerCamelCase, enums as strings, Timestamps as
 * RFC 3339, 64-bit integers as strings) of the REST responses. Typed against
 * the interfaces generated from protos/ so a renamed field fails to compile.
 */
import { cstDate } from "../domain/calendar.js";
import { type CaseState, heldBy, type Material, OPEN_STATUSES, type Suspension } from "../domain/case.js";
import { type CaseClock, type Light, lightOf } from "../domain/deadline.js";
import type { LedgerEvent } from "../domain/events.js";
import type { Matter } from "../domain/matter.js";
import type { CaseRating } from "../domain/rating.js";
import type { Case as ProtoCase } from "../generated/xr/v1/Case.js";
import type { CaseEvent as ProtoCaseEvent } from "../generated/xr/v1/CaseEvent.js";
import type { Material as ProtoMaterial } from "../generated/xr/v1/Material.js";
import type { Matter as ProtoMatter } from "../generated/xr/v1/Matter.js";

type Json<T, TimeKeys extends keyof T> = Omit<T, TimeKeys | `_${string}`> & { [K in TimeKeys]: string };

/** JSON of `xr.v1.Case`. */
export type CaseJson = Omit<
  Json<ProtoCase, "submittedAt" | "updatedAt">,
  "materials" | "withdrawalRequest" | "clock" | "light" | "suspension"
> & {
  materials: Array<Omit<ProtoMaterial, "sizeBytes"> & { sizeBytes: string }>;
  withdrawalRequest?: { reason: string; requestedAt: string };
  /** The clock (issue 17), dates not known yet left out, as proto3 JSON leaves unset fields. */
  clock?: Record<string, unknown>;
  /** The 电子监察 light of an open case with a clock; absent once closed. */
  light?: Light;
  suspension?: Suspension;
  /** 好差评 (issue 18): the applicant's rating and the rectification it opened, if rated. */
  rating?: CaseRating;
};

/** A clock as `xr.v1.CaseClock` JSON: null members (not known yet) are left out. */
function clockToJson(clock: CaseClock): Record<string, unknown> {
  return Object.fromEntries(Object.entries(clock).filter(([, v]) => v !== null));
}

/** JSON of `xr.v1.CaseEvent`. */
export type CaseEventJson = Json<ProtoCaseEvent, "occurredAt"> & Record<string, unknown>;

const materialsToJson = (materials: readonly Material[]) =>
  materials.map((m) => ({ ...m, sizeBytes: String(m.sizeBytes) }));

/**
 * Whether an open case is overdue on `today` (YYYY-MM-DD, CST): its clock is red (a breach recorded stays
 * recorded, whatever the case went through since); a case without a clock goes by its promised deadline.
 */
export function isOverdue(c: CaseState, today: string): boolean {
  if (!OPEN_STATUSES.includes(c.status)) return false;
  if (c.clock !== undefined) return lightOf(c.clock, today) === "RED";
  return c.deadline !== "" && c.deadline < today;
}

/** `xr.v1.Case` as JSON, with the derived `overdue` and `heldBy`. */
export function caseToJson(c: CaseState, today: string): CaseJson {
  const { approved, clock, suspension, rating, ...rest } = c;
  const json: CaseJson = {
    ...rest,
    collaboratingRegions: [...c.collaboratingRegions],
    requestedMaterialCodes: [...c.requestedMaterialCodes],
    subtasks: c.subtasks.map((s) => ({
      ...s,
      takenUp: s.takenUp ?? false,
      cancelled: s.cancelled ?? false,
      assignedAt: s.assignedAt ?? "",
      replacedBy: s.replacedBy ?? "",
    })),
    materials: materialsToJson(c.materials),
    overdue: isOverdue(c, today),
    heldBy: heldBy(c),
  };
  if (approved !== undefined) json.approved = approved;
  if (clock !== undefined) json.clock = clockToJson(clock);
  const light = OPEN_STATUSES.includes(c.status) ? lightOf(clock, today) : null;
  if (light !== null) json.light = light;
  if (suspension !== undefined) json.suspension = suspension;
  if (rating !== undefined) json.rating = rating;
  return json;
}

/** A case as a write answered it: overdue as of that write, so that a replay renders the same answer. */
export function answeredCaseToJson(c: CaseState): CaseJson {
  return caseToJson(c, cstDate(new Date(c.updatedAt)));
}

/** `xr.v1.CaseEvent` as JSON: the payload sits under its oneof field name. */
export function eventToJson(e: LedgerEvent, today: string): CaseEventJson {
  const { type, ...fields } = e.payload as { type: string } & Record<string, unknown>;
  const payloadField = type[0]?.toLowerCase() + type.slice(1);
  let body: Record<string, unknown> = fields;
  if (e.payload.type === "CaseSubmitted") body = { case: caseToJson(e.payload.case, today) };
  if (e.payload.type === "SupplementProvided") body = { materials: materialsToJson(e.payload.materials) };
  return {
    eventId: e.eventId,
    caseId: e.caseId,
    type,
    sourceRegion: e.sourceRegion,
    sequence: e.sequence,
    occurredAt: e.occurredAt,
    statusAfter: e.statusAfter,
    ...(e.actor ? { actor: { ...e.actor } } : {}),
    [payloadField]: body,
  };
}

/** `xr.v1.Matter` as JSON. */
export function matterToJson(m: Matter): ProtoMatter {
  const { applicant: _a, ...rest } = m;
  return { ...rest, modes: [...m.modes], materials: m.materials.map((x) => ({ ...x })) };
}
