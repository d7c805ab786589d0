/**
 * Statements on `inbox`: the partners' events applied or dead-lettered here,
 * so that a redelivery is recognised and a source's order is kept.
 */
import type { InboxEntry } from "../../ports/store.js";

/** Statements with `?` placeholders. */
export const INBOX = {
  insert: `INSERT INTO inbox (event_id, case_id, source_region, sequence, applied_at, digest)
    VALUES (?, ?, ?, ?, ?, ?)`,
  deadLettered: `INSERT INTO inbox (event_id, case_id, source_region, sequence, applied_at, digest, outcome)
    VALUES (?, ?, ?, ?, ?, ?, 'dead-lettered') ON CONFLICT (event_id) DO NOTHING`,
  /** Takes (case, source) twice. */
  applied: `SELECT COALESCE(MAX(sequence), 0) AS s FROM (
      SELECT sequence FROM events WHERE case_id = ? AND source_region = ?
      UNION ALL SELECT sequence FROM inbox WHERE case_id = ? AND source_region = ?) AS seen`,
  /** Takes the event id twice; `found` is a boolean in PostgreSQL, 0 or 1 in SQLite. */
  hasApplied: `SELECT EXISTS (SELECT 1 FROM events WHERE event_id = ?)
    OR EXISTS (SELECT 1 FROM inbox WHERE event_id = ?) AS found`,
  digest: "SELECT digest FROM inbox WHERE event_id = ?",
} as const;

/** Arguments of {@link INBOX.insert} and {@link INBOX.deadLettered}. */
export function inboxColumns(i: InboxEntry): unknown[] {
  return [i.eventId, i.caseId, i.sourceRegion, i.sequence, new Date().toISOString(), i.digest ?? ""];
}
