/**
 * Staff roles of a region's gateway and what each may do (remote-intake
 * window staff and handling desks). The lifecycle decides
 * whose turn it is between regions; roles decide which person in a region
 * may take a step at all.
 */
import type { Actor } from "./events.js";

/** 窗口收件员, 办理人员, 审计, 管理员, 效能监督员 (issue 17: reads cases and the supervision figures). */
export type Role = "clerk" | "handler" | "auditor" | "admin" | "manager";

/** The roles, in the order they are documented. */
export const ROLES: readonly Role[] = ["clerk", "handler", "auditor", "admin", "manager"];

/** Who is making a request. */
export interface StaffMember {
  /** Stable id in the region's staff registry (config/staff.yaml `id`); named on the events it takes. */
  readonly id?: string | undefined;
  readonly name: string;
  readonly role: Role;
  /** The region whose gateway the credentials are for. */
  readonly region: string;
}

/** What a request does, as far as roles are concerned. */
export type Operation = "read" | "submit" | "upload" | "audit" | "stats" | `act:${string}`;

// Steps of the window (intake side) and of the desk (handling side); a note may be added by both.
// 好差评: the window records the applicant's rating (rate); the desk answers a negative one (answer-rectification).
const CLERK_ACTIONS = new Set(["supplement", "withdraw", "deliver", "note", "correct-delivery", "rate"]);
const HANDLER_ACTIONS = new Set([
  "take-up-subtask",
  "cancel-subtask",
  "reassign-subtask",
  "accept",
  "reject",
  "request-supplement",
  "decide",
  "mail",
  "deliver",
  "return",
  "note",
  "assign-subtask",
  "complete-subtask",
  "confirm-withdrawal",
  "refuse-withdrawal",
  "suspend",
  "resume",
  "answer-rectification",
]);

/** Whether `role` may perform `op`. */
export function permits(role: Role, op: Operation): boolean {
  if (role === "admin") return true;
  if (op === "read") return true;
  // The supervision figures (统计/效能监督) are the manager's; a manager takes no step and files nothing.
  if (op === "stats" || role === "manager") return op === "stats" && role === "manager";
  // What the region's staff did (e.g. who opened which scan) is for its auditors.
  if (op === "audit") return role === "auditor";
  if (role === "auditor") return false;
  if (op === "submit" || op === "upload") return role === "clerk";
  const action = op.slice("act:".length);
  return role === "clerk" ? CLERK_ACTIONS.has(action) : HANDLER_ACTIONS.has(action);
}

/** The {@link Actor} an event records for a step this staff member takes. */
export function staffActor(s: StaffMember): Actor {
  return { staffId: s.id ?? s.name, displayName: s.name, kind: "staff", role: s.role };
}

/** The {@link Actor} of a region's own system calling over gRPC, named by its certificate identity. */
export function systemActor(identity: string, displayName: string): Actor {
  return { staffId: `system:${identity}`, displayName, kind: "system", role: "" };
}
