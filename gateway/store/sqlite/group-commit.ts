/**
 * Group commit for better-sqlite3: every write asked for in the same turn of
 * the event loop goes into one transaction, each inside its own savepoint, so
 * a burst costs one fsync instead of one each while a failing write still
 * rolls back alone. An error that aborts the whole transaction (disk full,
 * I/O) fails the whole group, and nothing of it is written.
 */
import type Database from "better-sqlite3";
import { ErrorCode, XrError } from "../../domain/errors.js";

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Queues writes of `T` and applies them with `write` in grouped transactions. */
export class GroupCommit<T> {
  private queue: Array<Pending<T>> = [];
  private scheduled = false;
  private readonly group: (items: Array<Pending<T>>) => unknown[];

  /** `onGroupFailure` runs when a whole group rolled back (to reset state kept beside the database). */
  constructor(
    db: Database.Database,
    write: (item: T) => void,
    private readonly onGroupFailure: () => void = () => undefined,
  ) {
    const one = db.transaction(write);
    this.group = db.transaction((items: Array<Pending<T>>) =>
      items.map((p) => {
        try {
          one(p.item);
          return undefined;
        } catch (err) {
          // The savepoint rolled back; if the whole transaction went with it, stop
          // here, or the next writes would run (and commit) on their own.
          if (!db.inTransaction) throw err;
          // Our own refusals (CONFLICT…) keep their code; a raw SQLite error (busy, full, I/O)
          // means the ledger cannot take writes now: retriable, never a reason to drop an event.
          if (err instanceof XrError) return err;
          return new XrError(ErrorCode.UNAVAILABLE, `ledger write failed: ${(err as Error).message}`, {
            cause: err,
          });
        }
      }),
    );
  }

  /** Resolves once `item` is committed; rejects with its own error, or UNAVAILABLE for the group. */
  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes what is queued now (also used before closing the database). */
  flush(): void {
    const items = this.queue;
    this.queue = [];
    this.scheduled = false;
    if (items.length === 0) return;
    let results: unknown[];
    try {
      results = this.group(items);
    } catch (err) {
      this.onGroupFailure();
      const failure = new XrError(ErrorCode.UNAVAILABLE, `ledger write failed: ${(err as Error).message}`, {
        cause: err,
      });
      for (const p of items) p.reject(failure);
      return;
    }
    items.forEach((p, i) => {
      const err = results[i];
      if (err === undefined) p.resolve();
      else p.reject(err);
    });
  }
}
