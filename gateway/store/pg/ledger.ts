/**
 * The PostgreSQL ledger (node-postgres): the same port and behaviour as the
 * SQLite ledger, but shared by several replicas of a region. Everything that
 * must not happen twice is decided by the database, not by one process's
 * memory: a case's version by a conditional UPDATE, an event's uniqueness by
 * its keys, the message log's chain head under a transaction lock, and the
 * right to relay the outbox by an advisory lock (relay-lease.ts).
 */
import pg from "pg";
import { chain, GENESIS, type LogEntry, type LogRecord } from "../../audit/chain.js";
import { type CaseState, caseParties, OPEN_STATUSES } from "../../domain/case.js";
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
  type CaseRow,
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
import { BEGIN, PgGroupCommit } from "./group-commit.js";
import { LOCK } from "./locks.js";
import { migrate } from "./migrate.js";
import { RelayLease } from "./relay-lease.js";

/** Options of {@link PgLedger.open}. */
export interface PgLedgerOptions {
  /** `postgres://user@host:port/database`. */
  readonly url: string;
  /** Schema holding this region's tables (created if missing); lower-case letters, digits, `_`. */
  readonly schema: string;
  /** Encrypts personal data at rest (case bodies, payloads, answers, envelopes); none = plaintext. */
  readonly cipher?: DataCipher;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
}

/** unique_violation: a key someone else already holds. */
const UNIQUE_VIOLATION = "23505";

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === UNIQUE_VIOLATION;
}

/**
 * What a database error means to the caller. A key someone else holds is
 * CONFLICT; data the database refuses (SQLSTATE classes 22 and 23: a value out
 * of range, a character it cannot store) is INVALID_ARGUMENT, which no retry
 * cures; anything else (connection, timeout, lock wait, deadlock) is an outage:
 * UNAVAILABLE, retriable.
 */
function fromDriver(what: string, err: unknown): XrError {
  if (err instanceof XrError) return err;
  const message = `${what} failed: ${(err as Error).message}`;
  if (isUniqueViolation(err)) return new XrError(ErrorCode.CONFLICT, message, { cause: err });
  const state = (err as { code?: unknown }).code;
  if (typeof state === "string" && /^2[23]/.test(state)) {
    return new XrError(ErrorCode.INVALID_ARGUMENT, message, { cause: err });
  }
  return new XrError(ErrorCode.UNAVAILABLE, message, { cause: err });
}

/**
 * Text for a column: PostgreSQL cannot store U+0000 in text, SQLite can. What
 * reaches the log of a refused record (its key, its headers) is whatever the
 * sender put there, and must be kept rather than hold the partition.
 */
function storable(s: string): string {
  return s.includes("\0") ? s.replaceAll("\0", "\uFFFD") : s;
}

/** Session settings of every connection: bounded waits, so that no commit hangs on a lost peer. */
const SESSION_SETTINGS = [
  "statement_timeout=30000",
  "lock_timeout=15000",
  "idle_in_transaction_session_timeout=60000",
];

/** {@link LedgerStore} in one PostgreSQL schema. */
export class PgLedger implements LedgerStore {
  readonly #pool: pg.Pool;
  readonly #cipher: DataCipher;
  readonly #lease: RelayLease;
  /** The region's schema: with the lock kind, the key of its advisory locks. */
  readonly #schema: string;

  readonly #commits: PgGroupCommit;

