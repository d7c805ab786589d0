/** A step of the lifecycle taken by this region: accept, decide, mail, … */
import { caseToJson } from "../codec/json.js";
import { type CaseAction, planAction } from "../domain/actions.js";
import { cstDate } from "../domain/calendar.js";
import type { CaseState } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { RegionContext, RequestMeta } from "./context.js";
import { emit, retryOnConflict } from "./emit.js";
import { findReplay, scopeKey, type WriteResult } from "./idempotency.js";

/** Applies an action of this region to a case it is party to. */
export async function actOnCase(
  ctx: RegionContext,
  caseId: string,
  action: CaseAction,
  meta: RequestMeta,
): Promise<WriteResult> {
  const key = scopeKey(meta, `act:${caseId}`);
  const earlier = await findReplay(ctx, key);
  if (earlier) return earlier;
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
    const idempotency = key ? { ...key, status: 200, body } : undefined;
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
