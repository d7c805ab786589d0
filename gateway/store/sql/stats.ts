/**
 * The supervision figures (issue 17, 统计/效能监督) as SQL aggregates over the clock's plain columns of
 * `cases` (store/sql/cases.ts), written once for both dialects: no case body is read or opened. Each
 * statement is answered from one covering index (migration "issue 17 stats") whose leading columns are the
 * group, so SQLite groups while it walks the index in order (no sort of the range's rows) and PostgreSQL
 * can answer index-only: the cost is the index entries read, never the table.
 */
import type { CaseStatsQuery } from "../../ports/store.js";

/** What each group counts over cases that arrived in the range. */
const RECEIVED = "COUNT(*) AS received, SUM(COALESCE(suspended_days, 0)) AS suspended";
/** What each group counts over cases decided in the range: on time = no breach recorded at any stage. */
const DECIDED = `COUNT(*) AS decided, SUM(CASE WHEN breach_on IS NULL THEN 1 ELSE 0 END) AS on_time,
  SUM(decide_days) AS decide_days, COUNT(decide_days) AS timed`;

/** A statement with its arguments. */
export type Statement = [string, unknown[]];

/**
 * The grouped counts of one day column (`arrived_on` or `decided_on`): per matter, or per partner (on the
 * handling side, the intake region; elsewhere, the handling region).
 */
function grouped(q: CaseStatsQuery, column: "arrived_on" | "decided_on", what: string): Statement {
  // COALESCE makes the range no index's key: SQLite (no statistics until ANALYZE) would otherwise take the
  // narrow, non-covering index on the day alone and sort every row of the range; the group-led covering
  // index answers instead, read in order. NULL days (cases not decided) are outside every range either way.
  const range = `COALESCE(${column}, '') >= ? AND COALESCE(${column}, '') <= ?`;
  if (q.groupBy === "matter")
    return [
      `SELECT matter_code AS g, ${what} FROM cases WHERE ${range} GROUP BY matter_code`,
      [q.from, q.to],
    ];
  // "Handled elsewhere" as the two ranges either side of this region, not `<>`: each is a seek into the
  // handling-led index, so the (usually large) part this region handles is not walked twice.
  const elsewhere = (op: "<" | ">") =>
    `SELECT handling_region AS g, ${what} FROM cases WHERE handling_region ${op} ? AND ${range} GROUP BY handling_region`;
  return [
    `SELECT intake_region AS g, ${what} FROM cases WHERE handling_region = ? AND ${range} GROUP BY intake_region
     UNION ALL ${elsewhere("<")} UNION ALL ${elsewhere(">")}`,
    [q.region, q.from, q.to, q.region, q.from, q.to, q.region, q.from, q.to],
  ];
}

/** Cases received in the range, with their suspended working days, per group. */
export const receivedQuery = (q: CaseStatsQuery): Statement => grouped(q, "arrived_on", RECEIVED);

/** Cases decided in the range, on time, and their working days to decide, per group. */
export const decidedQuery = (q: CaseStatsQuery): Statement => grouped(q, "decided_on", DECIDED);

/** Red as of `today` (the first argument): a breach recorded, or the due date passed (as of a stop). */
const RED = "(breach_on IS NOT NULL OR due_on < COALESCE(stopped_on, ?))";
/**
 * Open cases with a running clock. `warn_on` is set exactly while a stage runs (store/sql/cases.ts: NULL
 * once decided, refused or withdrawn), so it alone says "open, clocked", and the partial index
 * `cases_open_clock` holds these rows only, however many closed cases pile up. (A status test here would
 * lead SQLite, without statistics, to the status index and the table's rows instead.)
 */
const OPEN_CLOCK = "warn_on IS NOT NULL";

