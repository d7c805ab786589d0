/**
 * The case state machine (docs/architecture.md, "The two data paths"). `applyEvent` is the
 * single transition function: the acting region runs it before committing an
 * event, and every receiving region runs it again before recording the same
 * event, so an illegal step is refused on both sides and changes nothing.
 * Received, the few events that commute with whatever the receiver applied
 * meanwhile are recorded whatever its status (ApplyOptions.received), so a
 * race between two regions does not end in a dead-letter topic
 * (docs/architecture.md, "Cross-region races").
 */
import {
  type CaseState,
  CaseStatus,
  DeliveryMethod,
  HandlingMode,
  OPEN_STATUSES,
  type Subtask,
} from "./case.js";
import { type ClockRules, foldClock } from "./deadline.js";
import { ErrorCode, XrError } from "./errors.js";
import type { CaseEvent, EventPayload, EventType } from "./events.js";
import { isNegative, RATING_CHANNELS, RATING_LEVELS } from "./rating.js";

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

/** A change of state; `withdrawalRequest: undefined` removes the pending request. */
type Transition = Partial<Omit<CaseState, "caseId" | "version" | "updatedAt" | "withdrawalRequest">> & {
  readonly withdrawalRequest?: CaseState["withdrawalRequest"] | undefined;
};

/** Subtasks that still block 办结: neither completed nor cancelled. */
export function openSubtasks(c: Pick<CaseState, "subtasks">): Subtask[] {
  return c.subtasks.filter((s) => !s.completed && !s.cancelled);
}

