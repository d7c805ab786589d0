/**
 * The applicant's own use cases (issue 18, 全程网办): apply FULL_ONLINE from this region straight to the
 * handling region, and follow, supplement, withdraw or correct the delivery of their own cases only. Every
 * read and step goes through {@link myCase}: a case whose applicant is not the signed-in identity is
 * NOT_FOUND, exactly like an unknown id, so case ids cannot be probed.
 */

import type { CaseAction } from "../domain/actions.js";
import { type ApplicantIdentity, applicantFrom, isApplicantOf } from "../domain/applicant.js";
import { type CaseState, HandlingMode } from "../domain/case.js";
import { XrError } from "../domain/errors.js";
import type { LedgerEvent } from "../domain/events.js";
import { checkMobile } from "../domain/ids.js";
import type { SubmitCaseRequest } from "../domain/submission.js";
import { actOnCase } from "./act-on-case.js";
import type { RegionContext, RequestMeta } from "./context.js";
import type { CaseOutcome } from "./idempotency.js";
import { caseNotFound, getCase, listCaseEvents, readCase } from "./queries.js";
import { submitCase } from "./submit-case.js";

/** The steps an applicant takes themselves; every other step is staff's. */
export const APPLICANT_ACTIONS = ["supplement", "withdraw", "correct-delivery"] as const;

/** Fields of a submission the gateway fills in from the sign-in and this region, never from the body. */
const SET_BY_GATEWAY = ["applicant", "mode", "intakeRegion", "collaboratingRegions"] as const;

/** How many of the newest cases {@link listMyCases} looks through. */
const MY_CASES_SCAN = 500;

/** The case, if it is the identity's; NOT_FOUND otherwise. */
export async function myCase(ctx: RegionContext, who: ApplicantIdentity, caseId: string): Promise<CaseState> {
  const c = await getCase(ctx, caseId);
  if (!isApplicantOf(who, c)) throw caseNotFound(caseId);
  return readCase(ctx, caseId);
}

/** The identity's cases at this region, newest first. */
export async function listMyCases(ctx: RegionContext, who: ApplicantIdentity): Promise<CaseState[]> {
  const cases = await ctx.store.listCases({ limit: MY_CASES_SCAN, offset: 0 });
  const mine: CaseState[] = [];
  for (const c of cases) if (isApplicantOf(who, c)) mine.push(await readCase(ctx, c.caseId));
  return mine;
}

/** The timeline of the identity's case, without the staff's internal handling notes. */
export async function myCaseEvents(
  ctx: RegionContext,
  who: ApplicantIdentity,
  caseId: string,
): Promise<LedgerEvent[]> {
  await myCase(ctx, who, caseId);
  return (await listCaseEvents(ctx, caseId)).filter((e) => e.payload.type !== "HandlingNote");
}

/**
 * A FULL_ONLINE application from this region (the applicant's) to `body.handlingRegion`: checked as any
 * submission is (agreements, catalog, materials held here), with the applicant from the verified sign-in.
 * `parse` is the transport's parser of a submission (contract/requests.ts `submitCaseSchema`): use cases do not
 * import the contract layer (architecture test).
 */
export async function applyOnline(
  ctx: RegionContext,
  who: ApplicantIdentity,
  body: unknown,
  meta: RequestMeta,
  parse: (submission: unknown) => SubmitCaseRequest,
): Promise<CaseOutcome> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw XrError.invalid("(body)", "must be a JSON object");
  const given = body as Record<string, unknown>;
  for (const field of SET_BY_GATEWAY) {
    if (field in given) throw XrError.invalid(field, "is set by the gateway from the sign-in: leave it out");
  }
  if (given.mobile !== undefined && typeof given.mobile !== "string")
    throw XrError.invalid("mobile", "must be a string");
  const mobile = typeof given.mobile === "string" ? given.mobile.trim() : "";
  // Named as the applicant sent it, not as the case's applicant.person.mobile it becomes.
  const mobileIssue = mobile === "" ? undefined : checkMobile(mobile);
  if (mobileIssue) throw XrError.invalid("mobile", mobileIssue);
  const { mobile: _mobile, ...rest } = given;
  const request = parse({
    ...rest,
    mode: HandlingMode.FULL_ONLINE,
    intakeRegion: ctx.region,
    collaboratingRegions: [],
    applicant: applicantFrom(who, mobile),
  });
  return submitCase(ctx, request, meta);
}

/** One of {@link APPLICANT_ACTIONS} on the identity's own case. */
export async function actAsApplicant(
  ctx: RegionContext,
  who: ApplicantIdentity,
  caseId: string,
  action: CaseAction,
  meta: RequestMeta,
): Promise<CaseOutcome> {
  if (!(APPLICANT_ACTIONS as readonly string[]).includes(action.type))
    throw XrError.invalid("type", `must be one of ${APPLICANT_ACTIONS.join(", ")}`);
  await myCase(ctx, who, caseId);
  return actOnCase(ctx, caseId, action, meta);
}
