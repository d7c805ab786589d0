/**
 * What the SQLite and PostgreSQL ledgers do alike, written once: every read,
 * and the writes that need no transaction of their own, over {@link Sql}.
 * Each dialect's ledger adds what it does its own way: the commit (group
 * commit, the case's version check), publishing, and the message log's appends.
 */
import type { CaseState } from "../../domain/case.js";
import type { Checkpoint } from "../../domain/checkpoint.js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { LedgerEvent } from "../../domain/events.js";
import type { LogEntry, LogRecord } from "../../domain/message-log.js";
import type { MaterialOpening, MaterialOpeningLog } from "../../ports/openings.js";
import type {
  ApplicantSession,
  ApplicantSessionStore,
  SessionStore,
  StaffSession,
} from "../../ports/sessions.js";
import type {
  CaseFilter,
  CaseStatsGroup,
  CaseStatsQuery,
  CaseStatsRows,
  Commit,
  IdempotentResponse,
  InboxEntry,
  LedgerStats,
  LedgerStore,
  NotificationStats,
  OutboxRecord,
  ParkedEvent,
  ParkResult,
  PendingNotification,
  RedCase,
} from "../../ports/store.js";
import { type AtRestError, alerting, type DataCipher } from "../../security/cipher.js";
import {
  type CaseRow,
  caseFromRow,
  type EventRow,
  eventFromRow,
  type IdempotencyRow,
  idempotentFromRow,
  type LogRow,
  logFromRow,
  type OutboxRow,
  outboxFromRow,
  type ParkedRow,
  parkedFromRow,
} from "../rows.js";
import { APPLICANT_SESSIONS, applicantIdentityAt } from "./applicant-sessions.js";
import { CASES, countsArgs, listCasesQuery, markRedArgs } from "./cases.js";
import {
  CHECKPOINTS,
  type CheckpointRow,
  checkpointColumns,
  checkpointFromRow,
  RECEIPT_CURSOR,
} from "./checkpoints.js";
import { EVENTS } from "./events.js";
import { IDEMPOTENCY } from "./idempotency.js";
import { INBOX, inboxColumns } from "./inbox.js";
import { LOG, logHead } from "./log.js";
import { NOTIFICATIONS, type NotificationRow, notificationFromRow } from "./notifications.js";
import { OPENINGS } from "./openings.js";
import { OUTBOX } from "./outbox.js";
import { PARKED, parkedColumns } from "./parked.js";
import type { ResealReport } from "./reseal.js";
import { SESSIONS } from "./sessions.js";
import {
  decidedQuery,
  overdueCountQuery,
  ratedQuery,
  receivedQuery,
  rectificationQuery,
  watchListQuery,
} from "./stats.js";

/**
 * How a dialect runs a statement written with `?` placeholders. A failure
 * rejects with an XrError: UNAVAILABLE when the database cannot answer now.
 */
export interface Sql {
  /** Runs the statement; the rows it returns, if any. */
  query<R>(sql: string, args?: readonly unknown[]): Promise<R[]>;
}

/** How a ledger keeps personal data at rest; the same options in both dialects. */
export interface SealingOptions {
  /** Seals personal data at rest (case bodies, payloads, answers, envelopes); there is no plaintext mode. */
  readonly cipher: DataCipher;
  /**
   * Told of every stored value that fails its integrity check, before the read
   * fails with DATA_LOSS: the running gateway logs it and counts it.
   */
  readonly alert?: ((e: AtRestError) => void) | undefined;
  /**
   * Opens a ledger still in the previous at-rest format, only to re-seal it
   * (`xr ledger reseal`); without it such a ledger refuses to open.
   */
  readonly resealing?: boolean | undefined;
}

/** The at-rest format of values this code writes (`at_rest_format`; store migrations set 1 or 2). */
export const AT_REST_FORMAT = 2;

