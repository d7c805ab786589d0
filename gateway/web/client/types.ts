/**
 * What the page reads from the REST API, typed from the domain so a renamed
 * field fails to compile here too. JSON differs from the domain only where
 * codec/json.ts says: 64-bit sizes as strings, plus `overdue`, `heldBy` and `light`; the clock's dates not
 * known yet are absent rather than null.
 */
import type { ActionType } from "../../domain/actions.js";
import type { CaseState, Material } from "../../domain/case.js";
import type { Light } from "../../domain/deadline.js";
import type { Actor, EventType } from "../../domain/events.js";
import type { Matter } from "../../domain/matter.js";

/** `xr.v1.Material` as JSON. */
export type MaterialJson = Omit<Material, "sizeBytes"> & { readonly sizeBytes: string };

/** `xr.v1.Case` as `GET /cases/{id}` renders it. */
export type CaseJson = Omit<CaseState, "materials"> & {
  readonly materials: readonly MaterialJson[];
  readonly overdue: boolean;
  readonly heldBy: string;
  /** 电子监察 light of an open case (issue 17); absent once closed or for a case without a clock. */
  readonly light?: Light;
};

/** `xr.v1.CaseEvent` as JSON: the payload sits under its lowerCamelCase type name. */
export interface EventJson {
  readonly eventId: string;
  readonly caseId: string;
  readonly type: EventType;
  readonly sourceRegion: string;
  readonly sequence: number;
  readonly occurredAt: string;
  readonly statusAfter: CaseState["status"];
  /** 经办人; absent on events of gateways older than `xr.v1.Actor`. */
  readonly actor?: Actor | undefined;
  readonly [payload: string]: unknown;
}

/** `xr.v1.Matter` as `GET /regions/{code}/matters` renders it. */
export type MatterJson = Omit<Matter, "applicant"> & {
  /**
   * The modes this region may file the matter in under the cooperation agreements (`GET /regions/{code}/matters`
   * answers it; absent where a matter comes from elsewhere).
   */
  readonly allowedModes?: readonly string[];
};

/** A member of the federation as `GET /regions` renders it. */
export interface RegionJson {
  readonly code: string;
  readonly name: string;
  readonly partners: readonly string[];
}

/**
 * A step of a case as `GET /cases/{id}/actions` answers it for the signed-in staff member: allowed, or with
 * the reason it is not (`message`, in Chinese) — the gateway's own rules (domain/steps.ts), not a copy.
 */
export interface StepJson {
  readonly type: ActionType;
  /** A step on one 多地联办 subtask names it. */
  readonly subtaskId?: string;
  readonly allowed: boolean;
  readonly reason?: string;
  readonly message?: string;
  /** The choices the step offers (rate: the configured 好差评 tags). */
  readonly options?: readonly string[];
}
