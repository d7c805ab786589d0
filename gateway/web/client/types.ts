/**
 * What the page reads from the REST API, typed from the domain so a renamed
 * field fails to compile here too. JSON differs from the domain only where
 * codec/json.ts says: 64-bit sizes as strings, plus `overdue` and `heldBy`.
 */
import type { CaseState, Material } from "../../domain/case.js";
import type { Actor, EventType } from "../../domain/events.js";
import type { Matter } from "../../domain/matter.js";

/** `xr.v1.Material` as JSON. */
export type MaterialJson = Omit<Material, "sizeBytes"> & { readonly sizeBytes: string };

/** `xr.v1.Case` as `GET /cases/{id}` renders it. */
export type CaseJson = Omit<CaseState, "materials"> & {
  readonly materials: readonly MaterialJson[];
  readonly overdue: boolean;
  readonly heldBy: string;
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
export type MatterJson = Omit<Matter, "applicant">;

/** A member of the federation as `GET /regions` renders it. */
export interface RegionJson {
  readonly code: string;
  readonly name: string;
  readonly partners: readonly string[];
}
