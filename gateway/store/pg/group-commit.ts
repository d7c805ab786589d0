/**
 * Group commit for the PostgreSQL ledger. Every commit holds the message
 * log's transaction lock from the moment it chains its records until its
 * COMMIT (fsync included), so one commit per transaction would serialise a
 * region at one fsync per case. Commits that wait meanwhile go together into
 * one transaction, each inside its own savepoint: a failing commit rolls back
 * alone, the others share one log append and one fsync.
 *
 * A few writers run at once so that the next batch writes its rows while the
 * previous one holds the log lock. If a whole batch fails (a deadlock between
 * batches touching the same cases in another order, a lost connection), each
 * of its commits is tried again in a transaction of its own, so a batch never
 * fails a commit that would have succeeded alone.
 */
import type pg from "pg";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { writeCase } from "./cases.js";
import { writeEvents } from "./events.js";
import { writeIdempotency } from "./idempotency.js";
import { writeInbox } from "./inbox.js";
import { appendLog } from "./log.js";
import { writeNotifications } from "./notifications.js";
import { writeOutbox } from "./outbox.js";
import { writeUnpark } from "./parked.js";
import { fromDriver, isUniqueViolation } from "./sql.js";

/**
 * How every write transaction of the ledger begins: reading committed data as
 * of each statement, whatever the database's default, because the message
 * log's head must be read after its lock is granted, not from an older snapshot.
 */
const BEGIN = "BEGIN ISOLATION LEVEL READ COMMITTED";

/** Batches written at once: the next one writes its rows while the previous one holds the log lock. */
const MAX_WRITERS = 2;
// PostgreSQL caches 64 subtransactions per transaction; more savepoints slow every snapshot.
const MAX_BATCH = 60;

interface Pending {
  readonly change: Commit;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** A commit's rows, concern by concern, in the order they are written; the log comes last. */
const WRITERS: ReadonlyArray<(c: pg.ClientBase, change: Commit, cipher: DataCipher) => Promise<void>> = [
  writeCase,
  writeEvents,
  writeOutbox,
  writeInbox,
  writeIdempotency,
  writeUnpark,
  // Issue 18: the SMS owed for the events, queued with them.
  writeNotifications,
];

/** Runs `fn` in one transaction on one pooled connection; what fails rejects as an XrError. */
export async function inTransaction<T>(
  pool: pg.Pool,
  what: string,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
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

/** Queues commits and writes them in grouped transactions. */
export class PgGroupCommit {
  #queue: Pending[] = [];
  #writers = 0;

  /** `schema` keys the message log's lock; `cipher` seals what the rows hold. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly cipher: DataCipher,
  ) {}

  /** Resolves once `change` is committed; rejects with the reason it was not. */
  submit(change: Commit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ change, resolve, reject });
      if (this.#writers < MAX_WRITERS) {
        this.#writers++;
        void this.#run();
      }
    });
  }

  async #run(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#commitBatch(this.#queue.splice(0, MAX_BATCH));
    } finally {
      this.#writers--;
    }
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      await this.#alone(batch[0] as Pending);
      return;
    }
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch {
      for (const p of batch) await this.#alone(p);
      return;
    }
    const done: Pending[] = [];
    const refused: Array<[Pending, unknown]> = [];
    let broken = false;
    try {
      await client.query(BEGIN);
      for (const p of batch) {
        await client.query("SAVEPOINT one");
        try {
          await this.#writeRows(client, p.change);
          await client.query("RELEASE SAVEPOINT one");
          done.push(p);
        } catch (err) {
          await client.query("ROLLBACK TO SAVEPOINT one");
          refused.push([p, err]);
        }
      }
      await appendLog(
        client,
        this.schema,
        done.flatMap((p) => p.change.log ?? []),
        this.cipher,
      );
    } catch {
      // The batch as a whole failed: nothing of it holds. Each commit gets its own chance.
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      client.release(broken);
      for (const p of batch) await this.#alone(p);
      return;
    }
    try {
      await client.query("COMMIT");
    } catch (err) {
      // The COMMIT may or may not have taken effect (the connection can drop after the server
      // committed): trying the changes again could report a change that holds as refused. Their
      // callers hear UNAVAILABLE and retry, and then find what did commit.
      client.release(true);
      const unknown = new XrError(
        ErrorCode.UNAVAILABLE,
        `ledger commit outcome unknown: ${(err as Error).message}`,
        { cause: err },
      );
      for (const p of done) p.reject(unknown);
      for (const [p, e] of refused) p.reject(this.#refusal(p.change, e) ?? unknown);
      return;
    }
    client.release();
    for (const p of done) p.resolve();
    for (const [p, err] of refused) {
      const refusal = this.#refusal(p.change, err);
      if (refusal === undefined) await this.#alone(p);
      else p.reject(refusal);
    }
  }

  /** Writes a change's rows (not its log entries, which the caller appends last). */
  async #writeRows(c: pg.PoolClient, change: Commit): Promise<void> {
    for (const write of WRITERS) await write(c, change, this.cipher);
  }

  /**
   * The error the caller gets when its change was refused inside a batch: its
   * own fault (CONFLICT), or undefined for a failure to try alone.
   */
  #refusal(change: Commit, err: unknown): unknown {
    if (err instanceof XrError) return err;
    if (isUniqueViolation(err)) return fromDriver(`commit of case ${change.state.caseId}`, err);
    return undefined;
  }

  /** One change in a transaction of its own. */
  async #alone(p: Pending): Promise<void> {
    try {
      await inTransaction(this.pool, `commit of case ${p.change.state.caseId}`, async (c) => {
        await this.#writeRows(c, p.change);
        await appendLog(c, this.schema, p.change.log ?? [], this.cipher);
      });
      p.resolve();
    } catch (err) {
      p.reject(err);
    }
  }
}
