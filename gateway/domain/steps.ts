/**
 * The steps of a case as one staff member of one region sees them now (issue 16, item 3): which they may take,
 * and for each step that exists now but is not theirs, why (another role's step, another region's turn, a
 * collaborator's subtask still open). Decided by the very rules the gateway enforces — the lifecycle
 * (lifecycle.ts) for regions and turns, the roles (staff.ts) for people — so the page shows exactly what the
 * gateway would accept, and keeps no copy of the rules.
 */
import type { ActionType, SubtaskAction } from "./actions.js";
import type { CaseState, Subtask } from "./case.js";
import { XrError } from "./errors.js";
import type { EventPayload } from "./events.js";
import { applyEvent, openSubtasks } from "./lifecycle.js";
import { permits, ROLES, type Role } from "./staff.js";

/** One step of a case for the viewer: `allowed`, or shown with the reason it is not (an issue text). */
export interface CaseStep {
  readonly type: ActionType;
  /** The 多地联办 subtask a step on one subtask (take up, complete, cancel, reassign) is about. */
  readonly subtaskId?: string;
  readonly allowed: boolean;
  /** Why not, as an issue text of the message catalogue (domain/messages.ts); absent when allowed. */
  readonly reason?: string;
  /** The choices the step offers, where the configuration decides them (rate: the 好差评 tags). */
  readonly options?: readonly string[];
}

/** A stand-in event per step: only its type and the fields the lifecycle looks at matter. */
const PROBES: Partial<Readonly<Record<ActionType, (c: CaseState) => EventPayload>>> = {
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
  withdraw: () => ({ type: "WithdrawalRequested", reason: "-" }),
  "confirm-withdrawal": () => ({ type: "WithdrawalConfirmed", reason: "-" }),
  "refuse-withdrawal": () => ({
    type: "WithdrawalRefused",
    reason: "-",
    caseStatus: "CASE_STATUS_UNSPECIFIED",
  }),
  suspend: () => ({ type: "CaseSuspended", kind: "HEARING", reason: "-", expectedDays: 1 }),
  resume: () => ({ type: "CaseResumed", note: "" }),
  "correct-delivery": (c) => ({ type: "DeliveryCorrected", delivery: c.delivery, reason: "-" }),
  note: () => ({ type: "HandlingNote", author: "", text: "-" }),
  // 多地联办: the lead assigns a part to a collaborator (any of them will do for the probe).
  "assign-subtask": (c) => ({
    type: "SubtaskAssigned",
    subtaskId: "",
    region: c.collaboratingRegions[0] ?? "",
    description: "-",
  }),
  rate: () => ({
    type: "CaseRated",
    level: "SATISFIED",
    tags: [],
    text: "",
    channel: "WINDOW",
    rectificationDue: "",
  }),
  "answer-rectification": () => ({ type: "RectificationAnswered", answer: "-" }),
};

/** The steps on one 多地联办 subtask, probed per open subtask. */
const SUBTASK_PROBES: Readonly<
  Record<Exclude<SubtaskAction, "assign-subtask">, (s: Subtask) => EventPayload>
> = {
  "take-up-subtask": (s) => ({ type: "SubtaskTakenUp", subtaskId: s.subtaskId }),
  "complete-subtask": (s) => ({ type: "SubtaskCompleted", subtaskId: s.subtaskId, note: "" }),
  "reassign-subtask": (s) => ({
    type: "SubtaskReassigned",
    subtaskId: s.subtaskId,
    newSubtaskId: "",
    region: s.region,
    description: "-",
    reason: "-",
  }),
  "cancel-subtask": (s) => ({ type: "SubtaskCancelled", subtaskId: s.subtaskId, reason: "-" }),
};

/** The steps {@link caseSteps} considers, in the order the page lists them. */
export const CASE_STEPS = Object.keys(PROBES) as ActionType[];

/** The lifecycle's refusal of `type` from `region` now, or undefined when it would take it. */
function refusal(c: CaseState, type: ActionType, region: string): XrError | undefined {
  const probe = PROBES[type];
  return probe ? refused(c, probe(c), region) : undefined;
}

/** The lifecycle's refusal of `payload` from `region` now, or undefined when it would take it. */
function refused(c: CaseState, payload: EventPayload, region: string): XrError | undefined {
  try {
    applyEvent(c, {
      eventId: "",
      caseId: c.caseId,
      sourceRegion: region,
      sequence: 0,
      occurredAt: "",
      payload,
    });
    return undefined;
  } catch (err) {
    return XrError.from(err);
  }
}

/** `type` allowed to `role`, or shown with the roles that may take it. */
function byRole(type: ActionType, role: Role, subtaskId?: string): CaseStep {
  const about = subtaskId === undefined ? {} : { subtaskId };
  if (permits(role, `act:${type}`)) return { type, ...about, allowed: true };
  const roles = ROLES.filter((r) => r !== "admin" && permits(r, `act:${type}`));
  return { type, ...about, allowed: false, reason: `a step for the ${roles.join(" or ")}` };
}

/**
 * The steps of `region` on each open 多地联办 subtask (the lead cancels and reassigns, the assigned region
 * takes up and completes). Only the region's own: another party's step on a subtask is the collaboration
 * panel's news, not a step. A completed or withdrawn subtask has none: the lifecycle still records a crossing
 * take-up or completion of a withdrawn one (lifecycle.ts), but nobody is offered it.
 */
function subtaskSteps(c: CaseState, region: string, role: Role): CaseStep[] {
  const steps: CaseStep[] = [];
  for (const s of openSubtasks(c)) {
    for (const [type, probe] of Object.entries(SUBTASK_PROBES) as [
      SubtaskAction,
      (s: Subtask) => EventPayload,
    ][]) {
      if (!refused(c, probe(s), region)) steps.push(byRole(type, role, s.subtaskId));
    }
  }
  return steps;
}

/**
 * The steps of case `c` for a `role` of `region`: those the lifecycle would take from the region now (allowed
 * when the role may take them, else with the roles that may), those that are another party's turn (naming
 * it), and 办结 while subtasks are open (naming the regions it waits for). Steps nobody may take now are left
 * out. Then the region's steps on each open 多地联办 subtask, each naming its `subtaskId`.
 */
export function caseSteps(c: CaseState, region: string, role: Role): CaseStep[] {
  const others = [c.intakeRegion, c.handlingRegion, ...c.collaboratingRegions].filter(
    (r, i, all) => r !== region && all.indexOf(r) === i,
  );
  const steps: CaseStep[] = [];
  for (const type of CASE_STEPS) {
    const refusedNow = refusal(c, type, region);
    if (!refusedNow) {
      steps.push(byRole(type, role));
      continue;
    }
    // 办结 refused with one detail per open subtask (lifecycle.ts, CaseDecided).
    if (refusedNow.details.some((d) => d.path.startsWith("subtasks."))) {
      const waiting = [...new Set(openSubtasks(c).map((s) => s.region))];
      steps.push({ type, allowed: false, reason: `waits for the subtasks of ${waiting.join(", ")}` });
      continue;
    }
    // Withdrawing, notes and assigning subtasks are open to their party throughout: another party's having
    // them is no news. A rating is the applicant's choice, not a step the case waits for: no other party is
    // told it is "their turn".
    if (type === "withdraw" || type === "note" || type === "assign-subtask" || type === "rate") continue;
    const turn = others.filter((r) => refusal(c, type, r) === undefined);
    if (turn.length > 0) steps.push({ type, allowed: false, reason: `the turn of ${turn.join(", ")}` });
  }
  return [...steps, ...subtaskSteps(c, region, role)];
}
