/**
 * Statements on `cases`, and the counts of `/metrics`. The status column is
 * the truth for a case's status (read back over the body's copy), so
 * forwarding touches one column instead of decrypting and re-encrypting the body.
 */
import { cstDate } from "../../domain/calendar.js";
import { type CaseState, caseParties, OPEN_STATUSES } from "../../domain/case.js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { CaseFilter } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { caseBodyAt } from "./places.js";

const OPEN_IN = `(${OPEN_STATUSES.map(() => "?").join(", ")})`;

/**
 * Open cases overdue as of the first argument (then {@link OPEN_STATUSES}): a breach recorded or the
 * clock's due date passed; a row written before clocks existed falls back to its promised deadline.
 */
const OVERDUE = `(breach_on IS NOT NULL OR COALESCE(due_on, NULLIF(deadline, '')) < COALESCE(stopped_on, ?))
  AND status IN ${OPEN_IN}`;

/**
 * The clock's plain columns (issue 17): no personal data, indexed, for SQL aggregates (statistics, lights).
 * Dates are YYYY-MM-DD CST, NULL while unknown (and in rows last written before migration 7/5).
 */
const CLOCK_COLUMNS = [
  "matter_code",
  "intake_region",
  "handling_region",
  "arrived_on",
  "accepted_on",
  "decided_on",
  "due_on",
  "warn_on",
  "stopped_on",
  "breach_on",
  "breach_days",
  "breach_stage",
  "suspended_days",
  "decide_days",
] as const;

/**
 * 好差评's plain columns (issue 18), written with the case after the clock's: the level (RATING_LEVELS,
 * NULL until rated) for the supervision statistics to aggregate, and the rectification's due and answered
 * dates (YYYY-MM-DD CST). No personal data: the applicant's words stay in the sealed body.
 */
const RATING_COLUMNS = [
  "rating_level",
  "rectification_due_on",
  "rectification_answered_on",
  // The CST day of the CaseRated event: what puts a rating in a supervision range (stats.ts).
  "rated_on",
] as const;

/** Every plain column written with the case, in {@link caseColumns} order after the body. */
const PLAIN_COLUMNS = [...CLOCK_COLUMNS, ...RATING_COLUMNS];

const INSERT = `INSERT INTO cases (case_id, version, status, parties, deadline, submitted_at, body,
    ${PLAIN_COLUMNS.join(", ")})
  VALUES (?, ?, ?, ?, ?, ?, ?, ${PLAIN_COLUMNS.map(() => "?").join(", ")})`;

/** Open, red as of the first argument: a breach recorded, or the due date passed (as of a stop). */
const RED = `(breach_on IS NOT NULL OR due_on < COALESCE(stopped_on, ?))`;
/** Open, yellow as of the first two arguments (not red). */
const YELLOW = `(breach_on IS NULL AND due_on >= COALESCE(stopped_on, ?) AND warn_on <= COALESCE(stopped_on, ?))`;
const OPEN_CLOCK = "due_on IS NOT NULL AND decided_on IS NULL AND status IN";

/** Statements with `?` placeholders; a dialect's own variant is written in its own style. */
export const CASES = {
  get: `SELECT case_id AS "caseId", status, body FROM cases WHERE case_id = ?`,
  head: "SELECT version, status FROM cases WHERE case_id = ?",
  /** SQLite has one writer: the version was checked just before (sqlite/cases.ts), so the row is replaced. */
  upsertSqlite: `${INSERT} ON CONFLICT (case_id) DO UPDATE SET version = excluded.version,
    status = excluded.status, deadline = excluded.deadline, body = excluded.body,
    ${PLAIN_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}`,
  /** PostgreSQL replicas race each other: the statement itself checks the version (pg/cases.ts). */
  insertPg: `${INSERT} ON CONFLICT (case_id) DO NOTHING`,
  /** The relay may have marked the case FORWARDED after the caller read it: keep that. */
  updatePg: `UPDATE cases SET version = $2, deadline = $4, body = $5,
    status = CASE WHEN status = 'FORWARDED' AND $3 = 'SUBMITTED' THEN 'FORWARDED' ELSE $3 END,
    ${PLAIN_COLUMNS.map((c, i) => `${c} = $${7 + i}`).join(", ")}
    WHERE case_id = $1 AND version = $6`,
  forwardSqlite: "UPDATE cases SET status = 'FORWARDED' WHERE case_id = ? AND status = 'SUBMITTED'",
  forwardPg: "UPDATE cases SET status = 'FORWARDED' WHERE case_id = ANY($1) AND status = 'SUBMITTED'",
  byStatus: "SELECT status, COUNT(*) AS n FROM cases GROUP BY status",
  counts: `SELECT (SELECT COUNT(*) FROM outbox) AS outbox, (SELECT COUNT(*) FROM parked) AS parked,
    (SELECT COUNT(*) FROM cases WHERE ${OVERDUE}) AS overdue,
    (SELECT COUNT(*) FROM cases WHERE ${OPEN_CLOCK} ${OPEN_IN} AND ${RED}) AS red,
    (SELECT COUNT(*) FROM cases WHERE ${OPEN_CLOCK} ${OPEN_IN} AND ${YELLOW}) AS yellow,
    (SELECT COUNT(*) FROM cases WHERE ${OPEN_CLOCK} ${OPEN_IN}) AS lit`,
  /**
   * Open red cases not yet alerted on, marked alerted as they are read: each turns red in the log once,
   * whichever replica sweeps first (the UPDATE takes the row).
   */
  markRed: `UPDATE cases SET red_alerted_on = ?
    WHERE red_alerted_on IS NULL AND ${OPEN_CLOCK} ${OPEN_IN} AND ${RED}
    RETURNING case_id, matter_code, handling_region, due_on, breach_days`,
} as const;

