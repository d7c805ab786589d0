/** The outbox in PostgreSQL. */
import type pg from "pg";
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { OUTBOX, outboxColumns } from "../sql/outbox.js";
import { numbered } from "./sql.js";

/** Queues a commit's messages. */
export async function writeOutbox(c: pg.ClientBase, change: Commit, cipher: DataCipher): Promise<void> {
  for (const m of change.outbox) await c.query(numbered(OUTBOX.insert), outboxColumns(m, cipher));
}

/** Removes published messages (the caller runs a transaction). */
export async function deletePublished(c: pg.ClientBase, ids: readonly number[]): Promise<void> {
  await c.query(OUTBOX.deletePg, [ids]);
}
