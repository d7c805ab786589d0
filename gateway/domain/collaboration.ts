/**
 * 多地联办 as the lead region sees it: each collaborator's subtasks with their state, and which of them
 * are stalled, because the collaborator has not taken its subtask up within the federation's time limit,
 * or because this gateway cannot reach the collaborator's (its partner breaker is open).
 */
import type { CaseState, Subtask } from "./case.js";
import { openSubtasks } from "./lifecycle.js";

/** 待领办, 办理中, 已完成, 已撤销, 已改派. */
export type SubtaskState = "assigned" | "taken-up" | "completed" | "cancelled" | "reassigned";

/** The state a subtask is in. */
export function subtaskState(s: Subtask): SubtaskState {
  // The lead's withdrawal decides, even over a completion that crossed it on the bus.
  if (s.cancelled) return s.replacedBy ? "reassigned" : "cancelled";
  if (s.completed) return "completed";
  return s.takenUp ? "taken-up" : "assigned";
}

/** Why an open subtask is stalled. */
export type StallReason = "take-up-overdue" | "breaker-open";

/** One stalled open subtask. */
export interface Stall {
  readonly region: string;
  readonly subtaskId: string;
  readonly reason: StallReason;
}

/** What the stall check needs besides the case. */
export interface StallCheck {
  /** Now, in milliseconds since the epoch. */
  readonly now: number;
  /** How long a collaborator has to take a subtask up (milliseconds). */
  readonly takeUpMs: number;
  /** The state of this gateway's breaker towards a partner region, if it has one. */
  readonly breakerOf: (region: string) => string | undefined;
}

/**
 * The stalled open subtasks of case `c`: not taken up within the time limit (subtasks assigned before
 * `assignedAt` existed cannot be timed and are not counted), or held by a region whose breaker is open.
 */
export function stalledSubtasks(c: Pick<CaseState, "subtasks">, check: StallCheck): Stall[] {
  return openSubtasks(c).flatMap((s): Stall[] => {
    const out: Stall[] = [];
    const assigned = s.assignedAt ? Date.parse(s.assignedAt) : Number.NaN;
    if (!s.takenUp && Number.isFinite(assigned) && check.now - assigned > check.takeUpMs) {
      out.push({ region: s.region, subtaskId: s.subtaskId, reason: "take-up-overdue" });
    }
    if (check.breakerOf(s.region) === "open") {
      out.push({ region: s.region, subtaskId: s.subtaskId, reason: "breaker-open" });
    }
    return out;
  });
}
