/**
 * A signed envelope on the wire: the envelope's protobuf bytes without a
 * signature, followed by the signature as field 15 (protobuf merges fields in
 * any order, so any decoder reads the whole). Receivers verify over the exact
 * bytes the sender signed, whatever fields they themselves know: no
 * re-encoding, so a newer sender's unknown fields cannot break verification.
 */

/** Field 15, wire type 2 (length-delimited). */
const SIGNATURE_TAG = (15 << 3) | 2;
/** An Ed25519 signature is 64 bytes (varint 0x40). */
const SIGNATURE_BYTES = 64;

/** `unsigned` with `signature` appended as the envelope's signature field. */
export function seal(unsigned: Uint8Array, signature: Uint8Array): Uint8Array {
  if (signature.byteLength !== SIGNATURE_BYTES) throw new Error("an Ed25519 signature is 64 bytes");
  const out = new Uint8Array(unsigned.byteLength + 2 + SIGNATURE_BYTES);
  out.set(unsigned, 0);
  out[unsigned.byteLength] = SIGNATURE_TAG;
  out[unsigned.byteLength + 1] = SIGNATURE_BYTES;
  out.set(signature, unsigned.byteLength + 2);
  return out;
}

/** The signed part and the signature of sealed bytes, or undefined when they carry no trailing signature. */
export function unseal(sealed: Uint8Array): { unsigned: Uint8Array; signature: Uint8Array } | undefined {
  const at = sealed.byteLength - SIGNATURE_BYTES - 2;
  if (at < 0 || sealed[at] !== SIGNATURE_TAG || sealed[at + 1] !== SIGNATURE_BYTES) return undefined;
  return { unsigned: sealed.subarray(0, at), signature: sealed.subarray(at + 2) };
}
