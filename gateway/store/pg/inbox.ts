/** The inbox in PostgreSQL. */
import type pg from "pg";
import type { Commit } from "../../ports/store.js";
import { INBOX, inboxColumns } from "../sql/inbox.js";
import { numbered } from "./sql.js";

/** Records the partner's event that a commit applies. */
export async function writeInbox(c: pg.ClientBase, change: Commit): Promise<void> {
  if (change.inbox) await c.query(numbered(INBOX.insert), inboxColumns(change.inbox));
}
