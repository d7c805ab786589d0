/**
 * Checkpoints of a region's message log (issue 19): the region signs its
 * log's head (length, last hash, time) and sends it to its partners, each of
 * which checks it against the federation's key registry, countersigns it and
 * keeps it. The log can then no longer be cut, rewritten or re-hashed behind
 * a checkpoint without the partners' copies disagreeing with it.
 *
 * Both signatures are over text with its own prefix, so that neither can be
 * taken for an envelope's signature made with the same key, nor for the other.
 */
import type { Checkpoint, SignedCheckpoint } from "../domain/checkpoint.js";
import type { EnvelopeSigner, SignatureVerifier } from "../ports/signing.js";

export type { Checkpoint, SignedCheckpoint } from "../domain/checkpoint.js";

const te = new TextEncoder();
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** The text a region signs. */
export function checkpointText(c: Omit<SignedCheckpoint, "keyId" | "signature">): Uint8Array {
  return te.encode(["xr-log-checkpoint/1", c.region, c.seq, c.hash, c.at].join("\n"));
}

/** The text a witness signs: the checkpoint's, its signature, and who kept it when. */
export function countersignText(c: Omit<Checkpoint, "witnessKeyId" | "countersignature">): Uint8Array {
  return te.encode(
    [
      "xr-log-checkpoint-witness/1",
      c.region,
      c.seq,
      c.hash,
      c.at,
      c.keyId,
      b64(c.signature),
      c.witness,
      c.witnessedAt,
    ].join("\n"),
  );
}

/** `region`'s checkpoint of the head `{seq, hash}` at `now`. */
export function signCheckpoint(
  region: string,
  head: { seq: number; hash: string },
  now: Date,
  signer: EnvelopeSigner,
): SignedCheckpoint {
  const body = { region, seq: head.seq, hash: head.hash, at: now.toISOString() };
  return { ...body, keyId: signer.keyId, signature: signer.sign(checkpointText(body)) };
}

/** `checkpoint` countersigned by `witness` at `now`. */
export function countersign(
  checkpoint: SignedCheckpoint,
  witness: string,
  now: Date,
  signer: EnvelopeSigner,
): Checkpoint {
  const body = { ...checkpoint, witness, witnessedAt: now.toISOString() };
  return { ...body, witnessKeyId: signer.keyId, countersignature: signer.sign(countersignText(body)) };
}

/** Why a checkpoint's fields are not well formed, or undefined. */
export function checkpointShapeIssue(c: SignedCheckpoint): string | undefined {
  if (!/^[1-8]\d{5}$/.test(c.region)) return "region: must be a six-digit region code";
  if (!Number.isSafeInteger(c.seq) || c.seq < 0) return "seq: must be a whole number of records";
  if (!/^[0-9a-f]{64}$/.test(c.hash)) return "hash: must be 64 hex digits";
  if (c.seq === 0 && !/^0{64}$/.test(c.hash)) return "hash: an empty log's hash is 64 zeros";
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(c.at) || Number.isNaN(Date.parse(c.at)))
    return "at: must be an RFC 3339 UTC time";
  if (c.signature.byteLength !== 64) return "signature: must be 64 bytes";
  return undefined;
}

/** Why the region's signature does not hold, or undefined. */
export function checkpointSignatureIssue(
  c: SignedCheckpoint,
  verifier: SignatureVerifier,
): string | undefined {
  return verifier.verify(c.region, c.keyId, checkpointText(c), c.signature, new Date(c.at));
}

/** Why the region's or the witness's signature does not hold, or undefined. */
export function countersignedIssue(c: Checkpoint, verifier: SignatureVerifier): string | undefined {
  const own = checkpointSignatureIssue(c, verifier);
  if (own) return own;
  return verifier.verify(
    c.witness,
    c.witnessKeyId,
    countersignText(c),
    c.countersignature,
    new Date(c.witnessedAt),
  );
}

/**
 * Why a newly submitted checkpoint contradicts the latest one kept of the same
 * log (`kept`), or undefined: a log only grows, and one length has one hash.
 */
export function contradiction(
  kept: SignedCheckpoint | undefined,
  next: SignedCheckpoint,
): string | undefined {
  if (!kept) return undefined;
  if (next.seq < kept.seq)
    return `the log of ${next.region} went back from ${kept.seq} records (checkpoint of ${kept.at}) to ${next.seq}`;
  if (next.seq === kept.seq && next.hash !== kept.hash)
    return `the log of ${next.region} had record ${kept.seq} with another hash at ${kept.at}`;
  return undefined;
}

/**
 * Compares a kept checkpoint with the local chain: `record` is the local
 * record at the checkpoint's seq (undefined when the log is shorter), `length`
 * the local log's length. Undefined when they agree.
 */
export function chainIssue(
  c: Checkpoint,
  record: { seq: number; hash: string } | undefined,
  length: number,
): string | undefined {
  const by = `checkpoint of record ${c.seq} signed ${c.at}, countersigned by ${c.witness} at ${c.witnessedAt}`;
  if (c.seq === 0) return undefined;
  if (length < c.seq || !record)
    return `${by}: the log holds only ${length} records (cut after the checkpoint)`;
  if (record.hash !== c.hash)
    return `${by}: names hash ${c.hash}, the log's record ${c.seq} has ${record.hash} (rewritten or re-hashed)`;
  return undefined;
}
