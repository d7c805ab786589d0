/** A commit's events in PostgreSQL. */
import type pg from "pg";
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { duplicateEvent, EVENTS, eventColumns } from "../sql/events.js";
import { isUniqueViolation, numbered } from "./sql.js";

/** Inserts a commit's events; CONFLICT when one is recorded already. */
export async function writeEvents(c: pg.ClientBase, change: Commit, cipher: DataCipher): Promise<void> {
  for (const e of change.events) {
    try {
      await c.query(numbered(EVENTS.insert), eventColumns(e, cipher));
    } catch (err) {
      throw isUniqueViolation(err) ? duplicateEvent(e, err) : err;
    }
  }
}
