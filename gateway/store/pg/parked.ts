/** Parked events in PostgreSQL: parking itself is written once for both dialects (sql/ledger.ts). */
import type pg from "pg";
import type { Commit } from "../../ports/store.js";
import { PARKED } from "../sql/parked.js";
import { numbered } from "./sql.js";

/** Removes the parked event that a commit applies. */
export async function writeUnpark(c: pg.ClientBase, change: Commit): Promise<void> {
  if (change.unparkEventId) await c.query(numbered(PARKED.delete), [change.unparkEventId]);
}
