/**
 * The supervision figures (issue 17, 统计/效能监督) as SQL aggregates over the clock's plain columns of
 * `cases` (store/sql/cases.ts), written once for both dialects: no case body is read or opened. Each part
 * walks one range of one index (migration "issue 17 stats": covering indexes on `arrived_on` and
 * `decided_on`), so the cost grows with the cases in the range, not with the ledger.
 */
import { OPEN_STATUSES } from "../../domain/case.js";
import type { CaseStatsQuery } from "../../ports/store.js";

const OPEN_IN = `(${OPEN_STATUSES.map(() => "?").join(", ")})`;

/** The group key: the matter, or the partner (the other party: intake or handling region, whichever is not us). */
function groupKey(q: CaseStatsQuery): [string, unknown[]] {
  return q.groupBy === "matter"
    ? ["matter_code", []]
    : ["CASE WHEN intake_region = ? THEN handling_region ELSE intake_region END", [q.region]];
}

/**
 * Received (arrived in the range, with their suspended working days) and decided (decided in the range: on
 * time = no breach recorded, whatever happened after it; working days to decide) per group, in one pass of
 * each index range.
 */
export function rangeQuery(q: CaseStatsQuery): [string, unknown[]] {
  const [key, keyArgs] = groupKey(q);
  const sql = `SELECT g, SUM(received) AS received, SUM(decided) AS decided, SUM(on_time) AS on_time,
      SUM(decide_days) AS decide_days, SUM(timed) AS timed, SUM(suspended) AS suspended
    FROM (
      SELECT ${key} AS g, 1 AS received, 0 AS decided, 0 AS on_time, 0 AS decide_days, 0 AS timed,
          COALESCE(suspended_days, 0) AS suspended
        FROM cases WHERE arrived_on >= ? AND arrived_on <= ?
      UNION ALL
      SELECT ${key} AS g, 0, 1, CASE WHEN breach_on IS NULL THEN 1 ELSE 0 END, COALESCE(decide_days, 0),
          CASE WHEN decide_days IS NULL THEN 0 ELSE 1 END, 0
        FROM cases WHERE decided_on >= ? AND decided_on <= ?
    ) t GROUP BY g ORDER BY g`;
  return [sql, [...keyArgs, q.from, q.to, ...keyArgs, q.from, q.to]];
}

/** Red as of `today` (the first argument): a breach recorded, or the due date passed (as of a stop). */
const RED = "(breach_on IS NOT NULL OR due_on < COALESCE(stopped_on, ?))";
const OPEN_CLOCK = `decided_on IS NULL AND due_on IS NOT NULL AND status IN ${OPEN_IN}`;

/** Open cases overdue now, per group (not bounded by the range: a supervisor asks what is late today). */
export function overdueCountQuery(q: CaseStatsQuery): [string, unknown[]] {
  const [key, keyArgs] = groupKey(q);
  const sql = `SELECT ${key} AS g, COUNT(*) AS n FROM cases WHERE ${OPEN_CLOCK} AND ${RED} GROUP BY g`;
  return [sql, [...keyArgs, ...OPEN_STATUSES, q.today]];
}

/** Open cases red or yellow now, red first, then by due date: the list a supervisor works through. */
export function watchListQuery(q: CaseStatsQuery): [string, unknown[]] {
  const sql = `SELECT case_id, matter_code, intake_region, handling_region, arrived_on, due_on, stopped_on,
      breach_on, breach_days, breach_stage,
      CASE WHEN ${RED} THEN 'RED' ELSE 'YELLOW' END AS light
    FROM cases WHERE ${OPEN_CLOCK} AND (${RED} OR warn_on <= COALESCE(stopped_on, ?))
    ORDER BY light, due_on, case_id LIMIT ?`;
  return [sql, [q.today, ...OPEN_STATUSES, q.today, q.today, q.limit]];
}
