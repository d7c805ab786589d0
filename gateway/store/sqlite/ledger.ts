/**
 * The SQLite ledger (better-sqlite3). Commits are grouped (group-commit.ts):
 * a burst of requests costs one fsync instead of one each.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { chain, GENESIS, type LogEntry, type LogRecord } from "../../audit/chain.js";
import { type CaseState, CaseStatus, caseParties, OPEN_STATUSES } from "../../domain/case.js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { LedgerEvent } from "../../domain/events.js";
import type {
  CaseFilter,
  Commit,
  IdempotentResponse,
  InboxEntry,
  LedgerStats,
  LedgerStore,
  OutboxRecord,
  ParkedEvent,
  ParkResult,
} from "../../ports/store.js";
import { type DataCipher, PLAINTEXT } from "../../security/cipher.js";
import {
  caseFromRow,
  type EventRow,
  eventFromRow,
  type IdempotencyRow,
  idempotentFromRow,
  type LogRow,
  logFromRow,
  type ParkedRow,
  parkedFromRow,
} from "../rows.js";
import { GroupCommit } from "./group-commit.js";
import { MIGRATIONS } from "./schema.js";

/** Options of {@link SqliteLedger}. */
export interface SqliteLedgerOptions {
  /** File path, or ":memory:". */
  readonly path: string;
  /** `FULL` (default) fsyncs every commit group; `NORMAL` survives process crashes only. */
  readonly synchronous?: "FULL" | "NORMAL";
  /** Encrypts personal data at rest (case bodies, payloads, answers, envelopes); none = plaintext. */
  readonly cipher?: DataCipher;
}

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
export class SqliteLedger implements LedgerStore {
  private readonly db: Database.Database;
  private readonly stmt;
  private readonly commits: GroupCommit<Commit>;

  readonly #cipher: DataCipher;

