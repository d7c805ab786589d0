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
import { type DataCipher, PLAINTEXT } from "../../security/cipher.js";
import { SqlLedger } from "../sql/ledger.js";
import { markForwarded, writeCase } from "./cases.js";
import { writeEvents } from "./events.js";
import { BEGIN, PgGroupCommit } from "./group-commit.js";
import { writeIdempotency } from "./idempotency.js";
import { writeInbox } from "./inbox.js";
import { appendLog } from "./log.js";
import { migrate } from "./migrate.js";
import { deletePublished, writeOutbox } from "./outbox.js";
import { writeUnpark } from "./parked.js";
import { RelayLease } from "./relay-lease.js";
import { checkSchemaName, fromDriver, isUniqueViolation, PgSql } from "./sql.js";

/** Options of {@link PgLedger.open}. */
export interface PgLedgerOptions {
  /** `postgres://user@host:port/database`. */
  readonly url: string;
  /** Schema holding this region's tables (created if missing); lower-case letters, digits, `_`. */
  readonly schema: string;
  /** Encrypts personal data at rest (case bodies, payloads, answers, envelopes); none = plaintext. */
  readonly cipher?: DataCipher | undefined;
}

/** Session settings of every connection: bounded waits, so that no commit hangs on a lost peer. */
const SESSION_SETTINGS = [
  "statement_timeout=30000",
  "lock_timeout=15000",
  "idle_in_transaction_session_timeout=60000",
];

/** A commit's rows, concern by concern, in the order they are written; the log comes last. */
const WRITERS: ReadonlyArray<(c: pg.ClientBase, change: Commit, cipher: DataCipher) => Promise<void>> = [
  writeCase,
  writeEvents,
  writeOutbox,
  writeInbox,
  writeIdempotency,
  writeUnpark,
];

/** {@link LedgerStore} in one PostgreSQL schema. */
export class PgLedger extends SqlLedger {
  readonly #pool: pg.Pool;
  readonly #lease: RelayLease;
  /** The region's schema: with the lock kind, the key of its advisory locks. */
  readonly #schema: string;
  readonly #commits: PgGroupCommit;

  private constructor(pool: pg.Pool, lease: RelayLease, schema: string, cipher: DataCipher) {
    super(new PgSql(pool), cipher);
    this.#pool = pool;
    this.#lease = lease;
    this.#schema = schema;
    this.#commits = new PgGroupCommit(pool, {
      writeRows: (c, change) => this.#writeRows(c, change),
      appendLog: (c, entries) => appendLog(c, this.#schema, entries, this.cipher),
      commitAlone: (change) => this.#commitAlone(change),
      refusal: (change, err) => this.#refusal(change, err),
    });
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
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw fromDriver(`ledger at ${redactUrl(o.url)}`, err);
    }
    return new PgLedger(pool, new RelayLease(config, o.schema), o.schema, o.cipher ?? PLAINTEXT);
  }

  /** Runs `fn` in one transaction on one pooled connection. */
  async #tx<T>(what: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw fromDriver(what, err);
    }
    let broken = false;
    try {
      await client.query(BEGIN);
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw fromDriver(what, err);
    } finally {
      client.release(broken);
    }
  }

  commit(change: Commit): Promise<void> {
    return this.#commits.submit(change);
  }

  /** One change in a transaction of its own (group-commit.ts falls back to it). */
  #commitAlone(change: Commit): Promise<void> {
    return this.#tx(`commit of case ${change.state.caseId}`, async (c) => {
      await this.#writeRows(c, change);
      await appendLog(c, this.#schema, change.log ?? [], this.cipher);
    });
  }

  /** A change refused inside a batch: its own fault (CONFLICT), or undefined for a failure to retry alone. */
  #refusal(change: Commit, err: unknown): unknown {
    if (err instanceof XrError) return err;
    if (isUniqueViolation(err)) return fromDriver(`commit of case ${change.state.caseId}`, err);
    return undefined;
  }

  /** Writes a change's rows (not its log entries, which the caller appends last). */
  async #writeRows(c: pg.PoolClient, change: Commit): Promise<void> {
    for (const write of WRITERS) await write(c, change, this.cipher);
  }

  async markPublished(ids: readonly number[], forwardedCaseIds: readonly string[]): Promise<void> {
    await this.#tx("outbox update", async (c) => {
      await deletePublished(c, ids);
      await markForwarded(c, forwardedCaseIds);
    });
  }

  async appendLog(entries: readonly LogEntry[]): Promise<void> {
    try {
      await this.#tx("message log write", (c) => appendLog(c, this.#schema, entries, this.cipher));
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
