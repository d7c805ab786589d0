/**
 * 好差评 (issue 18): the applicant's one rating of a case, recorded by the intake region and sent to the
 * handling region as a signed CaseRated; a negative one opens a rectification (整改) task there.
 */
import type { RatingChannel, RatingInput } from "../domain/rating.js";
import { actOnCase } from "./act-on-case.js";
import type { RegionContext, RequestMeta } from "./context.js";
import type { CaseOutcome } from "./idempotency.js";

/**
 * Rates case `caseId` of this (intake) region: `by` APPLICANT from the applicant's own session (its route
 * checks the case is theirs), WINDOW when a clerk records it on their behalf. Once per case, only after
 * delivery or a refusal (lifecycle.ts); a level, a tag or a calendar year that does not fit changes nothing.
 */
export function rateCase(
  ctx: RegionContext,
  caseId: string,
  rating: RatingInput,
  by: RatingChannel,
  meta: RequestMeta = { traceparent: "" },
): Promise<CaseOutcome> {
  return actOnCase(
    ctx,
    caseId,
    { type: "rate", ratingLevel: rating.level, ratingTags: rating.tags, note: rating.text, ratedBy: by },
    meta,
  );
}
