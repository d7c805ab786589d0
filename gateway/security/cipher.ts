/**
 * Encryption of personal data at rest (AES-256-GCM, node's crypto): the
 * ledger keeps case bodies, event payloads, stored answers and envelope bytes
 * only as ciphertext, authenticated so that tampering is detected on read.
 *
 * Every value is bound to where it is stored: the associated data of its GCM
 * tag is its table, column and row key, so a ciphertext copied into another
 * row or column fails authentication like a forged one. Nothing is read
 * without opening: a value that is not sealed in the current format (plaintext
 * written into the ledger, or a value of the previous format without
 * associated data) is refused with DATA_LOSS, never returned as it is.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { ErrorCode, XrError } from "../domain/errors.js";

/** The current format: AES-256-GCM with the value's place as associated data. */
const MAGIC = Buffer.from("XRE2");
const TEXT_PREFIX = "xre2:";
/** The previous format (no associated data): read only by `xr ledger reseal`, which re-seals it. */
const MAGIC_V1 = Buffer.from("XRE1");
const TEXT_PREFIX_V1 = "xre1:";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 4 + NONCE_BYTES + TAG_BYTES;

/**
 * Where a sealed value is stored; its associated data. `row` is the row's key
 * (case id, event id, log sequence, …); `label`, when set, names the row in
 * errors and logs instead; `rowIsSecret` names it by a digest of `row` (a key
 * a client chose is not logged), computed only when a value fails.
 */
export interface AtRestPlace {
  readonly table: string;
  readonly column: string;
  readonly row: string;
  readonly label?: string;
  readonly rowIsSecret?: boolean;
}

/** How errors and logs name the row of `at`. */
export function rowLabel(at: AtRestPlace): string {
  if (at.rowIsSecret) return `key sha256:${createHash("sha256").update(at.row).digest("hex").slice(0, 16)}`;
  return at.label ?? at.row;
}

/** The format of a stored value, as far as its prefix tells. */
export type AtRestFormat = "current" | "previous" | "unsealed";

/** Encrypts and decrypts ledger columns, each value bound to its {@link AtRestPlace}. */
export interface DataCipher {
  seal(plain: Uint8Array, at: AtRestPlace): Buffer;
  /** Plaintext of `stored`; DATA_LOSS (an {@link AtRestError}) when it does not authenticate at `at`. */
  open(stored: Uint8Array, at: AtRestPlace): Buffer;
  sealText(plain: string, at: AtRestPlace): string;
  openText(stored: string, at: AtRestPlace): string;
  /**
   * Plaintext of a value sealed in the previous format (no associated data),
   * for the one-time re-sealing of an older ledger; DATA_LOSS when it does not authenticate.
   */
  openPrevious(stored: Uint8Array | string, at: AtRestPlace): Buffer;
}

/** Why a stored value was refused. */
export type AtRestReason = "unsealed" | "previous-format" | "unauthentic";

/**
 * The DATA_LOSS error of a stored value that does not open: which table,
 * column and row (by its label, never a client's raw key) and why.
 */
export class AtRestError extends XrError {
  readonly table: string;
  readonly column: string;
  readonly row: string;
  readonly reason: AtRestReason;

  constructor(place: AtRestPlace, reason: AtRestReason, cause?: unknown) {
    const row = rowLabel(place);
    super(
      ErrorCode.DATA_LOSS,
      `stored ${place.table}.${place.column} of ${row} failed its integrity check (${REASON_TEXT[reason]})`,
      { origin: "gateway", cause },
    );
    this.table = place.table;
    this.column = place.column;
    this.row = row;
    this.reason = reason;
  }
}

const REASON_TEXT: Readonly<Record<AtRestReason, string>> = {
  unsealed: "not sealed",
  "previous-format": "sealed in the previous format; run `xr ledger reseal` once",
  unauthentic: "authentication failed: altered, moved from another row, or another key",
};

/** The format `stored` is in, by its prefix (nothing is decrypted). */
export function atRestFormat(stored: Uint8Array | string): AtRestFormat {
  if (typeof stored === "string") {
    if (stored.startsWith(TEXT_PREFIX)) return "current";
    return stored.startsWith(TEXT_PREFIX_V1) ? "previous" : "unsealed";
  }
  const b = asBuffer(stored);
  if (b.byteLength >= HEADER_BYTES && b.subarray(0, 4).equals(MAGIC)) return "current";
  if (b.byteLength >= HEADER_BYTES && b.subarray(0, 4).equals(MAGIC_V1)) return "previous";
  return "unsealed";
}

/** The associated data of a place: small, built per value, no key derivation. */
function aad(at: AtRestPlace): Buffer {
  return Buffer.from(`xr-at-rest\0${at.table}\0${at.column}\0${at.row}`, "utf8");
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** AES-256-GCM with a random 96-bit nonce per value; `key` is 32 bytes. */
export function aesGcmCipher(key: Uint8Array): DataCipher {
  if (key.byteLength !== 32) throw new Error("the data key must be 32 bytes (AES-256)");
  const k = Buffer.from(key);
  const seal = (plain: Uint8Array, at: AtRestPlace): Buffer => {
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv("aes-256-gcm", k, nonce);
    c.setAAD(aad(at));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([MAGIC, nonce, c.getAuthTag(), body]);
  };
  /** Opens a value whose prefix was checked; `associated` undefined for the previous format. */
  const decrypt = (b: Buffer, at: AtRestPlace, associated: Buffer | undefined): Buffer => {
    try {
      const d = createDecipheriv("aes-256-gcm", k, b.subarray(4, 4 + NONCE_BYTES));
      if (associated) d.setAAD(associated);
      d.setAuthTag(b.subarray(4 + NONCE_BYTES, HEADER_BYTES));
      return Buffer.concat([d.update(b.subarray(HEADER_BYTES)), d.final()]);
    } catch (err) {
      throw new AtRestError(at, "unauthentic", err);
    }
  };
  const open = (stored: Uint8Array, at: AtRestPlace): Buffer => {
    const format = atRestFormat(stored);
    if (format !== "current")
      throw new AtRestError(at, format === "previous" ? "previous-format" : "unsealed");
    return decrypt(asBuffer(stored), at, aad(at));
  };
  const fromText = (stored: string): Buffer => Buffer.from(stored.slice(TEXT_PREFIX.length), "base64");
  return {
    seal,
    open,
    sealText: (plain, at) => TEXT_PREFIX + seal(Buffer.from(plain, "utf8"), at).toString("base64"),
    openText: (stored, at) => {
      const format = atRestFormat(stored);
      if (format !== "current")
        throw new AtRestError(at, format === "previous" ? "previous-format" : "unsealed");
      return open(fromText(stored), at).toString("utf8");
    },
    openPrevious: (stored, at) => {
      if (atRestFormat(stored) !== "previous") throw new AtRestError(at, "unsealed");
      const b = typeof stored === "string" ? fromText(stored) : asBuffer(stored);
      if (!b.subarray(0, 4).equals(MAGIC_V1)) throw new AtRestError(at, "unauthentic");
      return decrypt(b, at, undefined);
    },
  };
}

/**
 * A cipher that reports every value it refuses to `alert` (an operator's log
 * line and a metric) before the read fails.
 */
export function alerting(cipher: DataCipher, alert: (e: AtRestError) => void): DataCipher {
  const reported =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (err) {
        if (err instanceof AtRestError) alert(err);
        throw err;
      }
    };
  return {
    seal: cipher.seal,
    sealText: cipher.sealText,
    open: reported(cipher.open),
    openText: reported(cipher.openText),
    openPrevious: cipher.openPrevious,
  };
}
