/**
 * better-sqlite3 running the ledger's statements, each prepared once by its
 * text. A ledger that cannot answer (closed, I/O error, locked past the busy
 * timeout) is UNAVAILABLE, which callers may retry, not a bug.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { Sql } from "../sql/ledger.js";

/** Opens `path` (or ":memory:") in WAL mode, making its directory if missing. */
export function openDatabase(path: string, synchronous: "FULL" | "NORMAL"): Database.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma("busy_timeout = 5000");
  return db;
}

/** Whether better-sqlite3 refused a write for a key already taken. */
export function isConstraint(err: unknown): boolean {
  return (err as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT") === true;
}

/** {@link Sql} on one SQLite connection. */
export class SqliteSql implements Sql {
  readonly #prepared = new Map<string, Database.Statement<unknown[]>>();

  constructor(readonly db: Database.Database) {}

  /** The statement for `sql`, prepared on first use. */
  prepared(sql: string): Database.Statement<unknown[]> {
    let statement = this.#prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql);
      this.#prepared.set(sql, statement);
    }
    return statement;
  }

  async query<R>(sql: string, args: readonly unknown[] = []): Promise<R[]> {
    try {
      const statement = this.prepared(sql);
      if (statement.reader) return statement.all(...args) as R[];
      statement.run(...args);
      return [];
    } catch (err) {
      if (!this.db.open || (err as { code?: string }).code?.startsWith("SQLITE_")) {
        throw new XrError(ErrorCode.UNAVAILABLE, `ledger query failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      throw err;
    }
  }
}
