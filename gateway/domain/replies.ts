/**
 * Answers a region gives by itself to an event it received, so that a race
 * between two regions ends in one state on both sides instead of in a
 * dead-letter topic (docs/architecture.md, "Cross-region races").
 */
import { type CaseState, OPEN_STATUSES } from "./case.js";
import type { CaseEvent, EventPayload } from "./events.js";

/**
 * The event `here` sends in reply to `event`, just applied and leading to
 * `next`, or undefined when it answers nothing by itself. Today one: the
 * handling region refuses a withdrawal request that arrives after the case
 * left the open statuses (decided, refused, delivered…), naming the status;
 * a request that arrives while the case is open waits for its staff.
 */
export function replyTo(next: CaseState, event: CaseEvent, here: string): EventPayload | undefined {
  if (event.payload.type !== "WithdrawalRequested" || here !== next.handlingRegion) return undefined;
  if (next.withdrawalRequest === undefined || OPEN_STATUSES.includes(next.status)) return undefined;
  return { type: "WithdrawalRefused", reason: "", caseStatus: next.status };
}
