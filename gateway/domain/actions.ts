/**
 * Turns a requested case action (the flat `xr.v1.CaseAction`) into the event
 * it would emit. Field checks happen here; whether the action is allowed now
 * is decided by {@link applyEvent} in lifecycle.ts.
 */
import type { Delivery, Material } from "./case.js";
import type { SuspensionKind } from "./deadline.js";
import { ErrorCode, XrError } from "./errors.js";
import type { EventPayload } from "./events.js";
import { isNegative, RATING_LEVELS, type RatingChannel, type RatingLevel } from "./rating.js";

/** Action names of `POST /api/v1/cases/{id}/actions`. */
export const ACTION_TYPES = [
  "accept",
  "reject",
  "request-supplement",
  "supplement",
  "decide",
  "mail",
  "deliver",
  "return",
  "withdraw",
  "note",
  "assign-subtask",
  "complete-subtask",
  "confirm-withdrawal",
  "refuse-withdrawal",
  "suspend",
  "resume",
  "correct-delivery",
  "take-up-subtask",
  "cancel-subtask",
  "reassign-subtask",
  "rate",
  "answer-rectification",
] as const;

/** One of {@link ACTION_TYPES}. */
export type ActionType = (typeof ACTION_TYPES)[number];

/** Steps on 多地联办 subtasks: assigning one, and the steps on one subtask (take up, complete, cancel, reassign). */
export type SubtaskAction =
  | "assign-subtask"
  | "complete-subtask"
  | "take-up-subtask"
  | "cancel-subtask"
  | "reassign-subtask";

/** `xr.v1.CaseAction` after shape validation. */
export interface CaseAction {
  readonly type: ActionType;
  readonly reason?: string | undefined;
  readonly materialCodes?: readonly string[] | undefined;
  readonly materials?: readonly Material[] | undefined;
  readonly approved?: boolean | undefined;
  readonly courier?: string | undefined;
  readonly waybillNo?: string | undefined;
  readonly subtaskId?: string | undefined;
  readonly region?: string | undefined;
  readonly description?: string | undefined;
  readonly note?: string | undefined;
  readonly author?: string | undefined;
  /** suspend: the 特别程序. */
  readonly suspensionKind?: SuspensionKind | undefined;
  /** suspend: working days it is expected to take. */
  readonly expectedDays?: number | undefined;
  /** correct-delivery: where the result goes now. */
  readonly delivery?: Delivery | undefined;
  /** rate: one of the five 好差评 levels (the applicant's own words go in `note`). */
  readonly ratingLevel?: RatingLevel | undefined;
  /** rate: tags from the configured list. */
  readonly ratingTags?: readonly string[] | undefined;
  /** rate: who records it; not part of the REST body (staff record at the window: WINDOW). */
  readonly ratedBy?: RatingChannel | undefined;
}

/** What planning an action needs to know besides the action itself. */
export interface ActionContext {
  /** Deadline if the case were accepted now. */
  readonly deadlineIfAcceptedNow: string;
  /** A fresh identifier for a new subtask. */
  readonly newSubtaskId: string;
  /** Material codes the case's matter asks for (handling region's catalog). */
  readonly matterMaterialCodes: ReadonlySet<string>;
  /** The reason of the case's pending withdrawal request, if it has one. */
  readonly withdrawalReason?: string | undefined;
  /** Tags a rating may carry (config `rating.tags`). */
  readonly ratingTags?: ReadonlySet<string> | undefined;
  /**
   * The rectification's time limit if the case were rated now (15 working days); a function, because only a
   * negative rating asks for it and a date in a year the calendar lacks is refused (CALENDAR_UNCOVERED).
   */
  readonly rectificationDueIfRatedNow?: (() => string) | undefined;
}

function requireKnownMaterials(
  codes: readonly string[],
  known: ReadonlySet<string>,
  path: (i: number) => string,
): void {
  const details = codes.flatMap((code, i) =>
    known.has(code) ? [] : [{ path: path(i), issue: `the matter does not ask for material ${code}` }],
  );
  if (details.length > 0) {
    throw new XrError(ErrorCode.INVALID_ARGUMENT, details.map((d) => `${d.path}: ${d.issue}`).join("; "), {
      details,
    });
  }
}

/** A delivery the result can be mailed to again: every field of the address given (INVALID_ARGUMENT names each missing one). */
function mailDelivery(d: Delivery): Delivery {
  const details = (["recipient", "mobile", "address", "postalCode"] as const)
    .filter((f) => d[f] === "")
    .map((f) => ({ path: `delivery.${f}`, issue: "is required for mail delivery" }));
  if (d.method !== "MAIL")
    details.unshift({ path: "delivery.method", issue: "must be MAIL: the result is mailed again" });
  if (details.length > 0) {
    throw new XrError(ErrorCode.INVALID_ARGUMENT, details.map((x) => `${x.path}: ${x.issue}`).join("; "), {
      details,
    });
  }
  return { ...d, courier: "", waybillNo: "" };
}

function need<T>(value: T | undefined, path: string, issue: string): T {
  if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
    throw new XrError(ErrorCode.INVALID_ARGUMENT, `${path} ${issue}`, { details: [{ path, issue }] });
  }
  return value;
}

