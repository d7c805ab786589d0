/**
 * Cases in PostgreSQL. Replicas write the same cases, so the version check
 * is part of the statement that writes: a row that is not there to insert,
 * or not at the expected version to update, is a CONFLICT.
 */
import type pg from "pg";
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { CASES, caseColumns, clockColumns, ratingColumns, staleCase } from "../sql/cases.js";
import { numbered } from "./sql.js";

/** Writes a commit's case; CONFLICT when its expected version is stale. */
export async function writeCase(c: pg.ClientBase, change: Commit, cipher: DataCipher): Promise<void> {
  const { state, expectedVersion } = change;
  const columns = caseColumns(state, cipher);
  const written =
    expectedVersion === 0
      ? await c.query(numbered(CASES.insertPg), columns)
      : await c.query(CASES.updatePg, [
          state.caseId,
          state.version,
          state.status,
          state.deadline,
          columns[6], // the sealed body
          expectedVersion,
          ...clockColumns(state),
          ...ratingColumns(state),
        ]);
  if (written.rowCount !== 0) return;
  const { rows } = await c.query<{ version: number }>(numbered(CASES.head), [state.caseId]);
  throw staleCase(state.caseId, rows[0]?.version ?? 0, expectedVersion);
}

/** Marks the SUBMITTED cases among `caseIds` FORWARDED (their submission left). */
export async function markForwarded(c: pg.ClientBase, caseIds: readonly string[]): Promise<void> {
  if (caseIds.length > 0) await c.query(CASES.forwardPg, [caseIds]);
}
