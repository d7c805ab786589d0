/** Statements on `idempotency`: each `Idempotency-Key` and the case as its first request left it. */

import type { CaseState } from "../../domain/case.js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { IdempotencyKey } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { answerAt } from "./places.js";

/** Statements with `?` placeholders. */
export const IDEMPOTENCY = {
  insert: "INSERT INTO idempotency (key, request_hash, body, created_at) VALUES (?, ?, ?, ?)",
  find: `SELECT key, request_hash AS "requestHash", body FROM idempotency WHERE key = ?`,
} as const;

/**
 * Arguments of {@link IDEMPOTENCY.insert}: the answer is `state` as the use case answered it (not the
 * row's copy, which may keep FORWARDED), sealed like a case body.
 */
export function idempotencyColumns(k: IdempotencyKey, state: CaseState, cipher: DataCipher): unknown[] {
  return [
    k.key,
    k.requestHash,
    cipher.sealText(JSON.stringify(state), answerAt(k.key)),
    new Date().toISOString(),
  ];
}

/** The refusal of a key that another request recorded first. */
export function reusedKey(k: IdempotencyKey, cause: unknown): XrError {
  return new XrError(ErrorCode.CONFLICT, `Idempotency-Key ${k.key} was used concurrently`, { cause });
}
