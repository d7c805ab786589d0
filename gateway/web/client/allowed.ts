/**
 * Which actions this region may take on a case now, decided by the very
 * transition function the gateway runs (domain/lifecycle.ts): an action is
 * offered when the lifecycle would accept its event from this region.
 */
import type { ActionType } from "../../domain/actions.js";
import type { CaseState } from "../../domain/case.js";
import type { EventPayload } from "../../domain/events.js";
import { applyEvent } from "../../domain/lifecycle.js";
import type { CaseJson } from "./types.js";

/** Actions of the general forms; 多地联办 subtask steps have their own panel (subtasks.ts). */
export type PageAction = Exclude<ActionType, SubtaskAction>;

/** Steps on 多地联办 subtasks. */
export type SubtaskAction =
  | "assign-subtask"
  | "complete-subtask"
  | "take-up-subtask"
  | "cancel-subtask"
  | "reassign-subtask";

/** A stand-in event per action: only its type and the fields the lifecycle looks at matter. */
const PROBES: Readonly<Record<PageAction, (c: CaseJson) => EventPayload>> = {
  accept: () => ({ type: "CaseAccepted", deadline: "" }),
  reject: () => ({ type: "CaseRejected", reason: "-" }),
  "request-supplement": () => ({ type: "SupplementRequested", reason: "-", materialCodes: [] }),
  supplement: (c) => ({
    type: "SupplementProvided",
    materials: c.requestedMaterialCodes.map((materialCode) => ({
      materialCode,
      name: "",
      sha256: "",
      sizeBytes: 1,
      mediaType: "",
    })),
  }),
  decide: () => ({ type: "CaseDecided", approved: true, reason: "" }),
  mail: () => ({ type: "ResultMailed", courier: "-", waybillNo: "-" }),
  deliver: () => ({ type: "ResultDelivered" }),
  return: () => ({ type: "ResultReturned", reason: "-" }),
  withdraw: () => ({ type: "CaseWithdrawn", reason: "-" }),
  note: () => ({ type: "HandlingNote", author: "", text: "-" }),
};

/** The actions `region` may take on `c` now, in the order the page lists them. */
export function allowedActions(c: CaseJson, region: string): PageAction[] {
  // The lifecycle reads statuses, regions, delivery and requested codes, which JSON and state share.
  const state = c as unknown as CaseState;
  return (Object.keys(PROBES) as PageAction[]).filter((action) => {
    try {
      applyEvent(state, {
        eventId: "",
        caseId: c.caseId,
        sourceRegion: region,
        sequence: 0,
        occurredAt: "",
        payload: PROBES[action](c),
      });
      return true;
    } catch {
      return false;
    }
  });
}
