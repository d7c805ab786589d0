/**
 * Delivery receipts (issue 19), as AS4 has them: the receiver of an envelope
 * signs its event id, the sha256 of the bytes it received and when, and hands
 * that back to the sender, which keeps it in its message log. The sender can
 * then prove delivery of exactly what it sent; the receiver cannot deny it.
 * The signature is over text with its own prefix, so that it cannot be taken
 * for an envelope's or a checkpoint's made with the same key.
 */
import { createHash } from "node:crypto";
import type { LogRecord } from "../domain/message-log.js";
import type { DeliveryReceipt } from "../domain/receipt.js";
import type { EnvelopeSigner, SignatureVerifier } from "../ports/signing.js";

export type { DeliveryReceipt } from "../domain/receipt.js";

const te = new TextEncoder();

/** The text a receiver signs. */
export function receiptText(r: Omit<DeliveryReceipt, "keyId" | "signature">): Uint8Array {
  return te.encode(
    ["xr-receipt/1", r.eventId, r.caseId, r.sourceRegion, r.receiver, r.digest, r.receivedAt].join("\n"),
  );
}

/** The sha256 (hex) of an envelope's bytes: what a receipt names. */
export function envelopeDigest(value: Uint8Array): string {
  return createHash("sha256").update(value).digest("hex");
}

/** `receiver`'s receipt for the envelope its log holds as `record` (direction `received`). */
export function signReceipt(record: LogRecord, receiver: string, signer: EnvelopeSigner): DeliveryReceipt {
  const body = {
    eventId: record.eventId,
    caseId: record.caseId,
    sourceRegion: record.peer,
    receiver,
    digest: envelopeDigest(record.value),
    receivedAt: record.at,
  };
  return { ...body, keyId: signer.keyId, signature: signer.sign(receiptText(body)) };
}

/** Why a receipt's fields are not well formed ("field: issue"), or undefined. */
export function receiptShapeIssue(r: DeliveryReceipt): string | undefined {
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(r.eventId)) return "eventId: must be a ULID";
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(r.caseId)) return "caseId: must be a ULID";
  if (!/^[1-8]\d{5}$/.test(r.sourceRegion)) return "sourceRegion: must be a six-digit region code";
  if (!/^[1-8]\d{5}$/.test(r.receiver)) return "receiver: must be a six-digit region code";
  if (!/^[0-9a-f]{64}$/.test(r.digest)) return "digest: must be 64 hex digits";
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(r.receivedAt))
    return "receivedAt: must be an RFC 3339 UTC time";
  if (r.signature.byteLength !== 64) return "signature: must be 64 bytes";
  return undefined;
}

/** Why the receiver's signature does not hold, or undefined. */
export function receiptSignatureIssue(r: DeliveryReceipt, verifier: SignatureVerifier): string | undefined {
  return verifier.verify(r.receiver, r.keyId, receiptText(r), r.signature, new Date(r.receivedAt));
}

/** A receipt as a message-log value: JSON with the signature in base64, fields in a fixed order. */
export function encodeReceipt(r: DeliveryReceipt): Uint8Array {
  return te.encode(
    JSON.stringify({
      eventId: r.eventId,
      caseId: r.caseId,
      sourceRegion: r.sourceRegion,
      receiver: r.receiver,
      digest: r.digest,
      receivedAt: r.receivedAt,
      keyId: r.keyId,
      signature: Buffer.from(r.signature).toString("base64"),
    }),
  );
}

/** The receipt of a message-log value, or undefined when it is not one. */
export function decodeReceipt(value: Uint8Array): DeliveryReceipt | undefined {
  try {
    const o = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(value)) as Record<string, unknown>;
    const text = (k: string) => (typeof o[k] === "string" ? (o[k] as string) : "");
    return {
      eventId: text("eventId"),
      caseId: text("caseId"),
      sourceRegion: text("sourceRegion"),
      receiver: text("receiver"),
      digest: text("digest"),
      receivedAt: text("receivedAt"),
      keyId: text("keyId"),
      signature: new Uint8Array(Buffer.from(text("signature"), "base64")),
    };
  } catch {
    return undefined;
  }
}

/**
 * Checks a `receipt` record of `region`'s log: a receipt signed by the
 * record's peer with its registered key, for an envelope of this region, and
 * naming the digest of the envelope this region logged as sent to that peer
 * (`sent`, the case's sent records). Undefined when it holds.
 */
export function checkLoggedReceipt(
  record: LogRecord,
  region: string,
  verifier: SignatureVerifier,
  sent: readonly LogRecord[],
): string | undefined {
  const r = decodeReceipt(record.value);
  if (!r) return "the receipt does not decode";
  const shape = receiptShapeIssue(r);
  if (shape) return `the receipt's ${shape}`;
  const bad = receiptSignatureIssue(r, verifier);
  if (bad) return bad;
  if (r.sourceRegion !== region) return `the receipt is for ${r.sourceRegion}'s envelope, not ${region}'s`;
  if (r.receiver !== record.peer)
    return `the receipt is ${r.receiver}'s, not the record's peer ${record.peer}'s`;
  if (r.eventId !== record.eventId || r.caseId !== record.caseId)
    return "the receipt's event or case is not the record's";
  const envelope = sent.find(
    (s) => s.direction === "sent" && s.eventId === r.eventId && s.peer === r.receiver,
  );
  if (!envelope) return `no envelope ${r.eventId} to ${r.receiver} was logged as sent`;
  if (envelopeDigest(envelope.value) !== r.digest)
    return `the receipt names other bytes than the envelope logged as sent (record ${envelope.seq})`;
  return undefined;
}