  constructor(options: SqliteLedgerOptions) {
    this.#cipher = options.cipher ?? PLAINTEXT;
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
    this.db.pragma("busy_timeout = 5000");
    migrate(this.db);
    const db = this.db;
    this.stmt = {
      getCase: db.prepare("SELECT status, body FROM cases WHERE case_id = ?"),
      caseHead: db.prepare("SELECT version, status FROM cases WHERE case_id = ?"),
      upsertCase: db.prepare(
        `INSERT INTO cases (case_id, version, status, parties, deadline, submitted_at, body)
         VALUES (@caseId, @version, @status, @parties, @deadline, @submittedAt, @body)
         ON CONFLICT (case_id) DO UPDATE SET version = excluded.version, status = excluded.status,
           deadline = excluded.deadline, body = excluded.body`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (event_id, case_id, source_region, sequence, type, occurred_at, status_after, payload)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      events: db.prepare("SELECT * FROM events WHERE case_id = ? ORDER BY position"),
      insertOutbox: db.prepare("INSERT INTO outbox (topic, key, value, headers) VALUES (?, ?, ?, ?)"),
      pendingOutbox: db.prepare("SELECT * FROM outbox ORDER BY id LIMIT ?"),
      deleteOutbox: db.prepare("DELETE FROM outbox WHERE id = ?"),
      insertInbox: db.prepare(
        "INSERT INTO inbox (event_id, case_id, source_region, sequence, applied_at, digest) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      hasApplied: db
        .prepare("SELECT 1 FROM events WHERE event_id = ? UNION ALL SELECT 1 FROM inbox WHERE event_id = ?")
        .pluck(),
      inboxDigest: db.prepare("SELECT digest FROM inbox WHERE event_id = ?").pluck(),
      recordDeadLettered: db.prepare(
        `INSERT OR IGNORE INTO inbox (event_id, case_id, source_region, sequence, applied_at, outcome, digest)
         VALUES (?, ?, ?, ?, ?, 'dead-lettered', ?)`,
      ),
      applied: db
        .prepare(
          `SELECT MAX(
             (SELECT COALESCE(MAX(sequence), 0) FROM events WHERE case_id = @caseId AND source_region = @source),
             (SELECT COALESCE(MAX(sequence), 0) FROM inbox WHERE case_id = @caseId AND source_region = @source))`,
        )
        .pluck(),
      // The status column is the truth for a case's status (read back over the body's copy), so
      // forwarding touches one column instead of decrypting and re-encrypting the body.
      markForwarded: db.prepare(
        "UPDATE cases SET status = 'FORWARDED' WHERE case_id = ? AND status = 'SUBMITTED'",
      ),
      insertIdem: db.prepare(
        "INSERT INTO idempotency (key, request_hash, body, created_at) VALUES (?, ?, ?, ?)",
      ),
      findIdem: db.prepare("SELECT key, request_hash AS requestHash, body FROM idempotency WHERE key = ?"),
      park: db.prepare(
        `INSERT INTO parked (event_id, case_id, source_region, sequence, value, parked_at, topic, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      parkedAt: db
        .prepare("SELECT event_id FROM parked WHERE case_id = ? AND source_region = ? AND sequence = ?")
        .pluck(),
      parkedBefore: db.prepare("SELECT * FROM parked WHERE parked_at < ? ORDER BY parked_at LIMIT ?"),
      parkedFor: db.prepare("SELECT * FROM parked WHERE case_id = ? ORDER BY source_region, sequence"),
      deleteParked: db.prepare("DELETE FROM parked WHERE event_id = ?"),
      countParked: db.prepare("SELECT COUNT(*) FROM parked WHERE case_id = ?").pluck(),
      insertLog: db.prepare(
        `INSERT INTO message_log (seq, direction, event_id, case_id, peer, at, value, prev_hash, hash)
         VALUES (@seq, @direction, @eventId, @caseId, @peer, @at, @value, @prevHash, @hash)`,
      ),
      logHead: db.prepare("SELECT seq, hash FROM message_log ORDER BY seq DESC LIMIT 1"),
      logFrom: db.prepare("SELECT * FROM message_log WHERE seq >= ? ORDER BY seq LIMIT ?"),
      logForCase: db.prepare("SELECT * FROM message_log WHERE case_id = ? ORDER BY seq"),
    };
    this.#logHead = this.#readLogHead();
    this.commits = new GroupCommit(
      db,
      (change: Commit) => this.write(change),
      // A whole group rolled back: the chain's head in memory may be ahead of the file.
      () => {
        if (this.db.open) this.#logHead = this.#readLogHead();
      },
    );
  }

  /** seq and hash of the last message-log record. */
  #logHead: { seq: number; hash: string };

  #readLogHead(): { seq: number; hash: string } {
    const row = this.stmt.logHead.get() as { seq: number; hash: string } | undefined;
    return row ?? { seq: 0, hash: GENESIS };
  }

  /** Chains and inserts log records; the head moves only once all are in (callers run in a transaction). */
  #appendLogNow(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    const records = chain(this.#logHead, entries);
    for (const r of records) this.stmt.insertLog.run({ ...r, value: this.#cipher.seal(r.value) });
    const last = records[records.length - 1] as LogRecord;
    this.#logHead = { seq: last.seq, hash: last.hash };
  }

  private write(change: Commit): void {
    const { state } = change;
    const head = this.stmt.caseHead.get(state.caseId) as { version: number; status: string } | undefined;
    const actual = head?.version ?? 0;
    if (actual !== change.expectedVersion) {
      throw new XrError(
        ErrorCode.CONFLICT,
        `case ${state.caseId} changed meanwhile (version ${actual}, expected ${change.expectedVersion})`,
      );
    }
    // The relay may have marked the case FORWARDED after the caller read it.
    const status =
      head?.status === CaseStatus.FORWARDED && state.status === CaseStatus.SUBMITTED
        ? CaseStatus.FORWARDED
        : state.status;
    this.stmt.upsertCase.run({
      caseId: state.caseId,
      version: state.version,
      status,
      parties: `,${caseParties(state).join(",")},`,
      deadline: state.deadline,
      submittedAt: state.submittedAt,
      body: this.#cipher.sealText(JSON.stringify({ ...state, status })),
    });
    for (const e of change.events) {
      try {
        this.stmt.insertEvent.run(
          e.eventId,
          e.caseId,
          e.sourceRegion,
          e.sequence,
          e.payload.type,
          e.occurredAt,
          e.statusAfter,
          this.#cipher.sealText(JSON.stringify(e.payload)),
        );
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT")) {
          throw new XrError(
            ErrorCode.CONFLICT,
            `event ${e.eventId} (sequence ${e.sequence}) is already recorded`,
            {
              cause: err,
            },
          );
        }
        throw err;
      }
    }
    for (const m of change.outbox) {
      this.stmt.insertOutbox.run(m.topic, m.key, this.#cipher.seal(m.value), JSON.stringify(m.headers));
    }
    const now = new Date().toISOString();
    if (change.inbox) {
      const i = change.inbox;
      this.stmt.insertInbox.run(i.eventId, i.caseId, i.sourceRegion, i.sequence, now, i.digest ?? "");
    }
    if (change.idempotency) {
      const k = change.idempotency;
      try {
        // The state as answered, not the row's copy (which may keep FORWARDED, above).
        this.stmt.insertIdem.run(k.key, k.requestHash, this.#cipher.sealText(JSON.stringify(state)), now);
      } catch (err) {
        throw new XrError(ErrorCode.CONFLICT, `Idempotency-Key ${k.key} was used concurrently`, {
          cause: err,
        });
      }
    }
    if (change.unparkEventId) this.stmt.deleteParked.run(change.unparkEventId);
    // Last: nothing after it can fail, so the chain's head moves only with a commit that holds.
    this.#appendLogNow(change.log ?? []);
  }

  async appendLog(entries: readonly LogEntry[]): Promise<void> {
    try {
      this.db.transaction(() => this.#appendLogNow(entries))();
    } catch (err) {
      if (this.db.open) this.#logHead = this.#readLogHead();
      throw new XrError(ErrorCode.UNAVAILABLE, `message log write failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async logRecords(fromSeq: number, limit: number): Promise<LogRecord[]> {
    return this.#read(() => this.stmt.logFrom.all(fromSeq, limit) as LogRow[]).map((r) =>
      logFromRow(r, this.#cipher),
    );
  }

  async logForCase(caseId: string): Promise<LogRecord[]> {
    return this.#read(() => this.stmt.logForCase.all(caseId) as LogRow[]).map((r) =>
      logFromRow(r, this.#cipher),
    );
  }

  commit(change: Commit): Promise<void> {
    return this.commits.submit(change);
  }

  /**
   * Runs a read; a ledger that cannot be read (closed, I/O error, locked past
   * the busy timeout) is UNAVAILABLE, which callers may retry, not a bug.
   */
  #read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (!this.db.open || (err as { code?: string }).code?.startsWith("SQLITE_")) {
        throw new XrError(ErrorCode.UNAVAILABLE, `ledger read failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  async getCase(caseId: string): Promise<CaseState | undefined> {
    const row = this.#read(
      () => this.stmt.getCase.get(caseId) as { status: string; body: string } | undefined,
    );
    return row === undefined ? undefined : caseFromRow(row, this.#cipher);
  }

  async listCases(filter: CaseFilter): Promise<CaseState[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push("status = ?");
      args.push(filter.status);
    }
    if (filter.region) {
      where.push("parties LIKE ?");
      args.push(`%,${filter.region},%`);
    }
    if (filter.overdueOn) {
      where.push(`deadline <> '' AND deadline < ? AND status IN (${OPEN_STATUSES.map(() => "?").join(",")})`);
      args.push(filter.overdueOn, ...OPEN_STATUSES);
    }
    const sql = `SELECT status, body FROM cases ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
                 ORDER BY submitted_at DESC, case_id DESC LIMIT ? OFFSET ?`;
    const rows = this.#read(
      () =>
        this.db.prepare(sql).all(...args, filter.limit, filter.offset) as Array<{
          status: string;
          body: string;
        }>,
    );
    return rows.map((r) => caseFromRow(r, this.#cipher));
  }

  async listEvents(caseId: string): Promise<LedgerEvent[]> {
    const rows = this.#read(() => this.stmt.events.all(caseId) as EventRow[]);
    return rows.map((r) => eventFromRow(r, this.#cipher));
  }

  async findIdempotent(key: string): Promise<IdempotentResponse | undefined> {
    const found = this.#read(() => this.stmt.findIdem.get(key) as IdempotencyRow | undefined);
    return found && idempotentFromRow(found, this.#cipher);
  }

  async pendingOutbox(limit: number): Promise<OutboxRecord[]> {
    const rows = this.stmt.pendingOutbox.all(limit) as Array<{
      id: number;
      topic: string;
      key: string;
      value: Buffer;
      headers: string;
    }>;
    return rows.map((r) => ({
      id: r.id,
      topic: r.topic,
      key: r.key,
      value: new Uint8Array(this.#cipher.open(r.value)),
      headers: JSON.parse(r.headers),
    }));
  }

  async markPublished(ids: readonly number[], forwardedCaseIds: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      for (const id of ids) this.stmt.deleteOutbox.run(id);
      for (const caseId of forwardedCaseIds) this.stmt.markForwarded.run(caseId);
    })();
  }

  async appliedSequence(caseId: string, sourceRegion: string): Promise<number> {
    return Number(this.stmt.applied.get({ caseId, source: sourceRegion }));
  }

  async hasApplied(eventId: string): Promise<boolean> {
    return this.stmt.hasApplied.get(eventId, eventId) !== undefined;
  }

  async appliedDigest(eventId: string): Promise<string | undefined> {
    const inbox = this.#read(() => this.stmt.inboxDigest.get(eventId) as string | undefined);
    if (inbox !== undefined) return inbox;
    return (await this.hasApplied(eventId)) ? "" : undefined;
  }

  async recordDeadLettered(e: InboxEntry): Promise<void> {
    this.stmt.recordDeadLettered.run(
      e.eventId,
      e.caseId,
      e.sourceRegion,
      e.sequence,
      new Date().toISOString(),
      e.digest ?? "",
    );
  }

  async park(e: ParkedEvent): Promise<ParkResult> {
    return this.db.transaction((): ParkResult => {
      const holder = this.stmt.parkedAt.get(e.caseId, e.sourceRegion, e.sequence) as string | undefined;
      if (holder !== undefined) return holder === e.eventId ? "already-parked" : "collision";
      this.stmt.park.run(
        e.eventId,
        e.caseId,
        e.sourceRegion,
        e.sequence,
        this.#cipher.seal(e.value),
        e.parkedAt,
        e.topic,
        e.reason,
      );
      return "parked";
    })();
  }

  async dropParked(eventId: string): Promise<void> {
    this.stmt.deleteParked.run(eventId);
  }

  async parkedBefore(iso: string, limit: number): Promise<ParkedEvent[]> {
    return (this.stmt.parkedBefore.all(iso, limit) as ParkedRow[]).map((r) => parkedFromRow(r, this.#cipher));
  }

  async parkedFor(caseId: string): Promise<ParkedEvent[]> {
    return (this.stmt.parkedFor.all(caseId) as ParkedRow[]).map((r) => parkedFromRow(r, this.#cipher));
  }

  async countParked(caseId: string): Promise<number> {
    return Number(this.stmt.countParked.get(caseId));
  }

  async stats(today: string): Promise<LedgerStats> {
    return this.#read(() => {
      const byStatus = this.db
        .prepare("SELECT status, COUNT(*) AS n FROM cases GROUP BY status")
        .all() as Array<{
        status: string;
        n: number;
      }>;
      const count = (sql: string, ...args: unknown[]) =>
        Number(
          this.db
            .prepare(sql)
            .pluck()
            .get(...args),
        );
      return {
        casesByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
        outboxBacklog: count("SELECT COUNT(*) FROM outbox"),
        parked: count("SELECT COUNT(*) FROM parked"),
        overdue: count(
          `SELECT COUNT(*) FROM cases WHERE deadline <> '' AND deadline < ? AND status IN (${OPEN_STATUSES.map(() => "?").join(",")})`,
          today,
          ...OPEN_STATUSES,
        ),
      };
    });
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
    this.commits.flush();
    this.db.close();
  }
}
