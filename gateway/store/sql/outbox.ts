/** Statements on `outbox`: messages written with their event, removed once on the bus. */
import type { OutboxMessage } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { outboxValueAt } from "./places.js";

/** Statements with `?` placeholders; a dialect's own variant is written in its own style. */
export const OUTBOX = {
  insert: "INSERT INTO outbox (topic, key, value, headers) VALUES (?, ?, ?, ?)",
  pending: "SELECT * FROM outbox ORDER BY id LIMIT ?",
  /** SQLite: one prepared statement run per id, in-process and cheap. */
  deleteSqlite: "DELETE FROM outbox WHERE id = ?",
  /** PostgreSQL: the whole list in one round trip. */
  deletePg: "DELETE FROM outbox WHERE id = ANY($1::bigint[])",
} as const;

/** Arguments of {@link OUTBOX.insert}, the value sealed. */
export function outboxColumns(m: OutboxMessage, cipher: DataCipher): unknown[] {
  return [
    m.topic,
    m.key,
    cipher.seal(m.value, outboxValueAt(m.topic, m.key, m.headers)),
    JSON.stringify(m.headers),
  ];
}
