/**
 * Statements on `checkpoints`: countersigned heads of message logs, this
 * region's own (kept by a partner, `witness`) and its partners' (witnessed
 * here). Nothing in them is personal data; signatures are kept as base64 text
 * so that both dialects store them alike.
 */
import type { Checkpoint } from "../../domain/checkpoint.js";

const COLUMNS = `region, seq, hash, at, key_id AS "keyId", signature, witness, witnessed_at AS "witnessedAt",
  witness_key_id AS "witnessKeyId", countersignature`;

/** Statements with `?` placeholders. */
export const CHECKPOINTS = {
  /** Nothing when a checkpoint of the same log, witness and length is kept already. */
  insert: `INSERT INTO checkpoints (region, seq, hash, at, key_id, signature, witness, witnessed_at,
      witness_key_id, countersignature)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq`,
  latest: `SELECT ${COLUMNS} FROM checkpoints WHERE region = ? AND witness = ? ORDER BY seq DESC LIMIT ?`,
} as const;

/** Statements on `receipt_cursor`: the log's seq up to which each partner has its receipts. */
export const RECEIPT_CURSOR = {
  get: "SELECT seq FROM receipt_cursor WHERE partner = ?",
  /** Only forward: a replica that scanned less does not move it back. */
  set: `INSERT INTO receipt_cursor (partner, seq) VALUES (?, ?)
    ON CONFLICT (partner) DO UPDATE SET seq = excluded.seq WHERE receipt_cursor.seq < excluded.seq`,
} as const;

/** A row of {@link CHECKPOINTS.latest}. */
export interface CheckpointRow {
  region: string;
  seq: number | string;
  hash: string;
  at: string;
  keyId: string;
  signature: string;
  witness: string;
  witnessedAt: string;
  witnessKeyId: string;
  countersignature: string;
}

/** Arguments of {@link CHECKPOINTS.insert}. */
export function checkpointColumns(c: Checkpoint): unknown[] {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
  return [
    c.region,
    c.seq,
    c.hash,
    c.at,
    c.keyId,
    b64(c.signature),
    c.witness,
    c.witnessedAt,
    c.witnessKeyId,
    b64(c.countersignature),
  ];
}

/** A checkpoint from its row. */
export function checkpointFromRow(r: CheckpointRow): Checkpoint {
  const bytes = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
  return {
    region: r.region,
    seq: Number(r.seq),
    hash: r.hash,
    at: r.at,
    keyId: r.keyId,
    signature: bytes(r.signature),
    witness: r.witness,
    witnessedAt: r.witnessedAt,
    witnessKeyId: r.witnessKeyId,
    countersignature: bytes(r.countersignature),
  };
}
