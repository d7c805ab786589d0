/** A commit's events in SQLite. */
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { duplicateEvent, EVENTS, eventColumns } from "../sql/events.js";
import { isConstraint, type SqliteSql } from "./sql.js";

/** Inserts a commit's events; CONFLICT when one is recorded already. */
export function writeEvents(s: SqliteSql, change: Commit, cipher: DataCipher): void {
  for (const e of change.events) {
    try {
      s.prepared(EVENTS.insert).run(...eventColumns(e, cipher));
    } catch (err) {
      throw isConstraint(err) ? duplicateEvent(e, err) : err;
    }
  }
}
