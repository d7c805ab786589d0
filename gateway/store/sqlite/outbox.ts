/** The outbox in SQLite. */
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { OUTBOX, outboxColumns } from "../sql/outbox.js";
import type { SqliteSql } from "./sql.js";

/** Queues a commit's messages. */
export function writeOutbox(s: SqliteSql, change: Commit, cipher: DataCipher): void {
  for (const m of change.outbox) s.prepared(OUTBOX.insert).run(...outboxColumns(m, cipher));
}

/** Removes published messages (the caller runs a transaction). */
export function deletePublished(s: SqliteSql, ids: readonly number[]): void {
  for (const id of ids) s.prepared(OUTBOX.deleteSqlite).run(id);
}
