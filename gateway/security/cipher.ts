/**
 * Encryption of personal data at rest (AES-256-GCM, node's crypto): the
 * ledger keeps case bodies, event payloads, stored answers and envelope bytes
 * only as ciphertext, authenticated so that tampering is detected on read.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** Marks ciphertext written by this format, so older plaintext rows still read. */
const MAGIC = Buffer.from("XRE1");
const TEXT_PREFIX = "xre1:";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts and decrypts ledger columns. */
export interface DataCipher {
  seal(plain: Uint8Array): Buffer;
  /** Plaintext of `stored`; rows written before encryption was on pass through unchanged. */
  open(stored: Uint8Array): Buffer;
  sealText(plain: string): string;
  openText(stored: string): string;
}

/** AES-256-GCM with a random 96-bit nonce per value; `key` is 32 bytes. */
export function aesGcmCipher(key: Uint8Array): DataCipher {
  if (key.byteLength !== 32) throw new Error("the data key must be 32 bytes (AES-256)");
  const k = Buffer.from(key);
  const seal = (plain: Uint8Array): Buffer => {
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv("aes-256-gcm", k, nonce);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([MAGIC, nonce, c.getAuthTag(), body]);
  };
  const open = (stored: Uint8Array): Buffer => {
    const b = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    if (b.byteLength < MAGIC.length || !b.subarray(0, MAGIC.length).equals(MAGIC)) return Buffer.from(b);
    const nonce = b.subarray(MAGIC.length, MAGIC.length + NONCE_BYTES);
    const tag = b.subarray(MAGIC.length + NONCE_BYTES, MAGIC.length + NONCE_BYTES + TAG_BYTES);
    const d = createDecipheriv("aes-256-gcm", k, nonce);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(b.subarray(MAGIC.length + NONCE_BYTES + TAG_BYTES)), d.final()]);
  };
  return {
    seal,
    open,
    sealText: (plain) => TEXT_PREFIX + seal(Buffer.from(plain, "utf8")).toString("base64"),
    openText: (stored) =>
      stored.startsWith(TEXT_PREFIX)
        ? open(Buffer.from(stored.slice(TEXT_PREFIX.length), "base64")).toString("utf8")
        : stored,
  };
}

/** Stores values as they are (a ledger opened without a key, e.g. in store unit tests). */
export const PLAINTEXT: DataCipher = {
  seal: (plain) => Buffer.from(plain),
  open: (stored) => Buffer.from(stored),
  sealText: (plain) => plain,
  openText: (stored) => stored,
};
