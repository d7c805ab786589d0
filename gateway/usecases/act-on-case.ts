/** A step of the lifecycle taken by this region: accept, decide, mail, … */
import { caseToJson } from "../codec/json.js";
import { type CaseAction, planAction } from "../domain/actions.js";
import { cstDate } from "../domain/calendar.js";
import type { CaseState } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { RegionContext, RequestMeta } from "./context.js";
import { emit, retryOnConflict } from "./emit.js";

/** The answer to an action: HTTP-like status and canonical JSON body of the case. */
export interface ActResult {
  readonly status: number;
  readonly body: string;
  readonly replayed: boolean;
}

/** Applies an action of this region to a case it is party to. */
export async function actOnCase(
  ctx: RegionContext,
  caseId: string,
  action: CaseAction,
  meta: RequestMeta,
): Promise<ActResult> {
  const idemKey = meta.idempotency ? `act:${caseId}:${meta.idempotency.key}` : undefined;
  if (idemKey && meta.idempotency) {
    const found = await ctx.store.findIdempotent(idemKey);
    if (found) {
      if (found.requestHash !== meta.idempotency.requestHash) {
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
  }
  return retryOnConflict(async () => {
    const current: CaseState | undefined = await ctx.store.getCase(caseId);
    if (!current) throw new XrError(ErrorCode.NOT_FOUND, `case ${caseId} not found`);
    const now = ctx.clock.now();
    const payload = planAction(current, action, {
      deadlineIfAcceptedNow: ctx.calendar.addWorkingDays(cstDate(now), current.promisedDays),
      newSubtaskId: `ST-${ctx.ids.next().slice(-8)}`,
    });
    const { event, next, outbox } = await emit(ctx, caseId, current, payload, meta.traceparent);
    const body = JSON.stringify(caseToJson(next, cstDate(now)));
    const idempotency =
      idemKey && meta.idempotency
        ? { key: idemKey, requestHash: meta.idempotency.requestHash, status: 200, body }
        : undefined;
    await ctx.store.commit({
      state: next,
      expectedVersion: current.version,
      events: [event],
      outbox,
      ...(idempotency ? { idempotency } : {}),
    });
    ctx.outboxChanged();
    ctx.log.info({ caseId, action: action.type, status: next.status }, "case action applied");
    return { status: 200, body, replayed: false };
  });
}
