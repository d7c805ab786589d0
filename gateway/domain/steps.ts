/**
 * The steps of a case as one staff member of one region sees them now (issue 16, item 3): which they may take,
 * and for each step that exists now but is not theirs, why (another role's step, another region's turn, a
 * collaborator's subtask still open). Decided by the very rules the gateway enforces — the lifecycle
 * (lifecycle.ts) for regions and turns, the roles (staff.ts) for people — so the page shows exactly what the
 * gateway would accept, and keeps no copy of the rules.
 */
import type { ActionType } from "./actions.js";
import type { CaseState } from "./case.js";
import { XrError } from "./errors.js";
import type { EventPayload } from "./events.js";
import { applyEvent } from "./lifecycle.js";
import { permits, ROLES, type Role } from "./staff.js";

/** One step of a case for the viewer: `allowed`, or shown with the reason it is not (an issue text). */
export interface CaseStep {
  readonly type: ActionType;
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

/** The steps {@link caseSteps} considers, in the order the page lists them. */
export const CASE_STEPS = Object.keys(PROBES) as ActionType[];

/** The lifecycle's refusal of `type` from `region` now, or undefined when it would take it. */
function refusal(c: CaseState, type: ActionType, region: string): XrError | undefined {
  const probe = PROBES[type];
  if (!probe) return undefined;
  try {
    applyEvent(c, {
      eventId: "",
      caseId: c.caseId,
      sourceRegion: region,
      sequence: 0,
      occurredAt: "",
      payload: probe(c),
    });
    return undefined;
  } catch (err) {
    return XrError.from(err);
  }
}

/**
 * The steps of case `c` for a `role` of `region`: those the lifecycle would take from the region now (allowed
 * when the role may take them, else with the roles that may), those that are another party's turn (naming
 * it), and 办结 while subtasks are open (naming the regions it waits for). Steps nobody may take now are left
 * out.
 */
export function caseSteps(c: CaseState, region: string, role: Role): CaseStep[] {
  const others = [c.intakeRegion, c.handlingRegion, ...c.collaboratingRegions].filter(
    (r, i, all) => r !== region && all.indexOf(r) === i,
  );
  const steps: CaseStep[] = [];
  for (const type of CASE_STEPS) {
    const refused = refusal(c, type, region);
    if (!refused) {
      if (permits(role, `act:${type}`)) steps.push({ type, allowed: true });
      else {
        const roles = ROLES.filter((r) => r !== "admin" && permits(r, `act:${type}`));
        steps.push({ type, allowed: false, reason: `a step for the ${roles.join(" or ")}` });
      }
      continue;
    }
    if (refused.details.some((d) => d.issue === "open subtasks")) {
      const waiting = [...new Set(c.subtasks.filter((s) => !s.completed).map((s) => s.region))];
      steps.push({ type, allowed: false, reason: `waits for the subtasks of ${waiting.join(", ")}` });
      continue;
    }
    // Withdrawing and notes are open to their party throughout: another party's having them is no news. A
    // rating is the applicant's choice, not a step the case waits for: no other party is told it is "their turn".
    if (type === "withdraw" || type === "note" || type === "rate") continue;
    const turn = others.filter((r) => refusal(c, type, r) === undefined);
    if (turn.length > 0) steps.push({ type, allowed: false, reason: `the turn of ${turn.join(", ")}` });
  }
  return steps;
}
