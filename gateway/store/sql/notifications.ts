/**
 * Statements on `notifications` (issue 18): the SMS owed to applicants,
 * queued with their events and sent by the notification relay. A table of
 * its own rather than rows of `outbox`: the bus relay publishes the whole
 * outbox in commit order, and a slow or failing SMS provider must neither hold
 * up the partners' events nor be retried on the bus's schedule; and a row
 * keyed by its event id is queued once however often the event is applied.
 */
import type { Notification, NotificationKind, NotificationVars } from "../../domain/notifications.js";
import type { PendingNotification } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { notificationBodyAt } from "./places.js";

/** Statements with `?` placeholders, the same in both dialects. */
export const NOTIFICATIONS = {
  insert:
    "INSERT INTO notifications (event_id, case_id, kind, body, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?) " +
    "ON CONFLICT (event_id) DO NOTHING",
  pending:
    "SELECT event_id, case_id, kind, body, attempts FROM notifications " +
    "WHERE sent_at IS NULL AND due_at <= ? ORDER BY created_at, event_id LIMIT ?",
  /** The body (the mobile) is not kept once the provider has the message. */
  sent: "UPDATE notifications SET sent_at = ?, body = NULL WHERE event_id = ? AND sent_at IS NULL",
  failed:
    "UPDATE notifications SET attempts = attempts + 1, due_at = ? WHERE event_id = ? AND sent_at IS NULL",
  stats:
    "SELECT COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS sent, " +
    "COALESCE(SUM(CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END), 0) AS pending, " +
    "COALESCE(SUM(CASE WHEN sent_at IS NULL AND attempts > 0 THEN 1 ELSE 0 END), 0) AS failing " +
    "FROM notifications",
} as const;

/** A row of {@link NOTIFICATIONS.pending}. */
export interface NotificationRow {
  readonly event_id: string;
  readonly case_id: string;
  readonly kind: string;
  readonly body: string;
  readonly attempts: number | string;
}

/** Arguments of {@link NOTIFICATIONS.insert}: the mobile and values sealed to the row. */
export function notificationColumns(n: Notification, cipher: DataCipher, nowIso: string): unknown[] {
  const body = JSON.stringify({ mobile: n.mobile, vars: n.vars });
  return [n.eventId, n.caseId, n.kind, cipher.sealText(body, notificationBodyAt(n.eventId)), nowIso, nowIso];
}

/** A queued notification as read back, its body opened. */
export function notificationFromRow(r: NotificationRow, cipher: DataCipher): PendingNotification {
  const body = JSON.parse(cipher.openText(r.body, notificationBodyAt(r.event_id))) as {
    mobile: string;
    vars: NotificationVars;
  };
  return {
    eventId: r.event_id,
    caseId: r.case_id,
    kind: r.kind as NotificationKind,
    mobile: body.mobile,
    vars: body.vars,
    attempts: Number(r.attempts),
  };
}