/** FAILED_PRECONDITION about one subtask, naming it in `details`. */
function subtaskIs(subtaskId: string, what: string): XrError {
  return new XrError(ErrorCode.FAILED_PRECONDITION, `subtask ${subtaskId} is ${what}`, {
    // "subtask is done" keeps the issue text clients already read (catalogue key subtask.done).
    details: [
      { path: "subtaskId", issue: what === "done" ? "subtask is done" : `subtask ${subtaskId} is ${what}` },
    ],
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

/** Whether {@link applyEvent} applies an event received from its sender. */
export interface ReceiveOptions {
  /**
   * The event was received from the region that sent it, which checked it against its own state: steps that
   * commute with whatever this region applied meanwhile (a note, a collaborator's finished part, a withdrawal
   * request) are recorded whatever the status here, instead of being refused for a race their sender could not
   * see (docs/architecture.md, "Cross-region races").
   */
  readonly received?: boolean;
}

/** How {@link applyEvent} folds the case's clock; without `rules` the clock is left as it was. */
export type ApplyOptions = ReceiveOptions & Partial<ClockFold>;

/**
 * Events that, received, still apply to a case closed here (REJECTED, DELIVERED, WITHDRAWN): an event of
 * one of these types that cannot apply yet may be waiting for its predecessor, not refused for good.
 */
export const RECORDED_WHEN_CLOSED: ReadonlySet<EventType> = new Set([
  "HandlingNote",
  "SubtaskCompleted",
  "SubtaskTakenUp",
  "WithdrawalRequested",
  "WithdrawalRefused",
  // 好差评 comes only once the case is over (delivered or refused), and its 整改 answer after it.
  "CaseRated",
  "RectificationAnswered",
]);

/** Steps a pending withdrawal request holds up until the handling region answers it. */
const HELD_BY_WITHDRAWAL: ReadonlySet<EventPayload["type"]> = new Set([
  "CaseAccepted",
  "CaseRejected",
  "SupplementRequested",
  "SupplementProvided",
  "SubtaskAssigned",
  // Reassigning hands work to a region, as assigning does; cancelling a subtask (only ends work) and the
  // collaborator's take-up and completion (as SubtaskCompleted) do not wait for the answer.
  "SubtaskReassigned",
  "CaseDecided",
  "ResultMailed",
  "ResultDelivered",
  "ResultReturned",
  "CaseWithdrawn",
  "WithdrawalRequested",
  "CaseSuspended",
  "CaseResumed",
]);

function requireNoPendingWithdrawal(c: CaseState, p: EventPayload, actor: string): void {
  if (c.withdrawalRequest === undefined || !HELD_BY_WITHDRAWAL.has(p.type)) return;
  const who =
    actor === c.handlingRegion
      ? "answer it first (confirm-withdrawal or refuse-withdrawal)"
      : "wait for the handling region's answer";
  throw precondition(
    `case ${c.caseId} has a pending withdrawal request: ${who}`,
    "a withdrawal request is pending",
  );
}

function requirePendingWithdrawal(c: CaseState, what: string): void {
  if (c.withdrawalRequest === undefined) {
    throw precondition(
      `cannot ${what}: case ${c.caseId} has no pending withdrawal request`,
      "no withdrawal request is pending",
    );
  }
}

function transition(
  c: CaseState,
  p: EventPayload,
  actor: string,
  received: boolean,
  occurredAt: string,
): Transition {
  const handling = c.handlingRegion;
  // What this region sends waits for the answer to a pending withdrawal; what it receives was sent before
  // its sender knew of the request (the sender checked), and applies.
  if (!received) requireNoPendingWithdrawal(c, p, actor);
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
      requireRunning(c, "request a supplement");
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
      return { status: CaseStatus.WITHDRAWN, reason: p.reason, suspension: undefined };
    case "WithdrawalRequested":
      requireActor("request a withdrawal", actor, c.intakeRegion, "intake region");
      if (c.withdrawalRequest !== undefined) {
        throw precondition(
          `case ${c.caseId} already has a pending withdrawal request`,
          "a withdrawal request is pending",
        );
      }
      // Received, it is recorded whatever happened here meanwhile: the handling region answers it (replies.ts).
      if (!received) requireStatus(c, "request a withdrawal", OPEN_STATUSES);
      return { withdrawalRequest: { reason: p.reason, requestedAt: "" } };
    case "WithdrawalConfirmed":
      requireActor("confirm a withdrawal", actor, handling, "handling region");
      requirePendingWithdrawal(c, "confirm a withdrawal");
      requireStatus(c, "confirm a withdrawal", OPEN_STATUSES);
      return {
        status: CaseStatus.WITHDRAWN,
        reason: p.reason,
        withdrawalRequest: undefined,
        suspension: undefined,
      };
    case "WithdrawalRefused":
      requireActor("refuse a withdrawal", actor, handling, "handling region");
      requirePendingWithdrawal(c, "refuse a withdrawal");
      // Whatever the status: the answer may come after a decision that crossed the request.
      return { withdrawalRequest: undefined };
    case "HandlingNote":
      requireParty(c, actor);
      // A note received after the case closed here was written while it was open at its sender: kept.
      if (received) return {};
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
      return { subtasks: [...c.subtasks, newSubtask(p.subtaskId, p.region, p.description, occurredAt)] };
    }
    case "SubtaskTakenUp": {
      const subtask = findSubtask(c, p.subtaskId);
      requireActor("take up this subtask", actor, subtask.region, "assigned region");
      if (subtask.completed) throw subtaskIs(p.subtaskId, "done");
      if (subtask.takenUp) throw subtaskIs(p.subtaskId, "already taken up");
      // Withdrawn meanwhile (the events crossed): recorded, whatever the case's status, changing nothing else.
      // Received after the lead closed the case (a withdrawal confirmed meanwhile): taken up while open there.
      if (!subtask.cancelled && !received) requireStatus(c, "take up a subtask", IN_HANDLING);
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
      return { subtasks: [...withdrawn, newSubtask(p.newSubtaskId, p.region, p.description, occurredAt)] };
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
      // Received after the lead closed the case (a withdrawal confirmed meanwhile), the part is still done.
      if (!received) requireStatus(c, "complete a subtask", IN_HANDLING);
      return {
        subtasks: updated(c, p.subtaskId, (s) => ({ ...s, completed: true, takenUp: true, note: p.note })),
      };
    }
    case "CaseDecided": {
      requireActor("decide", actor, handling, "handling region");
      requireStatus(c, "decide", [CaseStatus.ACCEPTED]);
      requireRunning(c, "decide");
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
      // A returned mail goes out again only once the intake window has corrected where it goes
      // (DeliveryCorrected clears the returned waybill); otherwise it would come back again.
      if (c.status === CaseStatus.RETURNED && c.delivery.waybillNo !== "") {
        throw precondition(
          `cannot mail case ${c.caseId} again: the intake region has not corrected the delivery since the mail was returned`,
          "delivery not corrected since the mail was returned",
        );
      }
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
    case "DeliveryCorrected":
      requireActor("correct the delivery", actor, c.intakeRegion, "intake region");
      requireStatus(c, "correct the delivery", [CaseStatus.RETURNED]);
      if (p.delivery.method !== DeliveryMethod.MAIL) {
        throw XrError.invalid("delivery.method", "must be MAIL: the result is mailed again");
      }
      // The old waybill is gone with the corrected address: the next ResultMailed fills it in.
      return { delivery: { ...p.delivery, courier: "", waybillNo: "" }, reason: p.reason };
    case "CaseSuspended":
      requireActor("suspend the time limit", actor, handling, "handling region");
      requireStatus(c, "suspend the time limit", [CaseStatus.ACCEPTED]);
      requireRunning(c, "suspend the time limit");
      return {
        suspension: { kind: p.kind, reason: p.reason, expectedDays: p.expectedDays, since: occurredAt },
      };
    case "CaseResumed":
      requireActor("resume the time limit", actor, handling, "handling region");
      requireStatus(c, "resume the time limit", [CaseStatus.ACCEPTED]);
      if (c.suspension === undefined) {
        throw precondition(`cannot resume: case ${c.caseId} is not suspended`, "the case is not suspended");
      }
      return { suspension: undefined };
    case "CaseRated":
      return { rating: rated(c, p, actor, occurredAt) };
    case "RectificationAnswered": {
      requireActor("answer the rectification", actor, handling, "handling region");
      const r = c.rating?.rectification;
      if (c.rating === undefined || r === undefined || r.answeredAt !== "") {
        throw precondition(
          `cannot answer a rectification: case ${c.caseId} has no open rectification`,
          "no rectification is open",
        );
      }
      return { rating: { ...c.rating, rectification: { ...r, answer: p.answer, answeredAt: occurredAt } } };
    }
  }
}

/** Statuses after which a refused case (approved false) may be rated: its notice may still be on its way. */
const AFTER_REFUSAL: readonly CaseStatus[] = [
  CaseStatus.DECIDED,
  CaseStatus.RESULT_MAILED,
  CaseStatus.RETURNED,
  CaseStatus.DELIVERED,
];

/** Whether the service of case `c` is over for its applicant (好差评 may come): delivered, or refused. */
function serviceOver(c: CaseState): boolean {
  if (c.status === CaseStatus.DELIVERED || c.status === CaseStatus.REJECTED) return true;
  return c.approved === false && AFTER_REFUSAL.includes(c.status);
}

/** The rating of a CaseRated event: once per case (一次一评), by the intake region, after the service. */
function rated(
  c: CaseState,
  p: Extract<EventPayload, { type: "CaseRated" }>,
  actor: string,
  occurredAt: string,
): NonNullable<CaseState["rating"]> {
  requireActor("rate the service", actor, c.intakeRegion, "intake region");
  if (c.rating !== undefined) {
    throw precondition(`case ${c.caseId} was rated already (一次一评)`, "the case is rated already");
  }
  if (!serviceOver(c)) {
    throw precondition(
      `cannot rate: case ${c.caseId} is ${c.status}, needs DELIVERED or a refusal`,
      "not delivered or refused yet",
    );
  }
  if (!RATING_LEVELS.includes(p.level)) throw XrError.invalid("ratingLevel", `unknown level ${p.level}`);
  if (!RATING_CHANNELS.includes(p.channel)) throw XrError.invalid("channel", `unknown channel ${p.channel}`);
  const negative = isNegative(p.level);
  // Every party holds the same due date: the rating region counted it on its calendar, like a deadline.
  if (negative !== /^\d{4}-\d{2}-\d{2}$/.test(p.rectificationDue)) {
    throw XrError.invalid(
      "rectificationDue",
      negative ? "is required for a negative rating" : "must be empty unless the rating is negative",
    );
  }
  return {
    level: p.level,
    tags: [...p.tags],
    text: p.text,
    channel: p.channel,
    ratedAt: occurredAt,
    ...(negative ? { rectification: { dueOn: p.rectificationDue, answer: "", answeredAt: "" } } : {}),
  };
}

/** A 特别程序 under way stops the clock: resume it before acting on the case's outcome. */
function requireRunning(c: CaseState, what: string): void {
  if (c.suspension !== undefined) {
    throw precondition(
      `cannot ${what}: case ${c.caseId} is suspended (${c.suspension.kind}); resume it first`,
      "the case is suspended",
    );
  }
}

/**
 * How {@link applyEvent} keeps the case's clock. Without it (the window page's preview) the clock is
 * carried unchanged. `uncovered: "keep"` (the inbox) keeps the previous clock when a date falls in a year
 * the holiday data lacks, so that a partner's event is never refused for this region's calendar; the
 * acting region uses "throw" and refuses the action with CALENDAR_UNCOVERED.
 */
export interface ClockFold {
  readonly rules: ClockRules;
  readonly uncovered: "throw" | "keep";
}

function withClock(
  before: CaseState | undefined,
  after: CaseState,
  event: CaseEvent,
  fold?: ClockFold,
): CaseState {
  if (fold === undefined) return after;
  const p = event.payload;
  try {
    const clock = foldClock(
      before?.clock,
      after,
      { occurredAt: event.occurredAt, type: p.type },
      fold.rules,
      p.type === "CaseSuspended" ? p.kind : undefined,
    );
    return { ...after, clock };
  } catch (err) {
    if (fold.uncovered === "keep" && err instanceof XrError && err.code === ErrorCode.CALENDAR_UNCOVERED) {
      return after;
    }
    throw err;
  }
}

/**
 * Applies one event to a case and returns the new state; throws an
 * {@link XrError} and changes nothing when the event is not allowed.
 * With `fold`, the case's clock (domain/deadline.ts) follows the event.
 */
export function applyEvent(
  current: CaseState | undefined,
  event: CaseEvent,
  options: ApplyOptions = {},
): CaseState {
  const p = event.payload;
  const { rules, uncovered } = options;
  const fold = rules && uncovered ? { rules, uncovered } : undefined;
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
    // The submitted case's own clock and suspension are not taken on trust: each party folds its own.
    const { clock: _c, suspension: _s, rating: _r, ...submitted } = p.case;
    const first = { ...submitted, status: CaseStatus.SUBMITTED, version: 1, updatedAt: event.occurredAt };
    return withClock(undefined, first, event, fold);
  }
  const change = transition(current, p, event.sourceRegion, options.received === true, event.occurredAt);
  const { withdrawalRequest, ...rest } = { ...current, ...change };
  const next = withClock(
    current,
    { ...rest, version: current.version + 1, updatedAt: event.occurredAt },
    event,
    fold,
  );
  if (withdrawalRequest === undefined) return next;
  // The request's time is its event's, so every ledger holds the same value.
  const requestedAt = p.type === "WithdrawalRequested" ? event.occurredAt : withdrawalRequest.requestedAt;
  return { ...next, withdrawalRequest: { ...withdrawalRequest, requestedAt } };
}
