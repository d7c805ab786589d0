/**
 * `Idempotency-Key` handling shared by the writing use cases: a key is scoped
 * to one operation, remembered with the hash of its request and the answer,
 * and a retry gets that answer again instead of a second change.
 */
import { ErrorCode, XrError } from "../domain/errors.js";
import type { RegionContext, RequestMeta } from "./context.js";

/** The answer of a writing use case: HTTP-like status and canonical JSON body. */
export interface WriteResult {
  readonly status: number;
  readonly body: string;
  /** True when an earlier answer was replayed for the same Idempotency-Key. */
  readonly replayed: boolean;
}

/** The caller's key scoped to one operation (e.g. `submit` or `act:<caseId>`), if any. */
export interface ScopedKey {
  readonly key: string;
  readonly requestHash: string;
}

/** Scopes the request's Idempotency-Key, if it has one. */
export function scopeKey(meta: RequestMeta, scope: string): ScopedKey | undefined {
  return meta.idempotency
    ? { key: `${scope}:${meta.idempotency.key}`, requestHash: meta.idempotency.requestHash }
    : undefined;
}

/** The remembered answer for this key; refuses a key reused with another request. */
export async function findReplay(
  ctx: RegionContext,
  key: ScopedKey | undefined,
): Promise<WriteResult | undefined> {
  if (!key) return undefined;
  const found = await ctx.store.findIdempotent(key.key);
  if (!found) return undefined;
  if (found.requestHash !== key.requestHash) {
    throw new XrError(
      ErrorCode.INVALID_ARGUMENT,
      "Idempotency-Key was already used with a different request",
      {
        details: [{ path: "Idempotency-Key", issue: "reused with a different body" }],
      },
    );
  }
  return { status: found.status, body: found.body, replayed: true };
}
