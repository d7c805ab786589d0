/**
 * The message log's hash chain (non-repudiation): every envelope a region
 * sends or receives becomes one record holding the previous record's hash,
 * so changing, removing or reordering any record breaks every hash after it.
 */
import { createHash } from "node:crypto";
import type { LogEntry, LogRecord } from "../domain/message-log.js";

export type { Direction, LogEntry, LogRecord } from "../domain/message-log.js";

/** Hash of the record before the first. */
export const GENESIS = "0".repeat(64);

/** The hash of a record: over its fields, its value's digest and the previous hash. */
export function recordHash(r: Omit<LogRecord, "hash">): string {
  const valueDigest = createHash("sha256").update(r.value).digest("hex");
  return createHash("sha256")
    .update([r.prevHash, r.seq, r.direction, r.eventId, r.caseId, r.peer, r.at, valueDigest].join("\n"))
    .digest("hex");
}

/** Chains `entries` after the record `head` (seq and hash of the last record). */
export function chain(head: { seq: number; hash: string }, entries: readonly LogEntry[]): LogRecord[] {
  const out: LogRecord[] = [];
  let prev = head;
  for (const e of entries) {
    const unsealed = { ...e, seq: prev.seq + 1, prevHash: prev.hash };
    const record = { ...unsealed, hash: recordHash(unsealed) };
    out.push(record);
    prev = record;
  }
  return out;
}

/** The first problem of a walk over the log, in order. */
export interface ChainBreak {
  readonly seq: number;
  readonly problem: string;
}

/**
 * Walks records in seq order and returns the first break: a gap, a record
 * whose previous hash is not its predecessor's, or one whose hash does not
 * match its content. Undefined when the whole chain holds. `after` is the
 * last record already checked (to walk a long log page by page).
 */
export function firstBreak(
  records: Iterable<LogRecord>,
  after: { seq: number; hash: string } = { seq: 0, hash: GENESIS },
): ChainBreak | undefined {
  let prev = after;
  for (const r of records) {
    if (r.seq !== prev.seq + 1) {
      return { seq: prev.seq + 1, problem: `missing: the log jumps from record ${prev.seq} to ${r.seq}` };
    }
    if (r.prevHash !== prev.hash) {
      return {
        seq: r.seq,
        problem: `its previous hash is not record ${prev.seq}'s hash (removed or reordered before it)`,
      };
    }
    if (recordHash(r) !== r.hash) {
      return { seq: r.seq, problem: "its hash does not match its content (altered)" };
    }
    prev = r;
  }
  return undefined;
}
