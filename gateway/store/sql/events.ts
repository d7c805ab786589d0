/** Statements on `events`, the ledger's history of each case. */
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { LedgerEvent } from "../../domain/events.js";
import type { DataCipher } from "../../security/cipher.js";
import { eventPayloadAt } from "./places.js";

/** Statements with `?` placeholders. */
export const EVENTS = {
  insert: `INSERT INTO events (event_id, case_id, source_region, sequence, type, occurred_at, status_after, payload)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  list: `SELECT event_id AS "eventId", case_id AS "caseId", source_region AS "sourceRegion", sequence,
    occurred_at AS "occurredAt", status_after AS "statusAfter", payload FROM events WHERE case_id = ? ORDER BY position`,
} as const;

/** Key of the actor inside a stored payload's JSON; no payload has a field of that name. */
export const ACTOR_KEY = "__actor";

/** Arguments of {@link EVENTS.insert}, the payload sealed. */
export function eventColumns(e: LedgerEvent, cipher: DataCipher): unknown[] {
  // The actor is sealed with the payload (a staff name is personal data at rest): no new column needed.
  const stored = e.actor ? { ...e.payload, [ACTOR_KEY]: e.actor } : e.payload;
  const payload = cipher.sealText(JSON.stringify(stored), eventPayloadAt(e.eventId));
  return [
    e.eventId,
    e.caseId,
    e.sourceRegion,
    e.sequence,
    e.payload.type,
    e.occurredAt,
    e.statusAfter,
    payload,
  ];
}

/** The refusal of an event whose id, or place in its source's sequence, is taken. */
export function duplicateEvent(e: LedgerEvent, cause: unknown): XrError {
  return new XrError(ErrorCode.CONFLICT, `event ${e.eventId} (sequence ${e.sequence}) is already recorded`, {
    cause,
  });
}
