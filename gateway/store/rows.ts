/**
 * Rows of the ledger's tables as both stores read them back (SQLite and
 * PostgreSQL keep the same columns), and how each becomes a domain value,
 * personal data opened with the ledger's cipher.
 */
import type { CaseState, CaseStatus } from "../domain/case.js";
import type { LedgerEvent } from "../domain/events.js";
import type { Direction, LogRecord } from "../domain/message-log.js";
import type { IdempotentResponse, OutboxRecord, ParkedEvent } from "../ports/store.js";
import type { DataCipher } from "../security/cipher.js";

/** A row of `parked`. */
export interface ParkedRow {
  event_id: string;
  case_id: string;
  source_region: string;
  sequence: number;
  value: Uint8Array;
  parked_at: string;
  topic: string;
  reason: string;
}

/** A row of `message_log` (`seq` is a string where the driver reads bigint that way). */
export interface LogRow {
  seq: number | string;
  direction: Direction;
  event_id: string;
  case_id: string;
  peer: string;
  at: string;
  value: Uint8Array;
  prev_hash: string;
  hash: string;
}

/** A row of `events`. */
export interface EventRow {
  event_id: string;
  case_id: string;
  source_region: string;
  sequence: number;
  occurred_at: string;
  status_after: string;
  payload: string;
}

/** A row of `outbox` (`id` bigint and `headers` jsonb in PostgreSQL, integer and JSON text in SQLite). */
export interface OutboxRow {
  id: number | string;
  topic: string;
  key: string;
  value: Uint8Array;
  headers: string | Record<string, string>;
}

/** The columns of `cases` a case is read from. */
export interface CaseRow {
  status: string;
  body: string;
}

/** The columns of `idempotency` a stored answer is read from. */
export type IdempotencyRow = { key: string; requestHash: string; body: string };

/** A stored answer: the case as the key's first request left it. */
export function idempotentFromRow(r: IdempotencyRow, cipher: DataCipher): IdempotentResponse {
  return { key: r.key, requestHash: r.requestHash, state: JSON.parse(cipher.openText(r.body)) as CaseState };
}

/** A log record; a value whose ciphertext fails authentication reads as empty, so the chain reports it. */
export function logFromRow(r: LogRow, cipher: DataCipher): LogRecord {
  let value: Uint8Array;
  try {
    value = new Uint8Array(cipher.open(r.value));
  } catch {
    value = new Uint8Array();
  }
  return {
    seq: Number(r.seq),
    direction: r.direction,
    eventId: r.event_id,
    caseId: r.case_id,
    peer: r.peer,
    at: r.at,
    value,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** A parked event with its envelope opened. */
export function parkedFromRow(r: ParkedRow, cipher: DataCipher): ParkedEvent {
  return {
    eventId: r.event_id,
    caseId: r.case_id,
    sourceRegion: r.source_region,
    sequence: r.sequence,
    value: new Uint8Array(cipher.open(r.value)),
    parkedAt: r.parked_at,
    topic: r.topic,
    reason: r.reason,
  };
}

/** A case: its body opened, its status from the column, which is the truth (forwarding changes only it). */
export function caseFromRow(r: CaseRow, cipher: DataCipher): CaseState {
  return { ...(JSON.parse(cipher.openText(r.body)) as CaseState), status: r.status as CaseStatus };
}

/** A ledger event with its payload opened. */
export function eventFromRow(r: EventRow, cipher: DataCipher): LedgerEvent {
  return {
    eventId: r.event_id,
    caseId: r.case_id,
    sourceRegion: r.source_region,
    sequence: Number(r.sequence),
    occurredAt: r.occurred_at,
    statusAfter: r.status_after as CaseStatus,
    payload: JSON.parse(cipher.openText(r.payload)),
  };
}

/** An outbox message with its value opened. */
export function outboxFromRow(r: OutboxRow, cipher: DataCipher): OutboxRecord {
  return {
    id: Number(r.id),
    topic: r.topic,
    key: r.key,
    value: new Uint8Array(cipher.open(r.value)),
    headers: typeof r.headers === "string" ? JSON.parse(r.headers) : r.headers,
  };
}
