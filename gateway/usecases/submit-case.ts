/** Remote intake (收件): record a case and forward it to the other parties. */

import { cstDate } from "../domain/calendar.js";
import { type CaseState, CaseStatus } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import { receiptNumber } from "../domain/receipt-number.js";
import { checkSubmission, type SubmitCaseRequest } from "../domain/submission.js";
import type { RegionContext, RequestMeta } from "./context.js";
import { commitEmitted, emit } from "./emit.js";
import { type CaseOutcome, findReplay, scopeKey } from "./idempotency.js";
import { requireMaterialsHeld } from "./materials.js";
import { setTraceCase } from "./trace.js";

/** Checks, records and forwards a new case; replays the first answer for a repeated Idempotency-Key. */
export async function submitCase(
  ctx: RegionContext,
  req: SubmitCaseRequest,
  meta: RequestMeta,
): Promise<CaseOutcome> {
  const key = scopeKey(meta, "submit");
  const earlier = await findReplay(ctx, key);
  if (earlier) return earlier;
  const held = (await ctx.catalogs.ensure(req.handlingRegion)) !== undefined;
  const found = held ? await ctx.catalogs.matter(req.handlingRegion, req.matterCode) : undefined;
  const matter = checkSubmission(req, ctx.federation, ctx.region, { held, matter: found });
  await requireMaterialsHeld(ctx, req.materials, "materials");
  const now = ctx.clock.now();
  const caseId = ctx.ids.next();
  // From here on every log line of this request names the case, here and (through the envelope) downstream.
  setTraceCase(caseId);
  const submittedAt = now.toISOString();
  const today = cstDate(now);
  const initial: CaseState = {
    caseId,
    receiptNo: receiptNumber(req.intakeRegion, today, caseId),
    mode: req.mode,
    matterCode: matter.code,
    matterName: matter.name,
    intakeRegion: req.intakeRegion,
    handlingRegion: req.handlingRegion,
    collaboratingRegions: [...req.collaboratingRegions],
    applicant: req.applicant,
    materials: [...req.materials],
    delivery: req.delivery,
    status: CaseStatus.SUBMITTED,
    submittedAt,
    updatedAt: submittedAt,
    promisedDays: matter.promisedDays,
    deadline: receiptDeadline(ctx, today, matter.promisedDays, matter.code),
    catalogVersion: matter.catalogVersion,
    subtasks: [],
    reason: "",
    requestedMaterialCodes: [],
    version: 0,
  };
  try {
    // A new case id cannot conflict; only a concurrent request with the same key can (below).
    const emitted = await emit(
      ctx,
      caseId,
      undefined,
      { type: "CaseSubmitted", case: initial },
      meta.traceparent,
      meta.actor,
    );
    const outcome = await commitEmitted(ctx, emitted, 0, key);
    ctx.log.info({ caseId, matter: matter.code, handlingRegion: req.handlingRegion }, "case submitted");
    return outcome;
  } catch (err) {
    // A concurrent request with the same key won: answer as it did.
    const earlier =
      err instanceof XrError && err.code === ErrorCode.CONFLICT ? await findReplay(ctx, key) : undefined;
    if (earlier) return earlier;
    throw err;
  }
}

/**
 * The 办结期限 printed on the receipt: the promised limit if the case were accepted today. It is an estimate,
 * not a time limit (the limits are the clock's, domain/deadline.ts), so when it would end in a year the holiday
 * data lacks it is left empty ("counted once accepted") rather than refusing the applicant at the window; the
 * acceptance that starts the real limit is refused with CALENDAR_UNCOVERED then.
 */
function receiptDeadline(ctx: RegionContext, today: string, days: number, matterCode: string): string {
  try {
    return ctx.calendar.addWorkingDays(today, days);
  } catch (err) {
    if (!(err instanceof XrError) || err.code !== ErrorCode.CALENDAR_UNCOVERED) throw err;
    ctx.log.warn(
      { matterCode, err: err.message },
      "receipt deadline left open: holiday data does not reach it",
    );
    return "";
  }
}
