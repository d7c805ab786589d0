/**
 * Rows of the ledger's tables as both stores read them back (the statements
 * name their columns as the domain values do), and how each becomes a domain
 * value, personal data opened with the ledger's cipher at the row's place
 * (sql/places.ts): a value that does not open fails the read. Where PostgreSQL reads
 * a bigint as a string or jsonb as an object, SQLite has a number or JSON text.
 */
import type { CaseState, CaseStatus } from "../domain/case.js";
import type { LedgerEvent } from "../domain/events.js";
import type { LogRecord } from "../domain/message-log.js";
import type { IdempotentResponse, OutboxRecord, ParkedEvent } from "../ports/store.js";
import type { DataCipher } from "../security/cipher.js";
import { ACTOR_KEY } from "./sql/events.js";
import {
  answerAt,
  caseBodyAt,
  eventPayloadAt,
  logValueAt,
  outboxValueAt,
  parkedValueAt,
} from "./sql/places.js";

/** A row of `parked`: the event, its envelope sealed. */
export type ParkedRow = ParkedEvent;

/** A row of `message_log`, its value sealed. */
export type LogRow = Omit<LogRecord, "seq"> & { seq: number | string };

/** A row of `events`, its payload sealed JSON. */
export type EventRow = Omit<LedgerEvent, "payload"> & { payload: string };

/** A row of `outbox`, its value sealed. */
export type OutboxRow = Omit<OutboxRecord, "id" | "headers"> & {
  id: number | string;
  headers: string | Record<string, string>;
};

/** The columns of `cases` a case is read from. */
export interface CaseRow {
  caseId: string;
  status: string;
  body: string;
}

/** The columns of `idempotency` a stored answer is read from. */
export type IdempotencyRow = { key: string; requestHash: string; body: string };

/** A stored answer: the case as the key's first request left it. */
export function idempotentFromRow(r: IdempotencyRow, cipher: DataCipher): IdempotentResponse {
  return {
    key: r.key,
    requestHash: r.requestHash,
    state: JSON.parse(cipher.openText(r.body, answerAt(r.key))) as CaseState,
  };
}

/**
 * A log record. A value that does not open (the cipher has raised the alert)
 * reads as empty, so that walking the chain reports the record by its
 * sequence instead of stopping at the first unreadable one.
 */
export function logFromRow(r: LogRow, cipher: DataCipher): LogRecord {
  const seq = Number(r.seq);
  let value: Uint8Array;
  try {
    value = new Uint8Array(cipher.open(r.value, logValueAt(seq)));
  } catch {
    value = new Uint8Array();
  }
  return { ...r, seq, value };
}

/** A parked event with its envelope opened. */
export function parkedFromRow(r: ParkedRow, cipher: DataCipher): ParkedEvent {
  return { ...r, value: new Uint8Array(cipher.open(r.value, parkedValueAt(r.eventId))) };
}

/** A case: its body opened, its status from the column, which is the truth (forwarding changes only it). */
export function caseFromRow(r: CaseRow, cipher: DataCipher): CaseState {
  return {
    ...(JSON.parse(cipher.openText(r.body, caseBodyAt(r.caseId))) as CaseState),
    status: r.status as CaseStatus,
  };
}

/** A ledger event with its payload opened. */
export function eventFromRow(r: EventRow, cipher: DataCipher): LedgerEvent {
  const { [ACTOR_KEY]: actor, ...payload } = JSON.parse(
    cipher.openText(r.payload, eventPayloadAt(r.eventId)),
  );
  return {
    ...r,
    sequence: Number(r.sequence),
    payload,
    ...(actor ? { actor } : {}),
  };
}

/** An outbox message with its value opened. */
export function outboxFromRow(r: OutboxRow, cipher: DataCipher): OutboxRecord {
  const headers: Record<string, string> = typeof r.headers === "string" ? JSON.parse(r.headers) : r.headers;
  return {
    ...r,
    id: Number(r.id),
    value: new Uint8Array(cipher.open(r.value, outboxValueAt(r.topic, r.key, headers))),
    headers,
  };
}
