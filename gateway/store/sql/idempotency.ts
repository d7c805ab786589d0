/** Statements on `idempotency`: each `Idempotency-Key` and the answer it produced. */
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { IdempotentResponse } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";

/** Statements with `?` placeholders. */
export const IDEMPOTENCY = {
  insert: "INSERT INTO idempotency (key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?)",
  find: `SELECT key, request_hash AS "requestHash", status, body FROM idempotency WHERE key = ?`,
} as const;

/** Arguments of {@link IDEMPOTENCY.insert}, the answer sealed. */
export function idempotencyColumns(k: IdempotentResponse, cipher: DataCipher): unknown[] {
  return [k.key, k.requestHash, k.status, cipher.sealText(k.body), new Date().toISOString()];
}

/** The refusal of a key that another request recorded first. */
export function reusedKey(k: IdempotentResponse, cause: unknown): XrError {
  return new XrError(ErrorCode.CONFLICT, `Idempotency-Key ${k.key} was used concurrently`, { cause });
}
