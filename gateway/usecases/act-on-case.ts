/** A step of the lifecycle taken by this region: accept, decide, mail, … */
import { type CaseAction, planAction } from "../domain/actions.js";
import { cstDate } from "../domain/calendar.js";
import { DEFAULT_RATING_TAGS, RECTIFICATION_WORKING_DAYS } from "../domain/rating.js";
import type { IdempotencyKey } from "../ports/store.js";
import type { RegionContext, RequestMeta } from "./context.js";
import { commitEmitted, emit, retryOnConflict } from "./emit.js";
import { type CaseOutcome, findReplay, scopeKey } from "./idempotency.js";
import { requireMaterialsHeld } from "./materials.js";
import { getCase } from "./queries.js";
import { setTraceCase } from "./trace.js";

/** Applies an action of this region to a case it is party to. */
export async function actOnCase(
  ctx: RegionContext,
  caseId: string,
  action: CaseAction,
  meta: RequestMeta,
): Promise<CaseOutcome> {
  setTraceCase(caseId);
  const key = scopeKey(meta, `act:${caseId}`);
  try {
    return await retryOnConflict(async () => {
      // Looked up on every try: a concurrent request with the same key may have won meanwhile.
      const earlier = await findReplay(ctx, key);
      if (earlier) return earlier;
      return await attempt(ctx, caseId, action, meta, key);
    });
  } catch (err) {
    // The same key's first request committed while this one failed against the state it left.
    const earlier = await findReplay(ctx, key);
    if (earlier) return earlier;
    throw err;
  }
}

async function attempt(
  ctx: RegionContext,
  caseId: string,
  action: CaseAction,
  meta: RequestMeta,
  key: IdempotencyKey | undefined,
): Promise<CaseOutcome> {
  const current = await getCase(ctx, caseId);
  const now = ctx.clock.now();
  // The materials of the catalog version the case was filed under, not of a later one.
  const matter = await ctx.catalogs.matter(
    current.handlingRegion,
    current.matterCode,
    current.catalogVersion,
  );
  const payload = planAction(action, {
    deadlineIfAcceptedNow: ctx.calendar.addWorkingDays(cstDate(now), current.promisedDays),
    newSubtaskId: `ST-${ctx.ids.next().slice(-8)}`,
    matterMaterialCodes: new Set(matter?.materials.map((m) => m.materialCode) ?? []),
    withdrawalReason: current.withdrawalRequest?.reason,
    ratingTags: new Set(ctx.ratingTags ?? DEFAULT_RATING_TAGS),
    rectificationDueIfRatedNow: () => ctx.calendar.addWorkingDays(cstDate(now), RECTIFICATION_WORKING_DAYS),
  });
  if (payload.type === "SupplementProvided") await requireMaterialsHeld(ctx, payload.materials, "materials");
  const emitted = await emit(ctx, caseId, current, payload, meta.traceparent, meta.actor);
  const outcome = await commitEmitted(ctx, emitted, current.version, key);
  ctx.log.info({ caseId, action: action.type, status: emitted.next.status }, "case action applied");
  return outcome;
}
