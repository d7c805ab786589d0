/**
 * Where each sealed column lives, as the associated data its ciphertext is
 * bound to (security/cipher.ts): table, column and the row's key. Writes and
 * reads of both dialects name places only through these functions, so a
 * value sealed for one row or column opens nowhere else.
 */
import type { AtRestPlace } from "../../security/cipher.js";

/** `cases.body` of a case. */
export const caseBodyAt = (caseId: string): AtRestPlace => ({ table: "cases", column: "body", row: caseId });

/** `events.payload` of an event. */
export const eventPayloadAt = (eventId: string): AtRestPlace => ({
  table: "events",
  column: "payload",
  row: eventId,
});

/** `idempotency.body` of a key; named in errors by a digest, as the key is the client's. */
export const answerAt = (key: string): AtRestPlace => ({
  table: "idempotency",
  column: "body",
  row: key,
  rowIsSecret: true,
});

/**
 * `outbox.value` of a message. Its id is assigned by the insert, so the
 * message is bound to what routes it instead: topic, key and headers.
 */
export const outboxValueAt = (
  topic: string,
  key: string,
  headers: Readonly<Record<string, string>>,
): AtRestPlace => ({
  table: "outbox",
  column: "value",
  row: `${topic}\0${key}\0${JSON.stringify(Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`,
  label: `an outbox message to ${topic}`,
});

/** `parked.value` of a parked event. */
export const parkedValueAt = (eventId: string): AtRestPlace => ({
  table: "parked",
  column: "value",
  row: eventId,
});

/** `message_log.value` of a record. */
export const logValueAt = (seq: number): AtRestPlace => ({
  table: "message_log",
  column: "value",
  row: String(seq),
  label: `record ${seq}`,
});

/** `notifications.body` of an SMS owed for an event (issue 18): the applicant's mobile and the message's values. */
export const notificationBodyAt = (eventId: string): AtRestPlace => ({
  table: "notifications",
  column: "body",
  row: eventId,
});
