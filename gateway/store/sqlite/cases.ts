/**
 * Cases in SQLite. One process writes the file, and a commit runs without
 * yielding, so the version read here still holds when the row is written.
 */
import { CaseStatus } from "../../domain/case.js";
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { CASES, caseColumns, staleCase } from "../sql/cases.js";
import type { SqliteSql } from "./sql.js";

/** Writes a commit's case; CONFLICT when its expected version is stale. */
export function writeCase(s: SqliteSql, { state, expectedVersion }: Commit, cipher: DataCipher): void {
  const head = s.prepared(CASES.head).get(state.caseId) as { version: number; status: string } | undefined;
  const actual = head?.version ?? 0;
  if (actual !== expectedVersion) throw staleCase(state.caseId, actual, expectedVersion);
  // The relay may have marked the case FORWARDED after the caller read it.
  const status =
    head?.status === CaseStatus.FORWARDED && state.status === CaseStatus.SUBMITTED
      ? CaseStatus.FORWARDED
      : state.status;
  s.prepared(CASES.upsertSqlite).run(...caseColumns({ ...state, status }, cipher));
}

/** Marks the SUBMITTED cases among `caseIds` FORWARDED (their submission left). */
export function markForwarded(s: SqliteSql, caseIds: readonly string[]): void {
  for (const caseId of caseIds) s.prepared(CASES.forwardSqlite).run(caseId);
}
