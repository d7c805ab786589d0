/** Parked events in SQLite: parking itself is written once for both dialects (sql/ledger.ts). */
import type { Commit } from "../../ports/store.js";
import { PARKED } from "../sql/parked.js";
import type { SqliteSql } from "./sql.js";

/** Removes the parked event that a commit applies. */
export function writeUnpark(s: SqliteSql, change: Commit): void {
  if (change.unparkEventId) s.prepared(PARKED.delete).run(change.unparkEventId);
}
