/**
 * The supervision figures of this region's ledger (issue 17, 统计/效能监督): per matter or per partner
 * region, cases received and decided, on-time rate, working days to decide, time suspended, and the open
 * cases red or yellow now. Counted by the store's SQL aggregates; names come from the federation config
 * (regions) and the catalogs held (matters), never from case bodies.
 */
import { cstDate } from "../domain/calendar.js";
import { XrError } from "../domain/errors.js";
import { partnersOf } from "../domain/matter.js";
import { MAX_RANGE_DAYS, type StatsRequest } from "../domain/stats.js";
import type { CaseStatsGroup, WatchedCase } from "../ports/store.js";
import type { RegionContext } from "./context.js";

/** How many red/yellow cases the answer lists (the worst first). */
export const WATCH_LIMIT = 200;

/** Days of the range when the request gives no `from`. */
const DEFAULT_DAYS = 30;

/** One row of the figures, with its name and the derived rates. */
export interface StatsRow extends Omit<CaseStatsGroup, "decideDaysSum" | "decideDaysCount"> {
  readonly name: string;
  /** onTime / decided, rounded to 4 places; null when nothing was decided. */
  readonly onTimeRate: number | null;
  /** Average working days to decide, rounded to 1 place; null when nothing was decided. */
  readonly avgDecideDays: number | null;
  /** 满意率: satisfied / rated (非常满意, 满意, 基本满意; see store/sql/stats.ts), 4 places; null when none rated. */
  readonly satisfactionRate: number | null;
}

/** A red or yellow case with the names a supervisor reads. */
export interface WatchRow extends WatchedCase {
  readonly matterName: string;
  readonly partner: string;
  readonly partnerName: string;
}

/** The answer of `GET /api/v1/stats`. */
export interface StatsReport {
  readonly region: string;
  readonly from: string;
  readonly to: string;
  readonly today: string;
  readonly groupBy: "matter" | "region";
  readonly groups: StatsRow[];
  readonly totals: StatsRow;
  readonly overdue: WatchRow[];
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function row(g: CaseStatsGroup, name: string): StatsRow {
  const { decideDaysSum, decideDaysCount, ...counts } = g;
  return {
    ...counts,
    name,
    onTimeRate: g.decided === 0 ? null : Math.round((g.onTime / g.decided) * 10_000) / 10_000,
    avgDecideDays: decideDaysCount === 0 ? null : Math.round((decideDaysSum / decideDaysCount) * 10) / 10,
    satisfactionRate: g.rated === 0 ? null : Math.round((g.satisfied / g.rated) * 10_000) / 10_000,
  };
}

/** Names of matters by code: this region's catalog first, then the partners' catalogs already held (no pull). */
async function matterNames(ctx: RegionContext, codes: Iterable<string>): Promise<Map<string, string>> {
  const regions = [ctx.region, ...partnersOf(ctx.federation, ctx.region).filter((r) => ctx.catalogs.held(r))];
  const out = new Map<string, string>();
  for (const code of codes) {
    if (out.has(code)) continue;
    for (const r of regions) {
      const m = await ctx.catalogs.matter(r, code).catch(() => undefined);
      if (m) {
        out.set(code, m.name);
        break;
      }
    }
  }
  return out;
}

/** The figures for `q` (defaults: the 30 days to today, per matter). */
export async function caseStats(ctx: RegionContext, q: StatsRequest): Promise<StatsReport> {
  const today = cstDate(ctx.clock.now());
  const to = q.to ?? (q.from && q.from > today ? addDays(q.from, DEFAULT_DAYS - 1) : today);
  const from = q.from ?? addDays(to, 1 - DEFAULT_DAYS);
  if (from > to) throw XrError.invalid("from", "must not be after to");
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_RANGE_DAYS)
    throw XrError.invalid("from", `must be less than ${MAX_RANGE_DAYS} days before to`);
  const found = await ctx.store.caseStats({
    from,
    to,
    groupBy: q.groupBy,
    region: ctx.region,
    today,
    limit: WATCH_LIMIT,
  });
  const matters = await matterNames(ctx, [
    ...(q.groupBy === "matter" ? found.groups.map((g) => g.key) : []),
    ...found.watch.map((w) => w.matterCode),
  ]);
  const regionName = (code: string) => ctx.federation.regions.get(code)?.name ?? code;
  const nameOf = (key: string) => (q.groupBy === "matter" ? (matters.get(key) ?? key) : regionName(key));
  const total: CaseStatsGroup = found.groups.reduce(
    (t, g) => ({
      key: "",
      received: t.received + g.received,
      decided: t.decided + g.decided,
      onTime: t.onTime + g.onTime,
      decideDaysSum: t.decideDaysSum + g.decideDaysSum,
      decideDaysCount: t.decideDaysCount + g.decideDaysCount,
      suspendedDays: t.suspendedDays + g.suspendedDays,
      overdueNow: t.overdueNow + g.overdueNow,
      rated: t.rated + g.rated,
      satisfied: t.satisfied + g.satisfied,
      negative: t.negative + g.negative,
      rectificationOpen: t.rectificationOpen + g.rectificationOpen,
      rectificationOverdue: t.rectificationOverdue + g.rectificationOverdue,
    }),
    {
      key: "",
      received: 0,
      decided: 0,
      onTime: 0,
      decideDaysSum: 0,
      decideDaysCount: 0,
      suspendedDays: 0,
      overdueNow: 0,
      rated: 0,
      satisfied: 0,
      negative: 0,
      rectificationOpen: 0,
      rectificationOverdue: 0,
    },
  );
  return {
    region: ctx.region,
    from,
    to,
    today,
    groupBy: q.groupBy,
    groups: found.groups.map((g) => row(g, nameOf(g.key))),
    totals: row(total, "合计"),
    overdue: found.watch.map((w) => {
      const partner = w.intakeRegion === ctx.region ? w.handlingRegion : w.intakeRegion;
      return {
        ...w,
        matterName: matters.get(w.matterCode) ?? w.matterCode,
        partner,
        partnerName: regionName(partner),
      };
    }),
  };
}
