/**
 * The message log in PostgreSQL. Replicas append to one chain: a transaction
 * lock makes them take turns, and the head is read only once the lock is
 * held, so it is the latest committed one.
 */
import type pg from "pg";
import { chain } from "../../audit/chain.js";
import type { LogEntry } from "../../domain/message-log.js";
import type { DataCipher } from "../../security/cipher.js";
import { LOG, logColumns, logHead } from "../sql/log.js";
import { LOCK } from "./locks.js";

/**
 * Text for a column: PostgreSQL cannot store U+0000 in text, SQLite can. What
 * reaches the log of a refused record (its key, its headers) is whatever the
 * sender put there, and must be kept rather than hold the partition.
 */
function storable(s: string): string {
  return s.includes("\0") ? s.replaceAll("\0", "\uFFFD") : s;
}

/** Chains and inserts log records in the caller's transaction; `schema` keys the lock. */
export async function appendLog(
  c: pg.ClientBase,
  schema: string,
  entries: readonly LogEntry[],
  cipher: DataCipher,
): Promise<void> {
  if (entries.length === 0) return;
  await c.query(`SELECT pg_advisory_xact_lock(hashtext($1), ${LOCK.log})`, [schema]);
  const { rows } = await c.query<{ seq: string; hash: string }>(LOG.head);
  // Chained in the form stored, so that the hashes check against what is read back.
  const stored = entries.map((e) => ({
    ...e,
    eventId: storable(e.eventId),
    caseId: storable(e.caseId),
    peer: storable(e.peer),
    at: storable(e.at),
  }));
  const records = chain(logHead(rows[0]), stored).map((r) => logColumns(r, cipher));
  // One statement for the whole batch, one array per column: the lock is held for as short a time as possible.
  await c.query(
    LOG.insertPg,
    (records[0] ?? []).map((_, column) => records.map((r) => r[column])),
  );
}
