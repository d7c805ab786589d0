/**
 * The PostgreSQL ledger (node-postgres): the same port and behaviour as the
 * SQLite ledger, but shared by several replicas of a region. Everything that
 * must not happen twice is decided by the database, not by one process's
 * memory: a case's version by a conditional write (cases.ts), an event's
 * uniqueness by its keys, the message log's chain head under a transaction
 * lock (log.ts), and the right to relay the outbox by an advisory lock
 * (relay-lease.ts). Reads are written once for both dialects (sql/ledger.ts).
 */
import pg from "pg";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { LogEntry } from "../../domain/message-log.js";
import type { Commit } from "../../ports/store.js";
import { AT_REST_FORMAT, checkAtRestFormat, type SealingOptions, SqlLedger } from "../sql/ledger.js";
import { MARK_CURRENT, type ResealReport, resealColumns } from "../sql/reseal.js";
import { markForwarded } from "./cases.js";
import { inTransaction, PgGroupCommit } from "./group-commit.js";
import { appendLog } from "./log.js";
import { migrate } from "./migrate.js";
import { deletePublished } from "./outbox.js";
import { RelayLease } from "./relay-lease.js";
import { checkSchemaName, fromDriver, numbered, PgSql } from "./sql.js";

/** Options of {@link PgLedger.open}. */
export interface PgLedgerOptions extends SealingOptions {
  /** `postgres://user@host:port/database`. */
  readonly url: string;
  /** Schema holding this region's tables (created if missing); lower-case letters, digits, `_`. */
  readonly schema: string;
}

/** Session settings of every connection: bounded waits, so that no commit hangs on a lost peer. */
const SESSION_SETTINGS = [
  "statement_timeout=30000",
  "lock_timeout=15000",
  "idle_in_transaction_session_timeout=60000",
];

/** {@link LedgerStore} in one PostgreSQL schema. */
export class PgLedger extends SqlLedger {
  readonly #pool: pg.Pool;
  readonly #lease: RelayLease;
  /** The region's schema: with the lock kind, the key of its advisory locks. */
  readonly #schema: string;
  readonly #commits: PgGroupCommit;

  private constructor(pool: pg.Pool, lease: RelayLease, schema: string, o: SealingOptions) {
    super(new PgSql(pool), o);
    this.#pool = pool;
    this.#lease = lease;
    this.#schema = schema;
    this.#commits = new PgGroupCommit(pool, schema, this.cipher);
  }

  /** Connects, migrates the schema to the latest version, and returns the ledger. */
  static async open(o: PgLedgerOptions): Promise<PgLedger> {
    checkSchemaName(o.schema);
    const config: pg.ClientConfig = {
      connectionString: o.url,
      options: [`search_path=${o.schema}`, ...SESSION_SETTINGS].map((x) => `-c ${x}`).join(" "),
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // Past the server's statement timeout: a connection that stopped answering altogether.
      query_timeout: 35_000,
    };
    const pool = new pg.Pool({ ...config, max: 10 });
    // An idle pooled connection that the server closes must not crash the process; the next query reconnects.
    pool.on("error", () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, o.schema);
        const { rows } = await client.query<{ version: number }>(
          `SELECT version FROM ${o.schema}.at_rest_format`,
        );
        checkAtRestFormat(rows[0]?.version ?? 1, `in schema ${o.schema}`, o);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw fromDriver(`ledger at ${redactUrl(o.url)}`, err);
    }
    return new PgLedger(pool, new RelayLease(config, o.schema), o.schema, o);
  }

  async reseal(acceptUnsealed: boolean): Promise<ResealReport> {
    return inTransaction(this.#pool, "at-rest reseal", async (c) => {
      // Replicas are meant to be stopped; the lock makes sure none writes a row meanwhile.
      await c.query(
        "LOCK TABLE cases, events, idempotency, outbox, parked, message_log, at_rest_format IN EXCLUSIVE MODE",
      );
      const report = await resealColumns(new PgSql(c), this.cipher, acceptUnsealed);
      await c.query(numbered(MARK_CURRENT), [AT_REST_FORMAT]);
      return report;
    });
  }

  commit(change: Commit): Promise<void> {
    return this.#commits.submit(change);
  }

  async markPublished(ids: readonly number[], forwardedCaseIds: readonly string[]): Promise<void> {
    await inTransaction(this.#pool, "outbox update", async (c) => {
      await deletePublished(c, ids);
      await markForwarded(c, forwardedCaseIds);
    });
  }

  async appendLog(entries: readonly LogEntry[]): Promise<void> {
    try {
      await inTransaction(this.#pool, "message log write", (c) =>
        appendLog(c, this.#schema, entries, this.cipher),
      );
    } catch (err) {
      throw new XrError(ErrorCode.UNAVAILABLE, `message log write failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  relayLease(): Promise<boolean> {
    return this.#lease.holds();
  }

  async ping(): Promise<boolean> {
    try {
      await this.#pool.query("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }

  #closed = false;

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#lease.close();
    await this.#pool.end();
  }
}

/** The URL without its password, for messages and logs. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
