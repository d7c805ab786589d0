/** Read-side use cases: cases, timelines, regions and catalogs. */
import { agreedModes } from "../domain/agreed-modes.js";
import { cstDate } from "../domain/calendar.js";
import { type CaseState, type CaseStatus, caseParties, type HandlingMode } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { LedgerEvent } from "../domain/events.js";
import { type Matter, partnersOf, type RegionInfo } from "../domain/matter.js";
import { caseFor, eventFor } from "../domain/minimize.js";
import { DEFAULT_RATING_TAGS } from "../domain/rating.js";
import { parseReceiptNumber } from "../domain/receipt-number.js";
import type { Role } from "../domain/staff.js";
import { type CaseStep, caseSteps } from "../domain/steps.js";
import { catalogNotReceived } from "../domain/submission.js";
import type { RegionContext } from "./context.js";

/** The answer for a case id that is unknown here, or that the caller may not know of. */
export function caseNotFound(caseId: string): XrError {
  return new XrError(ErrorCode.NOT_FOUND, `case ${caseId} not found`, {
    details: [{ path: "caseId", issue: "unknown case" }],
  });
}

/** A case by id, or NOT_FOUND. */
export async function getCase(ctx: RegionContext, caseId: string): Promise<CaseState> {
  const c = await ctx.store.getCase(caseId);
  if (!c) throw caseNotFound(caseId);
  return c;
}

/**
 * A case as held, for `caller`: regions that are not party to it get the same
 * NOT_FOUND as for an unknown id, so case ids cannot be probed. Unshaped: for
 * checks (materials), never to be shown; readers get {@link readCase}.
 */
export async function getCaseFor(ctx: RegionContext, caller: string, caseId: string): Promise<CaseState> {
  const c = await getCase(ctx, caseId);
  if (caller !== ctx.region && !caseParties(c).includes(caller)) throw caseNotFound(caseId);
  return c;
}

/**
 * A case as `viewer` may read it: this region's own staff (the default) or a
 * partner region party to it (gRPC), shaped by the same minimisation as the
 * bus payloads sent to that region (domain/minimize.ts).
 */
export async function readCase(ctx: RegionContext, caseId: string, viewer = ctx.region): Promise<CaseState> {
  return caseFor(await getCaseFor(ctx, viewer, caseId), viewer);
}

/** The timeline of a case, in the order this ledger recorded it, as `viewer` may read it (see {@link readCase}). */
export async function listCaseEvents(
  ctx: RegionContext,
  caseId: string,
  viewer = ctx.region,
): Promise<LedgerEvent[]> {
  const c = await getCaseFor(ctx, viewer, caseId);
  return (await ctx.store.listEvents(caseId)).map((e) => eventFor(e, viewer, c));
}

