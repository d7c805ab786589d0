/**
 * The message log in SQLite. One process writes the file, so the chain's
 * head is kept in memory, and read from the file again after a rollback.
 */
import { chain } from "../../audit/chain.js";
import type { LogEntry, LogRecord } from "../../domain/message-log.js";
import type { DataCipher } from "../../security/cipher.js";
import { LOG, logColumns, logHead } from "../sql/log.js";
import type { SqliteSql } from "./sql.js";

/** Appends to the chain and keeps its head. */
export class SqliteLog {
  #head = { seq: 0, hash: "" };

  constructor(
    private readonly s: SqliteSql,
    private readonly cipher: DataCipher,
  ) {
    this.reread();
  }

  /** Reads the head from the file again: after a rollback, the head in memory may be ahead of it. */
  reread(): void {
    if (this.s.db.open)
      this.#head = logHead(this.s.prepared(LOG.head).get() as Parameters<typeof logHead>[0]);
  }

  /** Chains and inserts records; the head moves only once all are in (the caller runs a transaction). */
  append(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    const records = chain(this.#head, entries);
    for (const r of records) this.s.prepared(LOG.insertSqlite).run(...logColumns(r, this.cipher));
    const last = records[records.length - 1] as LogRecord;
    this.#head = { seq: last.seq, hash: last.hash };
  }
}
