/**
 * The case and its parts, shaped like the proto3 JSON mapping of `xr.v1`
 * (lowerCamelCase, enums as strings) so that REST, gRPC and the bus share
 * one vocabulary. Only sizes and timestamps differ from the wire form.
 */
import type { CaseClock, SuspensionKind } from "./deadline.js";
import type { CaseRating } from "./rating.js";

/** `xr.v1.HandlingMode`. */
export const HandlingMode = {
  FULL_ONLINE: "FULL_ONLINE",
  REMOTE_INTAKE: "REMOTE_INTAKE",
  MULTI_REGION: "MULTI_REGION",
} as const;
/** One of {@link HandlingMode}. */
export type HandlingMode = (typeof HandlingMode)[keyof typeof HandlingMode];

/** `xr.v1.CaseStatus`. */
export const CaseStatus = {
  SUBMITTED: "SUBMITTED",
  FORWARDED: "FORWARDED",
  ACCEPTED: "ACCEPTED",
  REJECTED: "REJECTED",
  SUPPLEMENT_REQUESTED: "SUPPLEMENT_REQUESTED",
  DECIDED: "DECIDED",
  RESULT_MAILED: "RESULT_MAILED",
  DELIVERED: "DELIVERED",
  RETURNED: "RETURNED",
  WITHDRAWN: "WITHDRAWN",
} as const;
/** One of {@link CaseStatus}. */
export type CaseStatus = (typeof CaseStatus)[keyof typeof CaseStatus];

/** Statuses after which nothing more happens to a case. */
export const FINAL_STATUSES: ReadonlySet<CaseStatus> = new Set([
  CaseStatus.REJECTED,
  CaseStatus.DELIVERED,
  CaseStatus.WITHDRAWN,
]);

/** Statuses in which the promised time limit is still running. */
export const OPEN_STATUSES: readonly CaseStatus[] = [
  CaseStatus.SUBMITTED,
  CaseStatus.FORWARDED,
  CaseStatus.ACCEPTED,
  CaseStatus.SUPPLEMENT_REQUESTED,
];

/** `xr.v1.DeliveryMethod`. */
export const DeliveryMethod = {
  MAIL: "MAIL",
  WINDOW_PICKUP: "WINDOW_PICKUP",
  ELECTRONIC: "ELECTRONIC",
} as const;
/** One of {@link DeliveryMethod}. */
export type DeliveryMethod = (typeof DeliveryMethod)[keyof typeof DeliveryMethod];

/** `xr.v1.Person`. */
export interface Person {
  readonly name: string;
  readonly idNumber: string;
  readonly mobile: string;
}

/** `xr.v1.Organization`. */
export interface Organization {
  readonly name: string;
  readonly creditCode: string;
  readonly legalRepresentative: string;
}

/** `xr.v1.Applicant`: exactly one of person or organization. */
export type Applicant = { readonly person: Person } | { readonly organization: Organization };

/** `xr.v1.Material`. */
export interface Material {
  readonly materialCode: string;
  readonly name: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly mediaType: string;
}

/** `xr.v1.Delivery`. */
export interface Delivery {
  readonly method: DeliveryMethod;
  readonly recipient: string;
  readonly mobile: string;
  readonly address: string;
  readonly postalCode: string;
  readonly courier: string;
  readonly waybillNo: string;
}

/** `xr.v1.Subtask`. */
export interface Subtask {
  readonly subtaskId: string;
  readonly region: string;
  readonly description: string;
  readonly completed: boolean;
  readonly note: string;
  /** The collaborating region took it up (领办). */
  readonly takenUp?: boolean | undefined;
  /** Withdrawn by the lead (cancelled or reassigned); no longer blocks 办结. */
  readonly cancelled?: boolean | undefined;
  /** When it was assigned (ISO-8601 UTC); absent on subtasks assigned before this field. */
  readonly assignedAt?: string | undefined;
  /** The subtask that took over its part, when reassigned. */
  readonly replacedBy?: string | undefined;
}

/** `xr.v1.WithdrawalRequest`: a withdrawal asked for by the intake region, not answered yet. */
export interface WithdrawalRequest {
  readonly reason: string;
  /** ISO-8601 UTC. */
  readonly requestedAt: string;
}

/** A 特别程序 under way (issue 17): the clock stands still until it is resumed. */
export interface Suspension {
  readonly kind: SuspensionKind;
  readonly reason: string;
  readonly expectedDays: number;
  /** ISO-8601 UTC of the CaseSuspended event. */
  readonly since: string;
}

/** `xr.v1.Case`: the state every party's ledger holds. Times are ISO-8601 UTC. */
export interface CaseState {
  readonly caseId: string;
  readonly receiptNo: string;
  readonly mode: HandlingMode;
  readonly matterCode: string;
  readonly matterName: string;
  readonly intakeRegion: string;
  readonly handlingRegion: string;
  readonly collaboratingRegions: readonly string[];
  readonly applicant: Applicant;
  readonly materials: readonly Material[];
  readonly delivery: Delivery;
  readonly status: CaseStatus;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly promisedDays: number;
  /** YYYY-MM-DD in China Standard Time. */
  readonly deadline: string;
  readonly catalogVersion: string;
  readonly subtasks: readonly Subtask[];
  readonly approved?: boolean;
  readonly reason: string;
  readonly requestedMaterialCodes: readonly string[];
  readonly version: number;
  /** Set from WithdrawalRequested until the handling region answers it; absent otherwise. */
  readonly withdrawalRequest?: WithdrawalRequest;
  /** The 特别程序 under way, if any. Not on the wire: every party folds it from the events. */
  readonly suspension?: Suspension | undefined;
  /** The time limits, folded from the events (domain/deadline.ts). Not on the wire either. */
  readonly clock?: CaseClock | undefined;
  /** 好差评 (issue 18): the applicant's one rating and the rectification it opened, folded from the events. */
  readonly rating?: CaseRating | undefined;
}

/** Every region that takes part in a case, intake first, without repeats. */
export function caseParties(
  c: Pick<CaseState, "intakeRegion" | "handlingRegion" | "collaboratingRegions">,
): string[] {
  return [...new Set([c.intakeRegion, c.handlingRegion, ...c.collaboratingRegions])];
}

/** The region whose turn it is to act, or "" once the case is closed. */
export function heldBy(c: CaseState): string {
  if (FINAL_STATUSES.has(c.status)) return "";
  // A pending withdrawal request waits for the handling region's answer.
  if (c.withdrawalRequest) return c.handlingRegion;
  if (c.status === CaseStatus.SUPPLEMENT_REQUESTED) return c.intakeRegion;
  if (c.status === CaseStatus.DECIDED && c.delivery.method === DeliveryMethod.WINDOW_PICKUP)
    return c.intakeRegion;
  return c.handlingRegion;
}
