/**
 * The SQLite ledger (better-sqlite3). Commits are grouped (group-commit.ts):
 * a burst of requests costs one fsync instead of one each. Reads are written
 * once for both dialects (sql/ledger.ts); each concern's part of a commit is
 * in the file of its name.
 */
import type Database from "better-sqlite3";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { LogEntry } from "../../domain/message-log.js";
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { AT_REST_FORMAT, checkAtRestFormat, type SealingOptions, SqlLedger } from "../sql/ledger.js";
import { MARK_CURRENT, type ResealReport, resealColumns } from "../sql/reseal.js";
import { markForwarded, writeCase } from "./cases.js";
import { writeEvents } from "./events.js";
import { GroupCommit } from "./group-commit.js";
import { writeIdempotency } from "./idempotency.js";
import { writeInbox } from "./inbox.js";
import { SqliteLog } from "./log.js";
import { writeNotifications } from "./notifications.js";
import { deletePublished, writeOutbox } from "./outbox.js";
import { writeUnpark } from "./parked.js";
import { MIGRATIONS } from "./schema.js";
import { openDatabase, SqliteSql } from "./sql.js";

/** Options of {@link SqliteLedger}. */
export interface SqliteLedgerOptions extends SealingOptions {
  /** File path, or ":memory:". */
  readonly path: string;
}

/** A commit's rows, concern by concern, in the order they are written; the log comes last. */
const WRITERS: ReadonlyArray<(s: SqliteSql, change: Commit, cipher: DataCipher) => void> = [
  writeCase,
  writeEvents,
  writeOutbox,
  writeInbox,
  writeIdempotency,
  writeUnpark,
  // Issue 18: the SMS owed for the events, queued with them.
  writeNotifications,
];

function migrate(db: Database.Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_version").get() as { v: number | null };
  let current = row.v ?? 0;
  for (; current < MIGRATIONS.length; current++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[current] ?? "");
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(current + 1);
    })();
  }
}

/** {@link LedgerStore} on one SQLite file. */
export class SqliteLedger extends SqlLedger {
  /** The file's connection (a test reaches it to fill the disk). */
  private readonly db: Database.Database;
  readonly #s: SqliteSql;
  readonly #log: SqliteLog;
  readonly #commits: GroupCommit<Commit>;

  constructor(options: SqliteLedgerOptions) {
    // Every commit group is fsynced: a committed case survives a power cut, not only a crash.
    const db = openDatabase(options.path, "FULL");
    migrate(db);
    try {
      const format = db.prepare("SELECT version FROM at_rest_format").get() as { version: number };
      checkAtRestFormat(format.version, options.path, options);
    } catch (err) {
      db.close();
      throw err;
    }
    const s = new SqliteSql(db);
    super(s, options);
    this.db = db;
    this.#s = s;
    this.#log = new SqliteLog(s, this.cipher);
    this.#commits = new GroupCommit(
      db,
      (change: Commit) => this.#write(change),
      // A whole group rolled back: the chain's head in memory may be ahead of the file.
      () => this.#log.reread(),
    );
  }

  #write(change: Commit): void {
    for (const write of WRITERS) write(this.#s, change, this.cipher);
    // Last: nothing after it can fail, so the chain's head moves only with a commit that holds.
    this.#log.append(change.log ?? []);
  }

  async reseal(acceptUnsealed: boolean): Promise<ResealReport> {
    // One transaction: a reseal that stops half way leaves the ledger as it was.
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const report = await resealColumns(this.#s, this.cipher, acceptUnsealed);
      this.#s.prepared(MARK_CURRENT).run(AT_REST_FORMAT);
      this.db.exec("COMMIT");
      return report;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  commit(change: Commit): Promise<void> {
    return this.#commits.submit(change);
  }

  async markPublished(ids: readonly number[], forwardedCaseIds: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      deletePublished(this.#s, ids);
      markForwarded(this.#s, forwardedCaseIds);
    })();
  }

  async appendLog(entries: readonly LogEntry[]): Promise<void> {
    try {
      this.db.transaction(() => this.#log.append(entries))();
    } catch (err) {
      this.#log.reread();
      throw new XrError(ErrorCode.UNAVAILABLE, `message log write failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** Only this process has the file open (WAL, one writer): its relay is the only one. */
  async relayLease(): Promise<boolean> {
    return this.db.open;
  }

  /** Whether the ledger can take a write now: takes the write lock and gives it back. */
  async ping(): Promise<boolean> {
    try {
      this.db.exec("BEGIN IMMEDIATE; ROLLBACK");
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.#commits.flush();
    this.db.close();
  }
}
