/** The inbox in SQLite. */
import type { Commit } from "../../ports/store.js";
import { INBOX, inboxColumns } from "../sql/inbox.js";
import type { SqliteSql } from "./sql.js";

/** Records the partner's event that a commit applies. */
export function writeInbox(s: SqliteSql, change: Commit): void {
  if (change.inbox) s.prepared(INBOX.insert).run(...inboxColumns(change.inbox));
}
