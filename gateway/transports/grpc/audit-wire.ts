/**
 * `xr.v1.LogCheckpoint` and `xr.v1.DeliveryReceipt` to and from the objects
 * proto-loader reads and writes.
 */
import type { Checkpoint, SignedCheckpoint } from "../../domain/checkpoint.js";
import type { DeliveryReceipt } from "../../domain/receipt.js";

/** `xr.v1.LogCheckpoint` as proto-loader reads and writes it (uint64 as a string, bytes as Buffers). */
export interface WireCheckpoint {
  region?: string;
  seq?: string | number;
  hash?: string;
  at?: string;
  keyId?: string;
  signature?: Uint8Array;
  witness?: string;
  witnessedAt?: string;
  witnessKeyId?: string;
  countersignature?: Uint8Array;
}

/** A checkpoint on the wire. */
export function checkpointToWire(c: SignedCheckpoint | Checkpoint): WireCheckpoint {
  const w = c as Partial<Checkpoint>;
  return {
    region: c.region,
    seq: String(c.seq),
    hash: c.hash,
    at: c.at,
    keyId: c.keyId,
    signature: Buffer.from(c.signature),
    witness: w.witness ?? "",
    witnessedAt: w.witnessedAt ?? "",
    witnessKeyId: w.witnessKeyId ?? "",
    countersignature: Buffer.from(w.countersignature ?? new Uint8Array()),
  };
}

/** A checkpoint from the wire; its fields are checked by whoever takes it. */
export function checkpointFromWire(w: WireCheckpoint): Checkpoint {
  return {
    region: w.region ?? "",
    seq: Number(w.seq ?? 0),
    hash: w.hash ?? "",
    at: w.at ?? "",
    keyId: w.keyId ?? "",
    signature: new Uint8Array(w.signature ?? []),
    witness: w.witness ?? "",
    witnessedAt: w.witnessedAt ?? "",
    witnessKeyId: w.witnessKeyId ?? "",
    countersignature: new Uint8Array(w.countersignature ?? []),
  };
}

/** `xr.v1.DeliveryReceipt` as proto-loader reads and writes it. */
export interface WireReceipt {
  eventId?: string;
  caseId?: string;
  sourceRegion?: string;
  receiver?: string;
  digest?: string;
  receivedAt?: string;
  keyId?: string;
  signature?: Uint8Array;
}

/** A receipt on the wire. */
export function receiptToWire(r: DeliveryReceipt): WireReceipt {
  return { ...r, signature: Buffer.from(r.signature) };
}

/** A receipt from the wire; its fields are checked by whoever takes it. */
export function receiptFromWire(w: WireReceipt): DeliveryReceipt {
  return {
    eventId: w.eventId ?? "",
    caseId: w.caseId ?? "",
    sourceRegion: w.sourceRegion ?? "",
    receiver: w.receiver ?? "",
    digest: w.digest ?? "",
    receivedAt: w.receivedAt ?? "",
    keyId: w.keyId ?? "",
    signature: new Uint8Array(w.signature ?? []),
  };
}
