/** Statements on `parked`: events that wait for their predecessor. */
import type { ParkedEvent } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { parkedValueAt } from "./places.js";

const EVENT = `SELECT event_id AS "eventId", case_id AS "caseId", source_region AS "sourceRegion", sequence,
  value, parked_at AS "parkedAt", topic, reason FROM parked`;

/** Statements with `?` placeholders. */
export const PARKED = {
  /** Nothing when the event, or another at its (case, source, sequence), is parked already. */
  insert: `INSERT INTO parked (event_id, case_id, source_region, sequence, value, parked_at, topic, reason)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING event_id`,
  holder: "SELECT event_id FROM parked WHERE case_id = ? AND source_region = ? AND sequence = ?",
  before: `${EVENT} WHERE parked_at < ? ORDER BY parked_at LIMIT ?`,
  forCase: `${EVENT} WHERE case_id = ? ORDER BY source_region, sequence`,
  count: "SELECT COUNT(*) AS n FROM parked WHERE case_id = ?",
  delete: "DELETE FROM parked WHERE event_id = ?",
} as const;

/** Arguments of {@link PARKED.insert}, the envelope sealed. */
export function parkedColumns(e: ParkedEvent, cipher: DataCipher): unknown[] {
  return [
    e.eventId,
    e.caseId,
    e.sourceRegion,
    e.sequence,
    cipher.seal(e.value, parkedValueAt(e.eventId)),
    e.parkedAt,
    e.topic,
    e.reason,
  ];
}
