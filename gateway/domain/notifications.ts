/**
 * Which events the applicant is told of by SMS (issue 18), and what each
 * message says. Pure: the ledger writes what {@link notificationsFor} returns
 * in the same commit as the events, and the notification relay sends it.
 */
import type { CaseState } from "./case.js";
import type { LedgerEvent } from "./events.js";

/** The events an applicant hears of, by the name templates are keyed by in config/notifications.yaml. */
export const NOTIFIED = {
  CaseAccepted: "accepted",
  SupplementRequested: "supplementRequested",
  CaseDecided: "decided",
  ResultMailed: "mailed",
  ResultDelivered: "delivered",
  // 好差评: the handling region answered the applicant's negative rating (the answer itself is not in the SMS).
  RectificationAnswered: "rectificationAnswered",
} as const;

/** A template key: 受理, 补正, 办结, 寄出, 送达, 整改情况. */
export type NotificationKind = (typeof NOTIFIED)[keyof typeof NOTIFIED];

/** Every template key, in the order of a case's life. */
export const NOTIFICATION_KINDS: readonly NotificationKind[] = Object.values(NOTIFIED);

/** What a template may name: `{matterName}` and the like. */
export interface NotificationVars {
  readonly matterName: string;
  readonly caseId: string;
  readonly receiptNo: string;
  readonly courier: string;
  readonly waybillNo: string;
  readonly deadline: string;
  /** 准予 or 不予 for a decision, "" otherwise. */
  readonly decision: string;
}

/** One SMS owed to the applicant, keyed by the event it tells of (its idempotency key at the provider). */
export interface Notification {
  readonly eventId: string;
  readonly caseId: string;
  readonly kind: NotificationKind;
  /** Personal data: sealed in the ledger, shown to nobody but the provider call. */
  readonly mobile: string;
  readonly vars: NotificationVars;
}

/** The number the applicant gave: the person's own, else the delivery contact's (a company's agent). */
export function applicantMobile(c: CaseState): string {
  if ("person" in c.applicant && c.applicant.person.mobile) return c.applicant.person.mobile;
  return c.delivery.mobile;
}

/**
 * The notifications `region` owes for `events`, which led to `state`. Only
 * the intake region sends them: it holds the applicant's number (data
 * minimisation) and sees every event of the case once, so each event is told
 * once in the federation however many parties record it.
 */
export function notificationsFor(
  state: CaseState,
  events: readonly LedgerEvent[],
  region: string,
): Notification[] {
  if (region !== state.intakeRegion) return [];
  const mobile = applicantMobile(state);
  if (!mobile) return [];
  const out: Notification[] = [];
  for (const e of events) {
    const p = e.payload;
    if (!(p.type in NOTIFIED)) continue;
    const kind = NOTIFIED[p.type as keyof typeof NOTIFIED];
    out.push({
      eventId: e.eventId,
      caseId: state.caseId,
      kind,
      mobile,
      vars: {
        matterName: state.matterName,
        caseId: state.caseId,
        receiptNo: state.receiptNo,
        courier: p.type === "ResultMailed" ? p.courier : "",
        waybillNo: p.type === "ResultMailed" ? p.waybillNo : "",
        deadline: p.type === "CaseAccepted" ? p.deadline : state.deadline,
        decision: p.type === "CaseDecided" ? (p.approved ? "准予" : "不予") : "",
      },
    });
  }
  return out;
}

/** Placeholders a template may use. */
export const PLACEHOLDERS: readonly (keyof NotificationVars)[] = [
  "matterName",
  "caseId",
  "receiptNo",
  "courier",
  "waybillNo",
  "deadline",
  "decision",
];

/** Fills `{name}` placeholders (checked against {@link PLACEHOLDERS} when the config is read). */
export function render(template: string, vars: NotificationVars): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) =>
    name in vars ? String(vars[name as keyof NotificationVars]) : all,
  );
}