/** Arguments of {@link CASES.counts}. */
export const countsArgs = (today: string): unknown[] => [
  today,
  ...OPEN_STATUSES,
  ...OPEN_STATUSES,
  today,
  ...OPEN_STATUSES,
  today,
  today,
  ...OPEN_STATUSES,
];

/** Arguments of {@link CASES.markRed}. */
export const markRedArgs = (today: string): unknown[] => [today, ...OPEN_STATUSES, today];

/** The statement and arguments of `GET /api/v1/cases`. */
export function listCasesQuery(f: CaseFilter): [string, unknown[]] {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    args.push(...values);
  };
  if (f.status) add("status = ?", f.status);
  if (f.region) add("parties LIKE ?", `%,${f.region},%`);
  if (f.overdueOn) add(OVERDUE, f.overdueOn, ...OPEN_STATUSES);
  // Both values were checked against the receipt number's shape (no LIKE wildcards can reach here).
  if (f.receiptNo) {
    add("case_id LIKE ?", `%${f.receiptNo.caseIdSuffix}`);
    add("parties LIKE ?", `%,${f.receiptNo.intakeRegion},%`);
  }
  const sql = `SELECT case_id AS "caseId", status, body FROM cases ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY submitted_at DESC, case_id DESC LIMIT ? OFFSET ?`;
  return [sql, [...args, f.limit, f.offset]];
}

/** The columns of a case row in insert order, the body sealed. */
export function caseColumns(state: CaseState, cipher: DataCipher): unknown[] {
  const parties = `,${caseParties(state).join(",")},`;
  const body = cipher.sealText(JSON.stringify(state), caseBodyAt(state.caseId));
  return [
    state.caseId,
    state.version,
    state.status,
    parties,
    state.deadline,
    state.submittedAt,
    body,
    ...clockColumns(state),
    ...ratingColumns(state),
  ];
}

/** The values of the rating columns for a case, in order. */
export function ratingColumns(state: CaseState): unknown[] {
  const r = state.rating;
  const answeredAt = r?.rectification?.answeredAt;
  return [
    r?.level ?? null,
    r?.rectification?.dueOn ?? null,
    answeredAt ? cstDate(new Date(answeredAt)) : null,
    r ? cstDate(new Date(r.ratedAt)) : null,
  ];
}

/** The values of {@link CLOCK_COLUMNS} for a case, in order. */
export function clockColumns(state: CaseState): unknown[] {
  const k = state.clock;
  return [
    state.matterCode,
    state.intakeRegion,
    state.handlingRegion,
    k?.arrivedOn ?? null,
    k?.acceptedOn ?? null,
    k?.decidedOn ?? null,
    k?.dueOn ?? null,
    k?.stage ? k.warnOn : null,
    k?.stoppedOn ?? null,
    k?.breach?.on ?? null,
    k?.breach?.days ?? null,
    k?.breach?.stage ?? null,
    k ? k.suspendedDays : null,
    k?.decideDays ?? null,
  ];
}

/** The refusal of a commit derived from a version that is no longer the case's. */
export function staleCase(caseId: string, actual: number, expected: number): XrError {
  return new XrError(
    ErrorCode.CONFLICT,
    `case ${caseId} changed meanwhile (version ${actual}, expected ${expected})`,
  );
}
