/** Read-side use cases: cases, timelines, regions and catalogs. */
import { cstDate } from "../domain/calendar.js";
import type { CaseState, CaseStatus, HandlingMode } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { LedgerEvent } from "../domain/events.js";
import { type Matter, partnersOf, type RegionInfo } from "../domain/matter.js";
import type { RegionContext } from "./context.js";

/** A case by id, or NOT_FOUND. */
export async function getCase(ctx: RegionContext, caseId: string): Promise<CaseState> {
  const c = await ctx.store.getCase(caseId);
  if (!c)
    throw new XrError(ErrorCode.NOT_FOUND, `case ${caseId} not found`, {
      details: [{ path: "caseId", issue: "unknown case" }],
    });
  return c;
}

/** The timeline of a case, in the order this ledger recorded it. */
export async function listCaseEvents(ctx: RegionContext, caseId: string): Promise<LedgerEvent[]> {
  await getCase(ctx, caseId);
  return ctx.store.listEvents(caseId);
}

/** Query of {@link listCases}. */
export interface CaseQuery {
  readonly status?: CaseStatus | undefined;
  readonly region?: string | undefined;
  readonly overdue?: boolean | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** Cases of this ledger, newest first. */
export async function listCases(ctx: RegionContext, q: CaseQuery): Promise<CaseState[]> {
  const today = cstDate(ctx.clock.now());
  return ctx.store.listCases({
    status: q.status,
    region: q.region,
    overdueOn: q.overdue ? today : undefined,
    limit: q.limit,
    offset: q.offset,
  });
}

/** A region with the facts `GET /regions` shows. */
export interface RegionSummary extends RegionInfo {
  readonly partners: string[];
  readonly catalogVersion: string;
  readonly matterCount: number;
}

/** Every member of the federation. */
export function listRegions(ctx: RegionContext): RegionSummary[] {
  return [...ctx.federation.regions.values()].map((r) => {
    const catalog = ctx.federation.catalogs.get(r.code);
    return {
      ...r,
      partners: partnersOf(ctx.federation, r.code),
      catalogVersion: catalog?.version ?? "",
      matterCount: catalog?.matters.length ?? 0,
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

/** A region's matters, filtered by substring of name or code and by mode. */
export function listMatters(ctx: RegionContext, q: MatterQuery): MatterPage {
  const catalog = ctx.federation.catalogs.get(q.regionCode);
  if (!catalog) {
    throw new XrError(ErrorCode.NOT_FOUND, `region ${q.regionCode} not found`, {
      details: [{ path: "code", issue: "unknown region" }],
    });
  }
  const needle = q.q?.trim().toLowerCase() ?? "";
  const hits = catalog.matters.filter(
    (m) =>
      (needle === "" ||
        m.name.includes(needle) ||
        m.localName.includes(needle) ||
        m.code.toLowerCase().includes(needle) ||
        m.localCode.toLowerCase().includes(needle)) &&
      (q.mode === undefined || m.modes.includes(q.mode)),
  );
  const start = q.pageToken ? Number.parseInt(q.pageToken, 10) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw XrError.invalid("pageToken", "is not a token this server gave");
  const page = hits.slice(start, start + q.pageSize);
  const next = start + q.pageSize < hits.length ? String(start + q.pageSize) : "";
  return { matters: page, nextPageToken: next, catalogVersion: catalog.version };
}

/** One matter of a region's catalog by shared or local code, or NOT_FOUND. */
export function getMatter(ctx: RegionContext, regionCode: string, matterCode: string): Matter {
  const catalog = ctx.federation.catalogs.get(regionCode);
  if (!catalog) {
    throw new XrError(ErrorCode.NOT_FOUND, `region ${regionCode} not found`, {
      details: [{ path: "regionCode", issue: "unknown region" }],
    });
  }
  const m = catalog.byCode.get(matterCode) ?? catalog.matters.find((x) => x.localCode === matterCode);
  if (!m) {
    throw new XrError(ErrorCode.NOT_FOUND, `${regionCode} has no matter ${matterCode}`, {
      details: [{ path: "matterCode", issue: "not in this region's catalog" }],
    });
  }
  return m;
}