/** The event payload an action emits; throws INVALID_ARGUMENT naming a missing field. */
export function planAction(a: CaseAction, ctx: ActionContext): EventPayload {
  switch (a.type) {
    case "accept":
      return { type: "CaseAccepted", deadline: ctx.deadlineIfAcceptedNow };
    case "reject":
      return { type: "CaseRejected", reason: need(a.reason, "reason", "is required to refuse a case") };
    case "request-supplement": {
      const codes = need(a.materialCodes, "materialCodes", "must list the materials to supplement");
      requireKnownMaterials(codes, ctx.matterMaterialCodes, (i) => `materialCodes[${i}]`);
      return {
        type: "SupplementRequested",
        reason: need(a.reason, "reason", "is required for a supplement request"),
        materialCodes: [...new Set(codes)],
      };
    }
    case "supplement": {
      const materials = need(a.materials, "materials", "must list the materials");
      requireKnownMaterials(
        materials.map((m) => m.materialCode),
        ctx.matterMaterialCodes,
        (i) => `materials[${i}].materialCode`,
      );
      return { type: "SupplementProvided", materials };
    }
    case "decide":
      return {
        type: "CaseDecided",
        approved: need(a.approved, "approved", "is required (true or false)"),
        reason: a.approved === false ? need(a.reason, "reason", "is required to deny") : (a.reason ?? ""),
      };
    case "mail":
      return {
        type: "ResultMailed",
        courier: need(a.courier, "courier", "is required"),
        waybillNo: need(a.waybillNo, "waybillNo", "is required"),
      };
    case "deliver":
      return { type: "ResultDelivered" };
    case "return":
      return { type: "ResultReturned", reason: need(a.reason, "reason", "is required") };
    case "withdraw":
      // A request: the handling region confirms or refuses it (lifecycle.ts); CaseWithdrawn is no longer sent.
      return { type: "WithdrawalRequested", reason: need(a.reason, "reason", "is required to withdraw") };
    case "confirm-withdrawal":
      return { type: "WithdrawalConfirmed", reason: ctx.withdrawalReason ?? "" };
    case "refuse-withdrawal":
      return {
        type: "WithdrawalRefused",
        reason: need(a.reason, "reason", "is required to refuse a withdrawal"),
        caseStatus: "CASE_STATUS_UNSPECIFIED",
      };
    case "note":
      return { type: "HandlingNote", author: a.author ?? "", text: need(a.note, "note", "is required") };
    case "assign-subtask":
      return {
        type: "SubtaskAssigned",
        subtaskId: a.subtaskId ?? ctx.newSubtaskId,
        region: need(a.region, "region", "is required"),
        description: need(a.description, "description", "is required"),
      };
    case "complete-subtask":
      return {
        type: "SubtaskCompleted",
        subtaskId: need(a.subtaskId, "subtaskId", "is required"),
        note: a.note ?? "",
      };
    case "suspend":
      return {
        type: "CaseSuspended",
        kind: need(
          a.suspensionKind,
          "suspensionKind",
          "is required to suspend (HEARING, INSPECTION, EXPERT_REVIEW or PUBLIC_NOTICE)",
        ),
        reason: need(a.reason, "reason", "is required to suspend the time limit"),
        expectedDays: need(a.expectedDays, "expectedDays", "is required to suspend (working days)"),
      };
    case "resume":
      return { type: "CaseResumed", note: a.note ?? "" };
    case "correct-delivery":
      return {
        type: "DeliveryCorrected",
        delivery: mailDelivery(need(a.delivery, "delivery", "is required: where the result goes now")),
        reason: need(a.reason, "reason", "is required to correct the delivery"),
      };
    case "take-up-subtask":
      return { type: "SubtaskTakenUp", subtaskId: need(a.subtaskId, "subtaskId", "is required") };
    case "cancel-subtask":
      return {
        type: "SubtaskCancelled",
        subtaskId: need(a.subtaskId, "subtaskId", "is required"),
        reason: need(a.reason, "reason", "is required to cancel a subtask"),
      };
    case "reassign-subtask":
      return {
        type: "SubtaskReassigned",
        subtaskId: need(a.subtaskId, "subtaskId", "is required"),
        newSubtaskId: ctx.newSubtaskId,
        region: need(a.region, "region", "is required"),
        description: need(a.description, "description", "is required"),
        reason: need(a.reason, "reason", "is required to reassign a subtask"),
      };
    case "rate":
      return ratingPayload(a, ctx);
    case "answer-rectification":
      return {
        type: "RectificationAnswered",
        answer: need(a.note, "note", "is required: what was done about the rating (整改情况)"),
      };
  }
  // Unreachable for typed callers; kept for values that bypassed validation.
  throw XrError.invalid("type", `unknown action ${String((a as { type: unknown }).type)}`);
}

/** CaseRated of a `rate` action: a known level, tags from the configured list, and a due date if negative. */
function ratingPayload(a: CaseAction, ctx: ActionContext): EventPayload {
  const level = need(a.ratingLevel, "ratingLevel", `is required (${RATING_LEVELS.join(", ")})`);
  if (!RATING_LEVELS.includes(level))
    throw XrError.invalid("ratingLevel", `must be one of ${RATING_LEVELS.join(", ")}`);
  const tags = [...new Set(a.ratingTags ?? [])];
  const details = tags.flatMap((t, i) =>
    ctx.ratingTags === undefined || ctx.ratingTags.has(t)
      ? []
      : [{ path: `ratingTags[${i}]`, issue: `is not a configured rating tag: ${t}` }],
  );
  if (details.length > 0) {
    throw new XrError(ErrorCode.INVALID_ARGUMENT, details.map((d) => `${d.path}: ${d.issue}`).join("; "), {
      details,
    });
  }
  const due = isNegative(level) ? ctx.rectificationDueIfRatedNow?.() : "";
  // Every caller that plans actions counts on a calendar (usecases/act-on-case.ts): a bug otherwise.
  if (due === undefined)
    throw new XrError(ErrorCode.INTERNAL, "no calendar to count the rectification's limit");
  return {
    type: "CaseRated",
    level,
    tags,
    text: a.note ?? "",
    channel: a.ratedBy ?? "WINDOW",
    rectificationDue: due,
  };
}
