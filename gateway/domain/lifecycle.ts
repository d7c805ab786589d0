/**
 * The case state machine (docs/architecture.md, "The two data paths"). `applyEvent` is the
 * single transition function: the acting region runs it before committing an
 * event, and every receiving region runs it again before recording the same
 * event, so an illegal step is refused on both sides and changes nothing.
 */
import {
  type CaseState,
  CaseStatus,
  DeliveryMethod,
  HandlingMode,
  OPEN_STATUSES,
  type Subtask,
} from "./case.js";
import { ErrorCode, XrError } from "./errors.js";
import type { CaseEvent, EventPayload } from "./events.js";

const BEFORE_ACCEPTANCE: readonly CaseStatus[] = [CaseStatus.SUBMITTED, CaseStatus.FORWARDED];
const IN_HANDLING: readonly CaseStatus[] = [CaseStatus.ACCEPTED, CaseStatus.SUPPLEMENT_REQUESTED];

/** FAILED_PRECONDITION whose detail (`issue`) points at the action's type. */
function precondition(message: string, issue: string): XrError {
  return new XrError(ErrorCode.FAILED_PRECONDITION, message, { details: [{ path: "type", issue }] });
}

function refuse(c: CaseState, what: string, allowed: readonly CaseStatus[]): XrError {
  return precondition(
    `cannot ${what}: case ${c.caseId} is ${c.status}, needs ${allowed.join(" or ")}`,
    `not allowed in status ${c.status}`,
  );
}

function requireStatus(c: CaseState, what: string, allowed: readonly CaseStatus[]): void {
  if (!allowed.includes(c.status)) throw refuse(c, what, allowed);
}

function requireActor(what: string, actor: string, region: string, role: string): void {
  if (actor !== region) {
    throw new XrError(
      ErrorCode.PERMISSION_DENIED,
      `only the ${role} ${region} may ${what}; ${actor} may not`,
      {
        details: [{ path: "type", issue: `reserved to the ${role}` }],
      },
    );
  }
}

function requireParty(c: CaseState, actor: string): void {
  if (actor !== c.intakeRegion && actor !== c.handlingRegion && !c.collaboratingRegions.includes(actor)) {
    throw new XrError(ErrorCode.PERMISSION_DENIED, `region ${actor} is not a party to case ${c.caseId}`);
  }
}

type Transition = Partial<Omit<CaseState, "caseId" | "version" | "updatedAt">>;

/** Subtasks that still block 办结: neither completed nor cancelled. */
export function openSubtasks(c: Pick<CaseState, "subtasks">): Subtask[] {
  return c.subtasks.filter((s) => !s.completed && !s.cancelled);
}

/** FAILED_PRECONDITION about one subtask, naming it in `details`. */
function subtaskIs(subtaskId: string, what: string): XrError {
  return new XrError(ErrorCode.FAILED_PRECONDITION, `subtask ${subtaskId} is ${what}`, {
    details: [{ path: "subtaskId", issue: `subtask ${subtaskId} is ${what}` }],
  });
}

function findSubtask(c: CaseState, subtaskId: string): Subtask {
  const subtask = c.subtasks.find((s) => s.subtaskId === subtaskId);
  if (!subtask) {
    throw new XrError(ErrorCode.NOT_FOUND, `case ${c.caseId} has no subtask ${subtaskId}`, {
      details: [{ path: "subtaskId", issue: "unknown subtask" }],
    });
  }
  return subtask;
}

/**
 * A subtask the lead may withdraw (cancel or reassign): known, not withdrawn yet, the case in handling. A
 * completed one may be withdrawn too: the lead's withdrawal and the collaborator's completion can cross
 * on the bus, and each side must apply the other's event whatever the order (see SubtaskCompleted).
 */
function withdrawable(c: CaseState, subtaskId: string, what: string): Subtask {
  const subtask = findSubtask(c, subtaskId);
  requireStatus(c, `${what} a subtask`, IN_HANDLING);
  if (subtask.cancelled) throw subtaskIs(subtaskId, "cancelled");
  return subtask;
}

/** `subtasks` with subtask `subtaskId` changed by `change`. */
function updated(c: CaseState, subtaskId: string, change: (s: Subtask) => Subtask): Subtask[] {
  return c.subtasks.map((s) => (s.subtaskId === subtaskId ? change(s) : s));
}

