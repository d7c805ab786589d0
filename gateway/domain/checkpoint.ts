/**
 * Checkpoints of a region's message log: its head (length and last hash)
 * signed by the region and countersigned by a partner that keeps it. The
 * signing and checking live in codec/checkpoint.ts; the store port and the
 * use cases need only these shapes.
 */

/** A log head as its region signed it. */
export interface SignedCheckpoint {
  readonly region: string;
  /** Records in the log (the head's seq). */
  readonly seq: number;
  /** Hash (hex) of record `seq`; 64 zeros for an empty log. */
  readonly hash: string;
  /** ISO 8601 UTC, signed as written. */
  readonly at: string;
  readonly keyId: string;
  readonly signature: Uint8Array;
}

/** A checkpoint as the partner that keeps it (the witness) countersigned it. */
export interface Checkpoint extends SignedCheckpoint {
  readonly witness: string;
  readonly witnessedAt: string;
  readonly witnessKeyId: string;
  readonly countersignature: Uint8Array;
}