/** Open cases overdue now, per group (not bounded by the range: a supervisor asks what is late today). */
export function overdueCountQuery(q: CaseStatsQuery): Statement {
  // An expression, not the bare column: SQLite would otherwise walk a matter-ordered index over every case
  // (and its rows) to skip a sort, where the partial index of running clocks holds only the open cases.
  const key =
    q.groupBy === "matter"
      ? "COALESCE(matter_code, '')"
      : "CASE WHEN handling_region = ? THEN intake_region ELSE handling_region END";
  const keyArgs = q.groupBy === "matter" ? [] : [q.region];
  return [
    `SELECT ${key} AS g, COUNT(*) AS n FROM cases WHERE ${OPEN_CLOCK} AND ${RED} GROUP BY g`,
    [...keyArgs, q.today],
  ];
}

/** Open cases red or yellow now, red first, then by due date: the list a supervisor works through. */
export function watchListQuery(q: CaseStatsQuery): Statement {
  const sql = `SELECT case_id, matter_code, intake_region, handling_region, arrived_on, due_on, stopped_on,
      breach_on, breach_days, breach_stage,
      CASE WHEN ${RED} THEN 'RED' ELSE 'YELLOW' END AS light
    FROM cases WHERE ${OPEN_CLOCK} AND (${RED} OR warn_on <= COALESCE(stopped_on, ?))
    ORDER BY light, due_on, case_id LIMIT ?`;
  return [sql, [q.today, q.today, q.today, q.limit]];
}

/**
 * The grouping key of a statement over a partial index (not group-led): matter, or the partner region. An
 * expression, not the bare column, for the reason given in {@link overdueCountQuery}: with `matter_code` bare,
 * SQLite walked `cases_matter_arrived` and every row of the table (270 ms on 100k cases) to skip sorting a
 * handful of open 整改.
 */
function partnerKey(q: CaseStatsQuery): [string, unknown[]] {
  return q.groupBy === "matter"
    ? ["COALESCE(matter_code, '')", []]
    : ["CASE WHEN handling_region = ? THEN intake_region ELSE handling_region END", [q.region]];
}

/**
 * 满意率's numerator: 非常满意, 满意 and 基本满意. In the 政务服务“好差评” rules (国办发〔2019〕51号) only 不满意
 * and 非常不满意 are 差评 and call for 整改, so 基本满意 is on the satisfied side: 满意率 and the 差评 share then
 * add up to all ratings, and a 基本满意 never counts against a region that owes no 整改 for it.
 */
const SATISFIED = "'VERY_SATISFIED', 'SATISFIED', 'BASICALLY_SATISFIED'";
/** 差评: the levels that open a 整改 (domain/rating.ts isNegative). */
const NEGATIVE = "'DISSATISFIED', 'VERY_DISSATISFIED'";

/**
 * Ratings given in the range (by `rated_on`, the CST day of the CaseRated event, not the case's arrival or
 * decision: a rating answers the service as it ended, and supervisors read a month's ratings as those given
 * that month), with the satisfied and negative counts, per group. Answered from the partial index
 * `cases_stats_rated` (rated cases only).
 */
export function ratedQuery(q: CaseStatsQuery): Statement {
  const [key, keyArgs] = partnerKey(q);
  return [
    `SELECT ${key} AS g, COUNT(*) AS rated,
       SUM(CASE WHEN rating_level IN (${SATISFIED}) THEN 1 ELSE 0 END) AS satisfied,
       SUM(CASE WHEN rating_level IN (${NEGATIVE}) THEN 1 ELSE 0 END) AS negative
     FROM cases WHERE rated_on IS NOT NULL AND rated_on >= ? AND rated_on <= ? GROUP BY g`,
    [...keyArgs, q.from, q.to],
  ];
}

/**
 * 整改 open now (a negative rating's task not answered) and, of those, overdue (due before today), per group.
 * Not bounded by the range, like the overdue-now count: a supervisor asks which are owed today. Answered from
 * the partial index `cases_stats_rectification_open` (open tasks only).
 */
export function rectificationQuery(q: CaseStatsQuery): Statement {
  const [key, keyArgs] = partnerKey(q);
  return [
    `SELECT ${key} AS g, COUNT(*) AS open, SUM(CASE WHEN rectification_due_on < ? THEN 1 ELSE 0 END) AS overdue
     FROM cases WHERE rectification_due_on IS NOT NULL AND rectification_answered_on IS NULL GROUP BY g`,
    [...keyArgs, q.today],
  ];
}