/** Checks a subtask about to be created: a MULTI_REGION case in handling, a collaborator, a fresh id. */
function requireNewSubtask(c: CaseState, subtaskId: string, region: string, idPath: string): void {
  if (c.mode !== HandlingMode.MULTI_REGION) {
    throw precondition("subtasks exist only in MULTI_REGION cases", `case mode is ${c.mode}`);
  }
  requireStatus(c, "assign a subtask", IN_HANDLING);
  if (!c.collaboratingRegions.includes(region)) {
    throw XrError.invalid("region", `${region} is not a collaborating region of this case`);
  }
  if (c.subtasks.some((s) => s.subtaskId === subtaskId)) {
    throw XrError.invalid(idPath, `subtask ${subtaskId} already exists`);
  }
}

function newSubtask(subtaskId: string, region: string, description: string, assignedAt: string): Subtask {
  return { subtaskId, region, description, completed: false, note: "", assignedAt };
}

function transition(c: CaseState, p: EventPayload, actor: string, at: string): Transition {
  const handling = c.handlingRegion;
  switch (p.type) {
    case "CaseSubmitted":
      throw new XrError(ErrorCode.ALREADY_EXISTS, `case ${c.caseId} already exists`);
    case "CaseAccepted":
      requireActor("accept", actor, handling, "handling region");
      requireStatus(c, "accept", BEFORE_ACCEPTANCE);
      return { status: CaseStatus.ACCEPTED, deadline: p.deadline };
    case "CaseRejected":
      requireActor("reject", actor, handling, "handling region");
      requireStatus(c, "reject", BEFORE_ACCEPTANCE);
      return { status: CaseStatus.REJECTED, reason: p.reason };
    case "SupplementRequested":
      requireActor("request a supplement", actor, handling, "handling region");
      requireStatus(c, "request a supplement", [CaseStatus.ACCEPTED]);
      return {
        status: CaseStatus.SUPPLEMENT_REQUESTED,
        reason: p.reason,
        requestedMaterialCodes: [...p.materialCodes],
      };
    case "SupplementProvided": {
      requireActor("supplement materials", actor, c.intakeRegion, "intake region");
      requireStatus(c, "supplement materials", [CaseStatus.SUPPLEMENT_REQUESTED]);
      const given = new Set(p.materials.map((m) => m.materialCode));
      const missing = c.requestedMaterialCodes.filter((code) => !given.has(code));
      if (missing.length > 0) {
        throw new XrError(
          ErrorCode.INVALID_ARGUMENT,
          `supplement lacks requested materials ${missing.join(", ")}`,
          {
            details: [
              { path: "materials", issue: `missing requested material codes: ${missing.join(", ")}` },
            ],
          },
        );
      }
      const kept = c.materials.filter((m) => !given.has(m.materialCode));
      return {
        status: CaseStatus.ACCEPTED,
        materials: [...kept, ...p.materials],
        requestedMaterialCodes: [],
      };
    }
    case "CaseWithdrawn":
      requireActor("withdraw", actor, c.intakeRegion, "intake region");
      // The applicant may withdraw while the promised time limit runs, that is until the decision.
      requireStatus(c, "withdraw", OPEN_STATUSES);
      return { status: CaseStatus.WITHDRAWN, reason: p.reason };
    case "HandlingNote":
      requireParty(c, actor);
      if (c.status === CaseStatus.DELIVERED || c.status === CaseStatus.WITHDRAWN) {
        const open = Object.values(CaseStatus).filter(
          (x) => x !== CaseStatus.DELIVERED && x !== CaseStatus.WITHDRAWN,
        );
        throw refuse(c, "add a note", open);
      }
      return {};
    case "SubtaskAssigned": {
      requireActor("assign a subtask", actor, handling, "lead (handling) region");
      requireNewSubtask(c, p.subtaskId, p.region, "subtaskId");
      return { subtasks: [...c.subtasks, newSubtask(p.subtaskId, p.region, p.description, at)] };
    }
    case "SubtaskTakenUp": {
      const subtask = findSubtask(c, p.subtaskId);
      requireActor("take up this subtask", actor, subtask.region, "assigned region");
      if (subtask.completed) throw subtaskIs(p.subtaskId, "done");
      if (subtask.takenUp) throw subtaskIs(p.subtaskId, "already taken up");
      // Withdrawn meanwhile (the events crossed): recorded, whatever the case's status, changing nothing else.
      if (!subtask.cancelled) requireStatus(c, "take up a subtask", IN_HANDLING);
      return { subtasks: updated(c, p.subtaskId, (s) => ({ ...s, takenUp: true })) };
    }
    case "SubtaskCancelled": {
      requireActor("cancel a subtask", actor, handling, "lead (handling) region");
      withdrawable(c, p.subtaskId, "cancel");
      return { subtasks: updated(c, p.subtaskId, (s) => ({ ...s, cancelled: true, note: p.reason })) };
    }
    case "SubtaskReassigned": {
      requireActor("reassign a subtask", actor, handling, "lead (handling) region");
      withdrawable(c, p.subtaskId, "reassign");
      requireNewSubtask(c, p.newSubtaskId, p.region, "newSubtaskId");
      const withdrawn = updated(c, p.subtaskId, (s) => ({
        ...s,
        cancelled: true,
        note: p.reason,
        replacedBy: p.newSubtaskId,
      }));
      return { subtasks: [...withdrawn, newSubtask(p.newSubtaskId, p.region, p.description, at)] };
    }
    case "SubtaskCompleted": {
      const subtask = findSubtask(c, p.subtaskId);
      requireActor("complete this subtask", actor, subtask.region, "assigned region");
      if (subtask.completed) throw subtaskIs(p.subtaskId, "done");
      if (subtask.cancelled) {
        // The lead withdrew it while the collaborator finished it (the events crossed): the work is recorded,
        // the withdrawal and its reason stand, and every party ends with the same subtask in either order.
        return { subtasks: updated(c, p.subtaskId, (s) => ({ ...s, completed: true, takenUp: true })) };
      }
      requireStatus(c, "complete a subtask", IN_HANDLING);
      return {
        subtasks: updated(c, p.subtaskId, (s) => ({ ...s, completed: true, takenUp: true, note: p.note })),
      };
    }
    case "CaseDecided": {
      requireActor("decide", actor, handling, "handling region");
      requireStatus(c, "decide", [CaseStatus.ACCEPTED]);
      const open = openSubtasks(c);
      if (open.length > 0) {
        throw new XrError(
          ErrorCode.FAILED_PRECONDITION,
          `cannot decide: subtasks ${open.map((s) => s.subtaskId).join(", ")} are open`,
          {
            details: open.map((s) => ({
              path: `subtasks.${s.subtaskId}`,
              issue: `subtask of ${s.region} is open`,
            })),
          },
        );
      }
      return { status: CaseStatus.DECIDED, approved: p.approved, reason: p.reason };
    }
    case "ResultMailed":
      requireActor("mail the result", actor, handling, "handling region");
      requireStatus(c, "mail the result", [CaseStatus.DECIDED, CaseStatus.RETURNED]);
      if (c.delivery.method !== DeliveryMethod.MAIL) {
        throw precondition(
          `delivery method is ${c.delivery.method}, not MAIL`,
          "the applicant did not ask for mail delivery",
        );
      }
      return {
        status: CaseStatus.RESULT_MAILED,
        delivery: { ...c.delivery, courier: p.courier, waybillNo: p.waybillNo },
      };
    case "ResultDelivered": {
      if (c.delivery.method === DeliveryMethod.MAIL) {
        requireActor("confirm delivery", actor, handling, "handling region");
        requireStatus(c, "confirm delivery", [CaseStatus.RESULT_MAILED]);
      } else {
        const hands = c.delivery.method === DeliveryMethod.WINDOW_PICKUP ? c.intakeRegion : handling;
        requireActor("hand over the result", actor, hands, "region that hands over the result");
        requireStatus(c, "hand over the result", [CaseStatus.DECIDED]);
      }
      return { status: CaseStatus.DELIVERED };
    }
    case "ResultReturned":
      requireActor("register a returned mail", actor, handling, "handling region");
      requireStatus(c, "register a returned mail", [CaseStatus.RESULT_MAILED]);
      return { status: CaseStatus.RETURNED, reason: p.reason };
  }
}

/**
 * Applies one event to a case and returns the new state; throws an
 * {@link XrError} and changes nothing when the event is not allowed.
 */
export function applyEvent(current: CaseState | undefined, event: CaseEvent): CaseState {
  const p = event.payload;
  if (current === undefined) {
    if (p.type !== "CaseSubmitted") {
      throw new XrError(
        ErrorCode.NOT_FOUND,
        `case ${event.caseId} is unknown; first event must be CaseSubmitted`,
      );
    }
    if (event.sourceRegion !== p.case.intakeRegion) {
      throw new XrError(ErrorCode.PERMISSION_DENIED, "only the intake region may submit a case");
    }
    return { ...p.case, status: CaseStatus.SUBMITTED, version: 1, updatedAt: event.occurredAt };
  }
  const change = transition(current, p, event.sourceRegion, event.occurredAt);
  return { ...current, ...change, version: current.version + 1, updatedAt: event.occurredAt };
}
