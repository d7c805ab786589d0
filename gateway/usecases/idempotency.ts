/**
 * `Idempotency-Key` handling shared by the writing use cases: a key is scoped
 * to one operation, remembered with the hash of its request and the case as
 * that request left it, and a retry gets that case again instead of a second change.
 */
import { createHash } from "node:crypto";
import type { CaseState } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { LedgerEvent } from "../domain/events.js";
import type { IdempotencyKey } from "../ports/store.js";
import type { RegionContext, RequestMeta } from "./context.js";

/** What a writing use case did to a case; the transports render it. */
export interface CaseOutcome {
  /** The case as this request left it; on a replay, as the key's first request left it. */
  readonly state: CaseState;
  /** The events this request recorded (none on a replay). */
  readonly events: readonly LedgerEvent[];
  /** True when an earlier outcome was replayed for the same Idempotency-Key. */
  readonly replayed: boolean;
}

/**
 * The facts of a write request: its trace, and its idempotency key (`keyName`, 1–200 characters) with
 * the sha256 of the request it came with.
 */
export function requestMeta(
  traceparent: string,
  key: string | undefined,
  body: unknown,
  keyName: string,
): RequestMeta {
  if (key === undefined) return { traceparent };
  if (key.length === 0 || key.length > 200) throw XrError.invalid(keyName, "must be 1–200 characters");
  const requestHash = createHash("sha256")
    .update(JSON.stringify(body ?? null))
    .digest("hex");
  return { traceparent, idempotency: { key, requestHash } };
}

/** Scopes the request's Idempotency-Key to one operation (e.g. `submit` or `act:<caseId>`), if it has one. */
export function scopeKey(meta: RequestMeta, scope: string): IdempotencyKey | undefined {
  return meta.idempotency
    ? { key: `${scope}:${meta.idempotency.key}`, requestHash: meta.idempotency.requestHash }
    : undefined;
}

/** The remembered outcome for this key; refuses a key reused with another request. */
export async function findReplay(
  ctx: RegionContext,
  key: IdempotencyKey | undefined,
): Promise<CaseOutcome | undefined> {
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
  return { state: found.state, events: [], replayed: true };
}