/** Query of {@link listCases}. */
export interface CaseQuery {
  readonly status?: CaseStatus | undefined;
  readonly region?: string | undefined;
  readonly overdue?: boolean | undefined;
  /** A receipt number as typed at a window (domain/receipt-number.ts). */
  readonly receiptNo?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** Cases of this ledger, newest first, as this region's staff may read them (see {@link readCase}). */
export async function listCases(ctx: RegionContext, q: CaseQuery): Promise<CaseState[]> {
  const today = cstDate(ctx.clock.now());
  // Any window of a region party to the case finds it by the number on the applicant's receipt.
  const receipt = q.receiptNo === undefined ? undefined : parseReceiptNumber(q.receiptNo);
  const cases = await ctx.store.listCases({
    status: q.status,
    region: q.region,
    overdueOn: q.overdue ? today : undefined,
    receiptNo: receipt && { intakeRegion: receipt.intakeRegion, caseIdSuffix: receipt.caseIdSuffix },
    limit: q.limit,
    offset: q.offset,
  });
  const found = receipt ? cases.filter((c) => c.receiptNo === receipt.receiptNo) : cases;
  return found.map((c) => caseFor(c, ctx.region));
}

/** A region with the facts `GET /regions` shows. */
export interface RegionSummary extends RegionInfo {
  readonly partners: string[];
  readonly catalogVersion: string;
  readonly matterCount: number;
}

/** Every member of the federation, with the catalog version this gateway holds of each. */
export function listRegions(ctx: RegionContext): RegionSummary[] {
  return [...ctx.federation.regions.values()].map((r) => {
    const held = ctx.catalogs.held(r.code);
    return {
      ...r,
      partners: partnersOf(ctx.federation, r.code),
      catalogVersion: held?.version ?? "",
      matterCount: held?.matterCount ?? 0,
    };
  });
}

/** Query of {@link listMatters}. */
export interface MatterQuery {
  readonly regionCode: string;
  readonly q?: string | undefined;
  readonly mode?: HandlingMode | undefined;
  readonly pageSize: number;
  readonly pageToken?: string | undefined;
}

/** A page of a region's catalog. */
export interface MatterPage {
  readonly matters: Matter[];
  readonly nextPageToken: string;
  readonly catalogVersion: string;
}

/**
 * NOT_FOUND for a region outside the federation; PERMISSION_DENIED for a member this region has no
 * agreement with (its catalog is never pulled); UNAVAILABLE for a partner whose catalog has not come yet.
 */
function noCatalog(ctx: RegionContext, regionCode: string, path: string): XrError {
  if (partnersOf(ctx.federation, ctx.region).includes(regionCode))
    return catalogNotReceived(regionCode, path);
  if (ctx.federation.regions.has(regionCode)) {
    return new XrError(ErrorCode.PERMISSION_DENIED, `no cooperation agreement with region ${regionCode}`, {
      details: [{ path, issue: `no cooperation agreement with ${regionCode}` }],
    });
  }
  return new XrError(ErrorCode.NOT_FOUND, `region ${regionCode} not found`, {
    details: [{ path, issue: "unknown region" }],
  });
}

/** A region's matters, filtered by substring of name or code (any case) and by mode. */
export async function listMatters(ctx: RegionContext, q: MatterQuery): Promise<MatterPage> {
  const start = q.pageToken ? Number.parseInt(q.pageToken, 10) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw XrError.invalid("pageToken", "is not a token this server gave");
  // One matter past the page says whether another page follows.
  const found = await ctx.catalogs.search(q.regionCode, {
    q: q.q?.trim() ?? "",
    mode: q.mode,
    offset: start,
    limit: q.pageSize + 1,
  });
  if (!found) throw noCatalog(ctx, q.regionCode, "code");
  const more = found.matters.length > q.pageSize;
  return {
    matters: more ? found.matters.slice(0, q.pageSize) : found.matters,
    nextPageToken: more ? String(start + q.pageSize) : "",
    catalogVersion: found.version,
  };
}

/** One matter of a region's catalog by shared or local code, or NOT_FOUND. */
export async function getMatter(ctx: RegionContext, regionCode: string, matterCode: string): Promise<Matter> {
  if (!(await ctx.catalogs.ensure(regionCode))) throw noCatalog(ctx, regionCode, "regionCode");
  const m = await ctx.catalogs.matter(regionCode, matterCode);
  if (!m) {
    throw new XrError(ErrorCode.NOT_FOUND, `${regionCode} has no matter ${matterCode}`, {
      details: [{ path: "matterCode", issue: "not in this region's catalog" }],
    });
  }
  return m;
}

/** A matter as a window of this region sees it: with the modes the agreements let it use. */
export interface AgreedMatter {
  readonly matter: Matter;
  /** The modes this region may file the matter in with its region (domain/agreed-modes.ts); may be empty. */
  readonly allowedModes: readonly HandlingMode[];
}

/** A page of {@link listAgreedMatters}. */
export interface AgreedMatterPage {
  readonly matters: AgreedMatter[];
  readonly nextPageToken: string;
  readonly catalogVersion: string;
}

/** How many matters one read of the catalog takes while a page of agreed ones fills. */
const AGREED_SCAN = 200;

/**
 * A region's matters as this region's windows may file them: each with its `allowedModes`, and with `mode`
 * given, only the matters the agreements let this region file in that mode (issue 16: the 长沙 window is not
 * offered 广州 matters outside the 长沙 → 广州 agreement). The page token is the catalog position to go on
 * from, so pages stay stable however many matters the agreement leaves out.
 */
export async function listAgreedMatters(ctx: RegionContext, q: MatterQuery): Promise<AgreedMatterPage> {
  let at = q.pageToken ? Number.parseInt(q.pageToken, 10) : 0;
  if (!Number.isInteger(at) || at < 0) throw XrError.invalid("pageToken", "is not a token this server gave");
  // Without a mode every matter is listed (the page as before: one past it says whether another follows);
  // with one, reads go on in larger steps while the agreement leaves matters out.
  const scan = q.mode === undefined ? q.pageSize + 1 : Math.max(AGREED_SCAN, q.pageSize + 1);
  const out: AgreedMatter[] = [];
  let version = "";
  let nextPageToken = "";
  for (;;) {
    const found = await ctx.catalogs.search(q.regionCode, {
      q: q.q?.trim() ?? "",
      // A matter that does not offer the mode cannot be agreed in it either.
      mode: q.mode,
      offset: at,
      limit: scan,
    });
    if (!found) throw noCatalog(ctx, q.regionCode, "code");
    version = found.version;
    for (const [i, matter] of found.matters.entries()) {
      const allowedModes = agreedModes(ctx.federation, ctx.region, q.regionCode, matter);
      if (q.mode !== undefined && !allowedModes.includes(q.mode)) continue;
      if (out.length === q.pageSize) {
        nextPageToken = String(at + i);
        break;
      }
      out.push({ matter, allowedModes });
    }
    if (nextPageToken !== "" || found.matters.length < scan) break;
    at += found.matters.length;
  }
  return { matters: out, nextPageToken, catalogVersion: version };
}

/**
 * The steps of a case for a staff member of this region (domain/steps.ts): what they may do now, and why the
 * other steps of the moment are not theirs. NOT_FOUND as for {@link readCase}.
 */
export async function listCaseSteps(ctx: RegionContext, caseId: string, role: Role): Promise<CaseStep[]> {
  const steps = caseSteps(await getCaseFor(ctx, ctx.region, caseId), ctx.region, role);
  // The window offers the tags the gateway will take (config `rating.tags`), not a copy of its own.
  const tags = ctx.ratingTags ?? DEFAULT_RATING_TAGS;
  return steps.map((s) => (s.type === "rate" && s.allowed ? { ...s, options: [...tags] } : s));
}
