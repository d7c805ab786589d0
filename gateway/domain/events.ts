/**
 * Case events: what regions tell each other about a case. Each payload
 * mirrors the `xr.v1` message of the same name.
 */
import type { CaseState, CaseStatus, Delivery, Material } from "./case.js";
import type { SuspensionKind } from "./deadline.js";
import type { RatingChannel, RatingLevel } from "./rating.js";

/** The payload of an event, discriminated by its `xr.v1` message name. */
export type EventPayload =
  | { readonly type: "CaseSubmitted"; readonly case: CaseState }
  | { readonly type: "SupplementProvided"; readonly materials: readonly Material[] }
  | { readonly type: "CaseWithdrawn"; readonly reason: string }
  | { readonly type: "CaseAccepted"; readonly deadline: string }
  | { readonly type: "CaseRejected"; readonly reason: string }
  | {
      readonly type: "SupplementRequested";
      readonly reason: string;
      readonly materialCodes: readonly string[];
    }
  | { readonly type: "HandlingNote"; readonly author: string; readonly text: string }
  | {
      readonly type: "SubtaskAssigned";
      readonly subtaskId: string;
      readonly region: string;
      readonly description: string;
    }
  | { readonly type: "SubtaskCompleted"; readonly subtaskId: string; readonly note: string }
  | { readonly type: "SubtaskTakenUp"; readonly subtaskId: string }
  | { readonly type: "SubtaskCancelled"; readonly subtaskId: string; readonly reason: string }
  | {
      readonly type: "SubtaskReassigned";
      readonly subtaskId: string;
      readonly newSubtaskId: string;
      readonly region: string;
      readonly description: string;
      readonly reason: string;
    }
  | { readonly type: "CaseDecided"; readonly approved: boolean; readonly reason: string }
  | { readonly type: "ResultMailed"; readonly courier: string; readonly waybillNo: string }
  | { readonly type: "ResultDelivered" }
  | { readonly type: "ResultReturned"; readonly reason: string }
  | { readonly type: "WithdrawalRequested"; readonly reason: string }
  | { readonly type: "WithdrawalConfirmed"; readonly reason: string }
  | {
      readonly type: "WithdrawalRefused";
      readonly reason: string;
      /** The status the case had reached when refused automatically; "CASE_STATUS_UNSPECIFIED" otherwise. */
      readonly caseStatus: CaseStatus | "CASE_STATUS_UNSPECIFIED";
    }
  | {
      readonly type: "CaseSuspended";
      readonly kind: SuspensionKind;
      readonly reason: string;
      readonly expectedDays: number;
    }
  | { readonly type: "CaseResumed"; readonly note: string }
  | { readonly type: "DeliveryCorrected"; readonly delivery: Delivery; readonly reason: string }
  | {
      readonly type: "CaseRated";
      readonly level: RatingLevel;
      readonly tags: readonly string[];
      readonly text: string;
      readonly channel: RatingChannel;
      /** YYYY-MM-DD of the rectification's time limit for a negative rating, "" otherwise. */
      readonly rectificationDue: string;
    }
  | { readonly type: "RectificationAnswered"; readonly answer: string };

/** Name of an event type. */
export type EventType = EventPayload["type"];

/**
 * `xr.v1.Actor`, 经办人: the staff member (or the region's own system) who
 * took a step. Shown to every party of the case: the name of the official
 * who handled a step is part of the record an applicant and a partner may see;
 * contact data never travels here.
 */
export interface Actor {
  /** Stable id in the acting region's staff registry, or `system:<certificate identity>`. */
  readonly staffId: string;
  readonly displayName: string;
  readonly kind: "staff" | "system";
  /** The staff member's role; "" for a system. */
  readonly role: string;
}

/** An event of a case's timeline. */
export interface CaseEvent {
  /** ULID, unique in the federation. */
  readonly eventId: string;
  readonly caseId: string;
  readonly sourceRegion: string;
  /** Per case and per source region, from 1 without gaps. */
  readonly sequence: number;
  /** ISO-8601 UTC. */
  readonly occurredAt: string;
  readonly payload: EventPayload;
  /** Who took the step; absent on events from gateways older than `xr.v1.Actor`. */
  readonly actor?: Actor | undefined;
}

/** An event as a ledger stores it, with the status it led to. */
export interface LedgerEvent extends CaseEvent {
  readonly statusAfter: CaseStatus;
}

/** Topic kind of each event type. */
export const EVENT_KIND: Readonly<Record<EventType, "intake" | "handling" | "delivery">> = {
  CaseSubmitted: "intake",
  SupplementProvided: "intake",
  CaseWithdrawn: "intake",
  CaseAccepted: "handling",
  CaseRejected: "handling",
  SupplementRequested: "handling",
  HandlingNote: "handling",
  SubtaskAssigned: "handling",
  SubtaskCompleted: "handling",
  SubtaskTakenUp: "handling",
  SubtaskCancelled: "handling",
  SubtaskReassigned: "handling",
  CaseDecided: "handling",
  ResultMailed: "delivery",
  ResultDelivered: "delivery",
  ResultReturned: "delivery",
  WithdrawalRequested: "intake",
  WithdrawalConfirmed: "handling",
  WithdrawalRefused: "handling",
  CaseSuspended: "handling",
  CaseResumed: "handling",
  // From the intake window to the handling region, like a supplement.
  DeliveryCorrected: "intake",
  // 好差评 (issue 18): the rating goes from the intake region to the handling region, the answer back.
  CaseRated: "intake",
  RectificationAnswered: "handling",
};

/** The inbox topic of a region for an event type, e.g. `xr.v1.intake.440100`. */
export function topicFor(type: EventType, targetRegion: string): string {
  return `xr.v1.${EVENT_KIND[type]}.${targetRegion}`;
}

/** Every inbox topic of a region, the dead-letter topic excluded. */
export function inboxTopics(region: string): string[] {
  return [`xr.v1.intake.${region}`, `xr.v1.handling.${region}`, `xr.v1.delivery.${region}`];
}

/** The dead-letter topic of a region. */
export function dlqTopic(region: string): string {
  return `xr.v1.dlq.${region}`;
}
