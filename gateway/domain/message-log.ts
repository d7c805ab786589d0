/**
 * Records of the message log: every envelope a region sends or receives,
 * hash-chained for non-repudiation. The hashing lives in audit/chain.ts; the
 * store port and the use cases need only these shapes.
 */

/**
 * Which way an envelope went; `receipt`: a partner's signed receipt for an
 * envelope this region sent to it (the record's value is the receipt).
 */
export type Direction = "sent" | "received" | "refused" | "receipt";

/** One record of the log. */
export interface LogRecord {
  /** 1, 2, 3, … without gaps. */
  readonly seq: number;
  readonly direction: Direction;
  readonly eventId: string;
  readonly caseId: string;
  /** The other region: the target of what was sent, the source of what was received. */
  readonly peer: string;
  /** When it was logged (ISO 8601). */
  readonly at: string;
  /** The envelope's bytes exactly as sent or received (signature included). */
  readonly value: Uint8Array;
  readonly prevHash: string;
  readonly hash: string;
}

/** A record before it is chained. */
export type LogEntry = Omit<LogRecord, "seq" | "prevHash" | "hash">;