  private constructor(pool: pg.Pool, lease: RelayLease, schema: string, cipher: DataCipher) {
    this.#pool = pool;
    this.#lease = lease;
    this.#cipher = cipher;
    this.#schema = schema;
    this.#commits = new PgGroupCommit(pool, {
      writeRows: (c, change) => this.#writeRows(c, change),
      appendLog: (c, entries) => this.#appendLogIn(c, entries),
      commitAlone: (change) => this.#commitAlone(change),
      refusal: (change, err) => this.#refusal(change, err),
    });
  }

  /** Connects, migrates the schema to the latest version, and returns the ledger. */
  static async open(o: PgLedgerOptions): Promise<PgLedger> {
    if (!/^[a-z_][a-z0-9_]*$/.test(o.schema)) {
      throw new XrError(ErrorCode.INVALID_ARGUMENT, `schema: "${o.schema}" is not a plain lower-case name`);
    }
    const config: pg.ClientConfig = {
      connectionString: o.url,
      options: [`search_path=${o.schema}`, ...SESSION_SETTINGS].map((x) => `-c ${x}`).join(" "),
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // Past the server's statement timeout: a connection that stopped answering altogether.
      query_timeout: 35_000,
    };
    const pool = new pg.Pool({ ...config, max: o.poolSize ?? 10 });
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
      if (isUniqueViolation(err)) {
        throw new XrError(ErrorCode.CONFLICT, `${what}: ${(err as Error).message}`, { cause: err });
      }
      throw fromDriver(what, err);
    } finally {
      client.release(broken);
    }
  }

  async #query<R extends pg.QueryResultRow>(what: string, sql: string, args: unknown[] = []): Promise<R[]> {
    try {
      return (await this.#pool.query<R>(sql, args)).rows;
    } catch (err) {
      throw fromDriver(what, err);
    }
  }

  commit(change: Commit): Promise<void> {
    return this.#commits.submit(change);
  }

  /** One change in a transaction of its own (group-commit.ts falls back to it). */
  #commitAlone(change: Commit): Promise<void> {
    return this.#tx(`commit of case ${change.state.caseId}`, async (c) => {
      await this.#writeRows(c, change);
      await this.#appendLogIn(c, change.log ?? []);
    });
  }

  /** A change refused inside a batch: its own fault (CONFLICT), or undefined for a failure to retry alone. */
  #refusal(change: Commit, err: unknown): unknown {
    if (err instanceof XrError) return err;
    if (isUniqueViolation(err)) {
      return new XrError(
        ErrorCode.CONFLICT,
        `commit of case ${change.state.caseId}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    return undefined;
  }

  /** Writes a change's rows (not its log entries, which the caller appends last). */
  async #writeRows(c: pg.PoolClient, change: Commit): Promise<void> {
    const { state } = change;
    const body = this.#cipher.sealText(JSON.stringify(state));
    const parties = `,${caseParties(state).join(",")},`;
    if (change.expectedVersion === 0) {
      const inserted = await c.query(
        `INSERT INTO cases (case_id, version, status, parties, deadline, submitted_at, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id) DO NOTHING`,
        [state.caseId, state.version, state.status, parties, state.deadline, state.submittedAt, body],
      );
      if (inserted.rowCount === 0) await this.#conflict(c, state.caseId, 0);
    } else {
      // The relay may have marked the case FORWARDED after the caller read it: keep that.
      const updated = await c.query(
        `UPDATE cases SET version = $2, deadline = $4, body = $5,
           status = CASE WHEN status = 'FORWARDED' AND $3 = 'SUBMITTED' THEN 'FORWARDED' ELSE $3 END
         WHERE case_id = $1 AND version = $6`,
        [state.caseId, state.version, state.status, state.deadline, body, change.expectedVersion],
      );
      if (updated.rowCount === 0) await this.#conflict(c, state.caseId, change.expectedVersion);
    }
    for (const e of change.events) {
      try {
        await c.query(
          `INSERT INTO events (event_id, case_id, source_region, sequence, type, occurred_at, status_after, payload)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            e.eventId,
            e.caseId,
            e.sourceRegion,
            e.sequence,
            e.payload.type,
            e.occurredAt,
            e.statusAfter,
            this.#cipher.sealText(JSON.stringify(e.payload)),
          ],
        );
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new XrError(
            ErrorCode.CONFLICT,
            `event ${e.eventId} (sequence ${e.sequence}) is already recorded`,
            { cause: err },
          );
        }
        throw err;
      }
    }
    for (const m of change.outbox) {
      await c.query("INSERT INTO outbox (topic, key, value, headers) VALUES ($1, $2, $3, $4)", [
        m.topic,
        m.key,
        this.#cipher.seal(m.value),
        JSON.stringify(m.headers),
      ]);
    }
    const now = new Date().toISOString();
    if (change.inbox) {
      const i = change.inbox;
      await c.query(
        "INSERT INTO inbox (event_id, case_id, source_region, sequence, applied_at, digest) VALUES ($1, $2, $3, $4, $5, $6)",
        [i.eventId, i.caseId, i.sourceRegion, i.sequence, now, i.digest ?? ""],
      );
    }
    if (change.idempotency) {
      const k = change.idempotency;
      try {
        await c.query(
          "INSERT INTO idempotency (key, request_hash, body, created_at) VALUES ($1, $2, $3, $4)",
          [k.key, k.requestHash, body, now],
        );
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        throw new XrError(ErrorCode.CONFLICT, `Idempotency-Key ${k.key} was used concurrently`, {
          cause: err,
        });
      }
    }
    if (change.unparkEventId) await c.query("DELETE FROM parked WHERE event_id = $1", [change.unparkEventId]);
  }

  async #conflict(c: pg.PoolClient, caseId: string, expected: number): Promise<never> {
    const { rows } = await c.query<{ version: number }>("SELECT version FROM cases WHERE case_id = $1", [
      caseId,
    ]);
    throw new XrError(
      ErrorCode.CONFLICT,
      `case ${caseId} changed meanwhile (version ${rows[0]?.version ?? 0}, expected ${expected})`,
    );
  }

  /**
   * Chains and inserts log records. Replicas append to one chain: the
   * transaction lock makes them take turns, and the head is read only once
   * the lock is held, so it is the latest committed one.
   */
  async #appendLogIn(c: pg.PoolClient, entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await c.query(`SELECT pg_advisory_xact_lock(hashtext($1), ${LOCK.log})`, [this.#schema]);
    const { rows } = await c.query<{ seq: string; hash: string }>(
      "SELECT seq, hash FROM message_log ORDER BY seq DESC LIMIT 1",
    );
    const head = rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : { seq: 0, hash: GENESIS };
    // Chained in the form stored, so that the hashes check against what is read back.
    const records = chain(
      head,
      entries.map((e) => ({
        ...e,
        eventId: storable(e.eventId),
        caseId: storable(e.caseId),
        peer: storable(e.peer),
        at: storable(e.at),
      })),
    );
    // One statement for the whole batch: the lock is held for as short a time as possible.
    await c.query(
      `INSERT INTO message_log (seq, direction, event_id, case_id, peer, at, value, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::bytea[], $8::text[], $9::text[])`,
      [
        records.map((r) => r.seq),
        records.map((r) => r.direction),
        records.map((r) => r.eventId),
        records.map((r) => r.caseId),
        records.map((r) => r.peer),
        records.map((r) => r.at),
        records.map((r) => this.#cipher.seal(r.value)),
        records.map((r) => r.prevHash),
        records.map((r) => r.hash),
      ],
    );
  }

  async appendLog(entries: readonly LogEntry[]): Promise<void> {
    try {
      await this.#tx("message log write", (c) => this.#appendLogIn(c, entries));
    } catch (err) {
      throw new XrError(ErrorCode.UNAVAILABLE, `message log write failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async logRecords(fromSeq: number, limit: number): Promise<LogRecord[]> {
    const rows = await this.#query<LogRow>(
      "message log read",
      "SELECT * FROM message_log WHERE seq >= $1 ORDER BY seq LIMIT $2",
      [fromSeq, limit],
    );
    return rows.map((r) => logFromRow(r, this.#cipher));
  }

  async logForCase(caseId: string): Promise<LogRecord[]> {
    const rows = await this.#query<LogRow>(
      "message log read",
      "SELECT * FROM message_log WHERE case_id = $1 ORDER BY seq",
      [caseId],
    );
    return rows.map((r) => logFromRow(r, this.#cipher));
  }

  async getCase(caseId: string): Promise<CaseState | undefined> {
    const rows = await this.#query<CaseRow>(
      "ledger read",
      "SELECT status, body FROM cases WHERE case_id = $1",
      [caseId],
    );
    return rows[0] && caseFromRow(rows[0], this.#cipher);
  }

  async listCases(filter: CaseFilter): Promise<CaseState[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => {
      args.push(v);
      return `$${args.length}`;
    };
    if (filter.status) where.push(`status = ${arg(filter.status)}`);
    if (filter.region) where.push(`parties LIKE ${arg(`%,${filter.region},%`)}`);
    if (filter.overdueOn) {
      where.push(
        `deadline <> '' AND deadline < ${arg(filter.overdueOn)} AND status = ANY(${arg(OPEN_STATUSES)})`,
      );
    }
    const sql = `SELECT status, body FROM cases ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
                 ORDER BY submitted_at DESC, case_id DESC LIMIT ${arg(filter.limit)} OFFSET ${arg(filter.offset)}`;
    const rows = await this.#query<CaseRow>("ledger read", sql, args);
    return rows.map((r) => caseFromRow(r, this.#cipher));
  }

  async listEvents(caseId: string): Promise<LedgerEvent[]> {
    const rows = await this.#query<EventRow>(
      "ledger read",
      "SELECT * FROM events WHERE case_id = $1 ORDER BY position",
      [caseId],
    );
    return rows.map((r) => eventFromRow(r, this.#cipher));
  }

  async findIdempotent(key: string): Promise<IdempotentResponse | undefined> {
    const rows = await this.#query<IdempotencyRow>(
      "ledger read",
      `SELECT key, request_hash AS "requestHash", body FROM idempotency WHERE key = $1`,
      [key],
    );
    return rows[0] && idempotentFromRow(rows[0], this.#cipher);
  }

  async pendingOutbox(limit: number): Promise<OutboxRecord[]> {
    const rows = await this.#query<{
      id: string;
      topic: string;
      key: string;
      value: Buffer;
      headers: Record<string, string>;
    }>("outbox read", "SELECT * FROM outbox ORDER BY id LIMIT $1", [limit]);
    return rows.map((r) => ({
      id: Number(r.id),
      topic: r.topic,
      key: r.key,
      value: new Uint8Array(this.#cipher.open(r.value)),
      headers: r.headers,
    }));
  }

  async markPublished(ids: readonly number[], forwardedCaseIds: readonly string[]): Promise<void> {
    await this.#tx("outbox update", async (c) => {
      await c.query("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [ids]);
      if (forwardedCaseIds.length > 0) {
        await c.query(
          "UPDATE cases SET status = 'FORWARDED' WHERE case_id = ANY($1) AND status = 'SUBMITTED'",
          [forwardedCaseIds],
        );
      }
    });
  }

  async appliedSequence(caseId: string, sourceRegion: string): Promise<number> {
    const rows = await this.#query<{ s: number }>(
      "ledger read",
      `SELECT GREATEST(
         (SELECT COALESCE(MAX(sequence), 0) FROM events WHERE case_id = $1 AND source_region = $2),
         (SELECT COALESCE(MAX(sequence), 0) FROM inbox WHERE case_id = $1 AND source_region = $2)) AS s`,
      [caseId, sourceRegion],
    );
    return Number(rows[0]?.s ?? 0);
  }

  async hasApplied(eventId: string): Promise<boolean> {
    const rows = await this.#query<{ found: boolean }>(
      "ledger read",
      `SELECT EXISTS (SELECT 1 FROM events WHERE event_id = $1)
           OR EXISTS (SELECT 1 FROM inbox WHERE event_id = $1) AS found`,
      [eventId],
    );
    return rows[0]?.found === true;
  }

  async appliedDigest(eventId: string): Promise<string | undefined> {
    const rows = await this.#query<{ digest: string }>(
      "ledger read",
      "SELECT digest FROM inbox WHERE event_id = $1",
      [eventId],
    );
    if (rows[0]) return rows[0].digest;
    return (await this.hasApplied(eventId)) ? "" : undefined;
  }

  async recordDeadLettered(e: InboxEntry): Promise<void> {
    await this.#query(
      "inbox write",
      `INSERT INTO inbox (event_id, case_id, source_region, sequence, applied_at, outcome, digest)
       VALUES ($1, $2, $3, $4, $5, 'dead-lettered', $6) ON CONFLICT (event_id) DO NOTHING`,
      [e.eventId, e.caseId, e.sourceRegion, e.sequence, new Date().toISOString(), e.digest ?? ""],
    );
  }

  async park(e: ParkedEvent): Promise<ParkResult> {
    const holder = async () =>
      (
        await this.#query<{ event_id: string }>(
          "parking read",
          "SELECT event_id FROM parked WHERE case_id = $1 AND source_region = $2 AND sequence = $3",
          [e.caseId, e.sourceRegion, e.sequence],
        )
      )[0]?.event_id;
    const before = await holder();
    if (before !== undefined) return before === e.eventId ? "already-parked" : "collision";
    const inserted = await this.#query<{ event_id: string }>(
      "parking write",
      `INSERT INTO parked (event_id, case_id, source_region, sequence, value, parked_at, topic, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        e.eventId,
        e.caseId,
        e.sourceRegion,
        e.sequence,
        this.#cipher.seal(e.value),
        e.parkedAt,
        e.topic,
        e.reason,
      ],
    );
    if (inserted.length > 0) return "parked";
    // Another replica parked something at the same moment: say what holds the place now. If nothing
    // does, a drain applied it meanwhile; this very event, if it was the one.
    const now = await holder();
    if (now === undefined) return (await this.hasApplied(e.eventId)) ? "already-parked" : this.park(e);
    return now === e.eventId ? "already-parked" : "collision";
  }

  async dropParked(eventId: string): Promise<void> {
    await this.#query("parking write", "DELETE FROM parked WHERE event_id = $1", [eventId]);
  }

  async parkedBefore(iso: string, limit: number): Promise<ParkedEvent[]> {
    const rows = await this.#query<ParkedRow>(
      "parking read",
      "SELECT * FROM parked WHERE parked_at < $1 ORDER BY parked_at LIMIT $2",
      [iso, limit],
    );
    return rows.map((r) => parkedFromRow(r, this.#cipher));
  }

  async parkedFor(caseId: string): Promise<ParkedEvent[]> {
    const rows = await this.#query<ParkedRow>(
      "parking read",
      "SELECT * FROM parked WHERE case_id = $1 ORDER BY source_region, sequence",
      [caseId],
    );
    return rows.map((r) => parkedFromRow(r, this.#cipher));
  }

  async countParked(caseId: string): Promise<number> {
    const rows = await this.#query<{ n: string }>(
      "parking read",
      "SELECT COUNT(*) AS n FROM parked WHERE case_id = $1",
      [caseId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async stats(today: string): Promise<LedgerStats> {
    const [byStatus, counts] = await Promise.all([
      this.#query<{ status: string; n: string }>(
        "ledger stats",
        "SELECT status, COUNT(*) AS n FROM cases GROUP BY status",
      ),
      this.#query<{ outbox: string; parked: string; overdue: string }>(
        "ledger stats",
        `SELECT (SELECT COUNT(*) FROM outbox) AS outbox, (SELECT COUNT(*) FROM parked) AS parked,
                (SELECT COUNT(*) FROM cases WHERE deadline <> '' AND deadline < $1 AND status = ANY($2)) AS overdue`,
        [today, OPEN_STATUSES],
      ),
    ]);
    const c = counts[0];
    return {
      casesByStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])),
      outboxBacklog: Number(c?.outbox ?? 0),
      parked: Number(c?.parked ?? 0),
      overdue: Number(c?.overdue ?? 0),
    };
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
