/** Statements on `material_openings` (ports/openings.ts), the same in both dialects. */

/** Statements with `?` placeholders. */
export const OPENINGS = {
  insert: `INSERT INTO material_openings (case_id, sha256, staff_name, staff_role, opened_at, byte_range)
    VALUES (?, ?, ?, ?, ?, ?)`,
  ofCase: `SELECT case_id AS "caseId", sha256, staff_name AS "staffName", staff_role AS "staffRole",
    opened_at AS "openedAt", byte_range AS "range" FROM material_openings WHERE case_id = ? ORDER BY id`,
} as const;