/** Refuses to open a ledger whose values are in an older format, naming the one-time step. */
export function checkAtRestFormat(version: number, where: string, o: SealingOptions): void {
  if (version >= AT_REST_FORMAT || o.resealing) return;
  throw new XrError(
    ErrorCode.FAILED_PRECONDITION,
    `the ledger ${where} holds values sealed in the previous at-rest format (no associated data): ` +
      "with the gateway stopped, run `xr ledger reseal` once (docs/security.md)",
  );
}

/**
 * A ledger on SQL tables (store/sqlite/schema.ts, store/pg/schema.ts), which also keeps the page's sessions
 * and the record of materials opened.
 */
export abstract class SqlLedger
  implements LedgerStore, SessionStore, ApplicantSessionStore, MaterialOpeningLog
{
  readonly #sql: Sql;
  /** Seals personal data at rest and opens it on the way back; a value that does not open raises the alert. */
  protected readonly cipher: DataCipher;

  protected constructor(sql: Sql, o: SealingOptions) {
    this.#sql = sql;
    this.cipher = o.alert ? alerting(o.cipher, o.alert) : o.cipher;
  }

  /**
   * Re-seals, in one transaction, every value of the previous at-rest format
   * in the current one (bound to its place), and marks the ledger current.
   * Values that are not sealed at all abort it unless `acceptUnsealed`.
   */
  abstract reseal(acceptUnsealed: boolean): Promise<ResealReport>;

  abstract commit(change: Commit): Promise<void>;
  abstract markPublished(ids: readonly number[], forwardedCaseIds: readonly string[]): Promise<void>;
  abstract appendLog(entries: readonly LogEntry[]): Promise<void>;
  abstract relayLease(): Promise<boolean>;
  abstract ping(): Promise<boolean>;
  abstract close(): Promise<void>;

  async getCase(caseId: string): Promise<CaseState | undefined> {
    const [row] = await this.#sql.query<CaseRow>(CASES.get, [caseId]);
    return row && caseFromRow(row, this.cipher);
  }

  async listCases(filter: CaseFilter): Promise<CaseState[]> {
    const rows = await this.#sql.query<CaseRow>(...listCasesQuery(filter));
    return rows.map((r) => caseFromRow(r, this.cipher));
  }

  async listEvents(caseId: string): Promise<LedgerEvent[]> {
    const rows = await this.#sql.query<EventRow>(EVENTS.list, [caseId]);
    return rows.map((r) => eventFromRow(r, this.cipher));
  }

  async findIdempotent(key: string): Promise<IdempotentResponse | undefined> {
    const [found] = await this.#sql.query<IdempotencyRow>(IDEMPOTENCY.find, [key]);
    return found && idempotentFromRow(found, this.cipher);
  }

  async pendingOutbox(limit: number): Promise<OutboxRecord[]> {
    const rows = await this.#sql.query<OutboxRow>(OUTBOX.pending, [limit]);
    return rows.map((r) => outboxFromRow(r, this.cipher));
  }

  async pendingNotifications(limit: number, nowIso: string): Promise<PendingNotification[]> {
    const rows = await this.#sql.query<NotificationRow>(NOTIFICATIONS.pending, [nowIso, limit]);
    return rows.map((r) => notificationFromRow(r, this.cipher));
  }

  async markNotified(eventId: string, atIso: string): Promise<void> {
    await this.#sql.query(NOTIFICATIONS.sent, [atIso, eventId]);
  }

  async notificationFailed(eventId: string, nextIso: string): Promise<void> {
    await this.#sql.query(NOTIFICATIONS.failed, [nextIso, eventId]);
  }

  async notificationStats(): Promise<NotificationStats> {
    type N = number | string;
    const [row] = await this.#sql.query<{ sent: N; pending: N; failing: N }>(NOTIFICATIONS.stats);
    return {
      sent: Number(row?.sent ?? 0),
      pending: Number(row?.pending ?? 0),
      failing: Number(row?.failing ?? 0),
    };
  }

  async appliedSequence(caseId: string, sourceRegion: string): Promise<number> {
    const args = [caseId, sourceRegion, caseId, sourceRegion];
    const [row] = await this.#sql.query<{ s: number | string }>(INBOX.applied, args);
    return Number(row?.s ?? 0);
  }

  async hasApplied(eventId: string): Promise<boolean> {
    const [row] = await this.#sql.query<{ found: unknown }>(INBOX.hasApplied, [eventId, eventId]);
    return Boolean(row?.found);
  }

  async appliedDigest(eventId: string): Promise<string | undefined> {
    const [row] = await this.#sql.query<{ digest: string }>(INBOX.digest, [eventId]);
    if (row) return row.digest;
    return (await this.hasApplied(eventId)) ? "" : undefined;
  }

  async recordDeadLettered(entry: InboxEntry): Promise<void> {
    await this.#sql.query(INBOX.deadLettered, inboxColumns(entry));
  }

  async park(e: ParkedEvent): Promise<ParkResult> {
    const holder = async () =>
      (await this.#sql.query<{ event_id: string }>(PARKED.holder, [e.caseId, e.sourceRegion, e.sequence]))[0]
        ?.event_id;
    const before = await holder();
    if (before !== undefined) return before === e.eventId ? "already-parked" : "collision";
    const inserted = await this.#sql.query(PARKED.insert, parkedColumns(e, this.cipher));
    if (inserted.length > 0) return "parked";
    // Another replica parked something at the same moment: say what holds the place now. If nothing
    // does, a drain applied it meanwhile; this very event, if it was the one.
    const now = await holder();
    if (now === undefined) return (await this.hasApplied(e.eventId)) ? "already-parked" : this.park(e);
    return now === e.eventId ? "already-parked" : "collision";
  }

  async dropParked(eventId: string): Promise<void> {
    await this.#sql.query(PARKED.delete, [eventId]);
  }

  async parkedBefore(iso: string, limit: number): Promise<ParkedEvent[]> {
    const rows = await this.#sql.query<ParkedRow>(PARKED.before, [iso, limit]);
    return rows.map((r) => parkedFromRow(r, this.cipher));
  }

  async parkedFor(caseId: string): Promise<ParkedEvent[]> {
    const rows = await this.#sql.query<ParkedRow>(PARKED.forCase, [caseId]);
    return rows.map((r) => parkedFromRow(r, this.cipher));
  }

  async countParked(caseId: string): Promise<number> {
    const [row] = await this.#sql.query<{ n: number | string }>(PARKED.count, [caseId]);
    return Number(row?.n ?? 0);
  }

  async stats(today: string): Promise<LedgerStats> {
    type N = number | string;
    type Counts = { outbox: N; parked: N; overdue: N; red: N; yellow: N; lit: N };
    const [byStatus, [counts]] = await Promise.all([
      this.#sql.query<{ status: string; n: number | string }>(CASES.byStatus),
      this.#sql.query<Counts>(CASES.counts, countsArgs(today)),
    ]);
    return {
      casesByStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])),
      outboxBacklog: Number(counts?.outbox ?? 0),
      parked: Number(counts?.parked ?? 0),
      overdue: Number(counts?.overdue ?? 0),
      lights: {
        RED: Number(counts?.red ?? 0),
        YELLOW: Number(counts?.yellow ?? 0),
        GREEN: Number(counts?.lit ?? 0) - Number(counts?.red ?? 0) - Number(counts?.yellow ?? 0),
      },
    };
  }

  async markRed(today: string): Promise<RedCase[]> {
    type Row = {
      case_id: string;
      matter_code: string;
      handling_region: string;
      due_on: string;
      breach_days: N;
    };
    type N = number | string | null;
    const rows = await this.#sql.query<Row>(CASES.markRed, markRedArgs(today));
    return rows.map((r) => ({
      caseId: r.case_id,
      matterCode: r.matter_code,
      handlingRegion: r.handling_region,
      dueOn: r.due_on,
      breachDays: Number(r.breach_days ?? 0),
    }));
  }

  async caseStats(q: CaseStatsQuery): Promise<CaseStatsRows> {
    type N = number | string | null;
    type Received = { g: string | null; received: N; suspended: N };
    type Decided = { g: string | null; decided: N; on_time: N; decide_days: N; timed: N };
    type WatchRow = {
      case_id: string;
      matter_code: string;
      intake_region: string;
      handling_region: string;
      arrived_on: string;
      due_on: string;
      stopped_on: string | null;
      breach_on: string | null;
      breach_days: N;
      breach_stage: string | null;
      light: "RED" | "YELLOW";
    };
    type Rated = { g: string | null; rated: N; satisfied: N; negative: N };
    type Rectification = { g: string | null; open: N; overdue: N };
    const [received, decided, overdue, watch, rated, rectification] = await Promise.all([
      this.#sql.query<Received>(...receivedQuery(q)),
      this.#sql.query<Decided>(...decidedQuery(q)),
      this.#sql.query<{ g: string | null; n: N }>(...overdueCountQuery(q)),
      this.#sql.query<WatchRow>(...watchListQuery(q)),
      this.#sql.query<Rated>(...ratedQuery(q)),
      this.#sql.query<Rectification>(...rectificationQuery(q)),
    ]);
    const groups = new Map<string, CaseStatsGroup>();
    // A partner can come from both halves of the region grouping (intake here, handling there): sum them.
    const add = (key: string | null, more: Partial<Record<keyof CaseStatsGroup, number>>) => {
      const k = key ?? "";
      const g = groups.get(k) ?? {
        key: k,
        received: 0,
        decided: 0,
        onTime: 0,
        decideDaysSum: 0,
        decideDaysCount: 0,
        suspendedDays: 0,
        overdueNow: 0,
        rated: 0,
        satisfied: 0,
        negative: 0,
        rectificationOpen: 0,
        rectificationOverdue: 0,
      };
      const next = { ...g } as Record<string, number | string>;
      for (const [name, v] of Object.entries(more))
        next[name] = (g[name as keyof CaseStatsGroup] as number) + (v as number);
      groups.set(k, next as unknown as CaseStatsGroup);
    };
    const n = (v: N) => Number(v ?? 0);
    for (const r of received) add(r.g, { received: n(r.received), suspendedDays: n(r.suspended) });
    for (const r of decided)
      add(r.g, {
        decided: n(r.decided),
        onTime: n(r.on_time),
        decideDaysSum: n(r.decide_days),
        decideDaysCount: n(r.timed),
      });
    for (const r of overdue) add(r.g, { overdueNow: n(r.n) });
    for (const r of rated)
      add(r.g, { rated: n(r.rated), satisfied: n(r.satisfied), negative: n(r.negative) });
    for (const r of rectification)
      add(r.g, { rectificationOpen: n(r.open), rectificationOverdue: n(r.overdue) });
    return {
      groups: [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      watch: watch.map((r) => ({
        caseId: r.case_id,
        matterCode: r.matter_code,
        intakeRegion: r.intake_region,
        handlingRegion: r.handling_region,
        arrivedOn: r.arrived_on,
        dueOn: r.due_on,
        stoppedOn: r.stopped_on,
        breachOn: r.breach_on,
        breachDays: r.breach_days === null ? null : Number(r.breach_days),
        breachStage: r.breach_stage,
        light: r.light,
      })),
    };
  }

  async logRecords(fromSeq: number, limit: number): Promise<LogRecord[]> {
    const rows = await this.#sql.query<LogRow>(LOG.from, [fromSeq, limit]);
    return rows.map((r) => logFromRow(r, this.cipher));
  }

  async receivedLog(peer: string, afterSeq: number, limit: number): Promise<LogRecord[]> {
    const rows = await this.#sql.query<LogRow>(LOG.receivedFrom, [peer, afterSeq, limit]);
    return rows.map((r) => logFromRow(r, this.cipher));
  }

  async logForCase(caseId: string): Promise<LogRecord[]> {
    const rows = await this.#sql.query<LogRow>(LOG.forCase, [caseId]);
    return rows.map((r) => logFromRow(r, this.cipher));
  }

  async saveSession(session: StaffSession): Promise<void> {
    await this.#sql.query(SESSIONS.deleteExpired, [session.createdAt]);
    const { idHash, tokenHash, createdAt, expiresAt } = session;
    await this.#sql.query(SESSIONS.insert, [idHash, tokenHash, createdAt, expiresAt]);
  }

  async findSession(idHash: string, nowIso: string): Promise<StaffSession | undefined> {
    const [row] = await this.#sql.query<StaffSession>(SESSIONS.find, [idHash, nowIso]);
    return row && { ...row };
  }

  async endSession(idHash: string): Promise<void> {
    await this.#sql.query(SESSIONS.delete, [idHash]);
  }

  async endSessionsOf(tokenHash: string): Promise<void> {
    await this.#sql.query(SESSIONS.deleteOfToken, [tokenHash]);
  }

  async saveApplicantSession(session: ApplicantSession): Promise<void> {
    await this.#sql.query(APPLICANT_SESSIONS.deleteExpired, [session.createdAt]);
    const { idHash, identity, createdAt, expiresAt } = session;
    const sealed = this.cipher.sealText(JSON.stringify(identity), applicantIdentityAt(idHash));
    await this.#sql.query(APPLICANT_SESSIONS.insert, [idHash, sealed, createdAt, expiresAt]);
  }

  async findApplicantSession(idHash: string, nowIso: string): Promise<ApplicantSession | undefined> {
    const [row] = await this.#sql.query<Omit<ApplicantSession, "identity"> & { identity: string }>(
      APPLICANT_SESSIONS.find,
      [idHash, nowIso],
    );
    if (!row) return undefined;
    const identity = JSON.parse(this.cipher.openText(row.identity, applicantIdentityAt(idHash)));
    return { idHash: row.idHash, identity, createdAt: row.createdAt, expiresAt: row.expiresAt };
  }

  async endApplicantSession(idHash: string): Promise<void> {
    await this.#sql.query(APPLICANT_SESSIONS.delete, [idHash]);
  }

  async logHead(): Promise<{ seq: number; hash: string }> {
    const [row] = await this.#sql.query<{ seq: number | string; hash: string }>(LOG.head);
    return logHead(row);
  }

  async keepCheckpoint(checkpoint: Checkpoint): Promise<boolean> {
    return (await this.#sql.query(CHECKPOINTS.insert, checkpointColumns(checkpoint))).length > 0;
  }

  async checkpoints(region: string, witness: string, limit: number): Promise<Checkpoint[]> {
    const rows = await this.#sql.query<CheckpointRow>(CHECKPOINTS.latest, [region, witness, limit]);
    return rows.map(checkpointFromRow);
  }

  async receiptCursor(partner: string): Promise<number> {
    const [row] = await this.#sql.query<{ seq: number | string }>(RECEIPT_CURSOR.get, [partner]);
    return Number(row?.seq ?? 0);
  }

  async setReceiptCursor(partner: string, seq: number): Promise<void> {
    await this.#sql.query(RECEIPT_CURSOR.set, [partner, seq]);
  }

  async recordOpening(o: MaterialOpening): Promise<void> {
    await this.#sql.query(OPENINGS.insert, [
      o.caseId,
      o.sha256,
      o.staffName,
      o.staffRole,
      o.openedAt,
      o.range,
    ]);
  }

  async openingsOf(caseId: string): Promise<MaterialOpening[]> {
    const rows = await this.#sql.query<MaterialOpening>(OPENINGS.ofCase, [caseId]);
    return rows.map((r) => ({ ...r }));
  }
}
