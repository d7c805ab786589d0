/** Statements on `message_log`, the hash-chained record of every envelope sent and received. */
import { GENESIS } from "../../audit/chain.js";
import type { LogRecord } from "../../domain/message-log.js";
import type { DataCipher } from "../../security/cipher.js";
import { logValueAt } from "./places.js";

const RECORD = `SELECT seq, direction, event_id AS "eventId", case_id AS "caseId", peer, at, value,
  prev_hash AS "prevHash", hash FROM message_log`;

/** Statements with `?` placeholders; a dialect's own variant is written in its own style. */
export const LOG = {
  head: "SELECT seq, hash FROM message_log ORDER BY seq DESC LIMIT 1",
  from: `${RECORD} WHERE seq >= ? ORDER BY seq LIMIT ?`,
  forCase: `${RECORD} WHERE case_id = ? ORDER BY seq`,
  /** A partner's envelopes received here, through the partial index message_log_received. */
  receivedFrom: `${RECORD} WHERE direction = 'received' AND peer = ? AND seq > ? ORDER BY seq LIMIT ?`,
  /** SQLite: one row per run of a prepared statement, in-process and cheap. */
  insertSqlite: `INSERT INTO message_log (seq, direction, event_id, case_id, peer, at, value, prev_hash, hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  /** PostgreSQL: a whole batch in one statement, one array per column, so the log lock is held briefly. */
  insertPg: `INSERT INTO message_log (seq, direction, event_id, case_id, peer, at, value, prev_hash, hash)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::bytea[], $8::text[], $9::text[])`,
} as const;

/** A record's columns in insert order, its value sealed. */
export function logColumns(r: LogRecord, cipher: DataCipher): unknown[] {
  return [
    r.seq,
    r.direction,
    r.eventId,
    r.caseId,
    r.peer,
    r.at,
    cipher.seal(r.value, logValueAt(r.seq)),
    r.prevHash,
    r.hash,
  ];
}

/** seq and hash of the last record, from the row of {@link LOG.head} (bigint seq may read as a string). */
export function logHead(row: { seq: number | string; hash: string } | undefined): {
  seq: number;
  hash: string;
} {
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS };
}
