/**
 * The ledger store port: cases, their events, the outbox and the inbox of one
 * region. Implementations: SQLite (store/sqlite) and PostgreSQL (store/pg);
 * both must pass the same store suite.
 */
import type { CaseState, CaseStatus } from "../domain/case.js";
import type { Checkpoint } from "../domain/checkpoint.js";
import type { LedgerEvent } from "../domain/events.js";
import type { LogEntry, LogRecord } from "../domain/message-log.js";
import type { Notification } from "../domain/notifications.js";

export type { Direction, LogEntry, LogRecord } from "../domain/message-log.js";

/** A message waiting to be published, written in the same transaction as its event. */
export interface OutboxMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/** An outbox message with its position. */
export interface OutboxRecord extends OutboxMessage {
  readonly id: number;
}

/** An `Idempotency-Key` scoped to one operation (e.g. `submit` or `act:<caseId>`). */
export interface IdempotencyKey {
  readonly key: string;
  /** sha256 of the request body, so a reused key with another body is caught. */
  readonly requestHash: string;
}

/** A key and the case as its first request left it: a retry is answered with that case again. */
export interface IdempotentResponse extends IdempotencyKey {
  readonly state: CaseState;
}

/** Records that an event from a partner was applied (the inbox). */
export interface InboxEntry {
  readonly eventId: string;
  readonly caseId: string;
  readonly sourceRegion: string;
  readonly sequence: number;
  /** sha256 (hex) of the envelope's bytes as received, to tell a redelivery from a replay. */
  readonly digest?: string;
}

/** One atomic change: everything in it commits together or not at all. */
export interface Commit {
  /** New state of the case. */
  readonly state: CaseState;
  /** Version the state was derived from (0 for a new case); a mismatch fails with CONFLICT. */
  readonly expectedVersion: number;
  readonly events: readonly LedgerEvent[];
  readonly outbox: readonly OutboxMessage[];
  readonly inbox?: InboxEntry;
  /** The request's key: `state` is kept (sealed like the case) as its answer. */
  readonly idempotency?: IdempotencyKey;
  /** A parked event that this commit applies, removed in the same transaction. */
  readonly unparkEventId?: string;
  /** Envelopes sent or received with this change, appended to the message log in the same transaction. */
  readonly log?: readonly LogEntry[];
  /** SMS owed to the applicant for these events (issue 18), queued in the same transaction; one per event id. */
  readonly notifications?: readonly Notification[];
}

/** A queued notification with how often it was tried. */
export interface PendingNotification extends Notification {
  readonly attempts: number;
}

/** Counts of the notification queue, for metrics. */
export interface NotificationStats {
  /** Sent (the provider took them). */
  readonly sent: number;
  /** Not sent yet (failing ones included). */
  readonly pending: number;
  /** Not sent yet, with at least one failed try. */
  readonly failing: number;
}

/** Filter of `GET /api/v1/cases`. */
export interface CaseFilter {
  readonly status?: CaseStatus | undefined;
  /** Cases where this region is a party. */
  readonly region?: string | undefined;
  /** Only cases open past their deadline as of this date (YYYY-MM-DD). */
  readonly overdueOn?: string | undefined;
  /**
   * Candidates for a receipt number (domain/receipt-number.ts): cases whose id ends with its last six characters
   * and whose parties include its intake region. The caller keeps those whose receipt number is exactly it
   * (the number itself is inside the sealed body).
   */
  readonly receiptNo?: { readonly intakeRegion: string; readonly caseIdSuffix: string } | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** An event parked because its predecessor has not arrived yet. */
export interface ParkedEvent {
  readonly eventId: string;
  readonly caseId: string;
  readonly sourceRegion: string;
  readonly sequence: number;
  readonly value: Uint8Array;
  readonly parkedAt: string;
  /** Topic it was consumed from. */
  readonly topic: string;
  /** Why it could not apply when it arrived. */
  readonly reason: string;
}

/** What {@link LedgerStore.park} did. */
export type ParkResult = "parked" | "already-parked" | "collision";

/** Counts of a ledger read for `/metrics` on each scrape. */
export interface LedgerStats {
  /** Cases held, by status (statuses without cases are absent). */
  readonly casesByStatus: Readonly<Record<string, number>>;
  /** Outbox messages not yet on the bus. */
  readonly outboxBacklog: number;
  /** Events parked while they wait for a predecessor. */
  readonly parked: number;
  /** Open cases past their deadline as of the given day. */
  readonly overdue: number;
  /** Open cases with a clock, by 电子监察 light as of the given day (issue 17). */
  readonly lights?: { readonly GREEN: number; readonly YELLOW: number; readonly RED: number } | undefined;
}

/** A case that just turned red, as the alert names it: no personal data. */
export interface RedCase {
  readonly caseId: string;
  readonly matterCode: string;
  readonly handlingRegion: string;
  readonly dueOn: string;
  /** Working days overdue as last recorded (0 when the breach is not recorded yet: no event since). */
  readonly breachDays: number;
}

/** What {@link LedgerStore.caseStats} counts (issue 17, 统计/效能监督). */
export interface CaseStatsQuery {
  /** First and last day of the range (YYYY-MM-DD CST, inclusive). */
  readonly from: string;
  readonly to: string;
  /** Per matter, or per partner region (the party that is not `region`). */
  readonly groupBy: "matter" | "region";
  /** This ledger's region. */
  readonly region: string;
  /** The day that decides what is overdue or due soon now. */
  readonly today: string;
  /** At most this many cases in the watch list. */
  readonly limit: number;
}

/** One group's counts over the range. */
export interface CaseStatsGroup {
  /** Matter code or partner region code. */
  readonly key: string;
  /** Cases that arrived in the range. */
  readonly received: number;
  /** Cases decided in the range. */
  readonly decided: number;
  /** Of those, decided with no breach recorded at any stage. */
  readonly onTime: number;
  /** Sum of working days to decide (arrival to decision, suspensions left out) of the decided cases counted. */
  readonly decideDaysSum: number;
  /** Decided cases whose working days to decide are known (the divisor of the average). */
  readonly decideDaysCount: number;
  /** Working days stopped (补正 + 特别程序) of the cases received in the range. */
  readonly suspendedDays: number;
  /** Open cases overdue now (not bounded by the range). */
  readonly overdueNow: number;
  /** 好差评 given in the range (by the CST day of the rating). */
  readonly rated: number;
  /** Of those, 非常满意, 满意 or 基本满意. */
  readonly satisfied: number;
  /** Of those, 差评: 不满意 or 非常不满意. */
  readonly negative: number;
  /** 整改 open now: a negative rating's task not answered (not bounded by the range). */
  readonly rectificationOpen: number;
  /** Of those, due before today. */
  readonly rectificationOverdue: number;
}

/** An open case red or yellow now, by its plain columns only (no personal data). */
export interface WatchedCase {
  readonly caseId: string;
  readonly matterCode: string;
  readonly intakeRegion: string;
  readonly handlingRegion: string;
  readonly arrivedOn: string;
  readonly dueOn: string;
  readonly stoppedOn: string | null;
  readonly breachOn: string | null;
  readonly breachDays: number | null;
  readonly breachStage: string | null;
  readonly light: "RED" | "YELLOW";
}

/** What {@link LedgerStore.caseStats} answers. */
export interface CaseStatsRows {
  readonly groups: readonly CaseStatsGroup[];
  readonly watch: readonly WatchedCase[];
}

/** The ledger of one region. */
export interface LedgerStore {
  getCase(caseId: string): Promise<CaseState | undefined>;
  listCases(filter: CaseFilter): Promise<CaseState[]>;
  listEvents(caseId: string): Promise<LedgerEvent[]>;
  /** Commits atomically; rejects with CONFLICT when `expectedVersion` is stale. */
  commit(change: Commit): Promise<void>;
  findIdempotent(key: string): Promise<IdempotentResponse | undefined>;
  /** Unpublished outbox messages in commit order. */
  pendingOutbox(limit: number): Promise<OutboxRecord[]>;
  /**
   * Removes published outbox messages and, in the same transaction, marks the
   * SUBMITTED cases among `forwardedCaseIds` FORWARDED (their submission left).
   */
  markPublished(ids: readonly number[], forwardedCaseIds: readonly string[]): Promise<void>;
  /** Highest sequence applied or dead-lettered from `sourceRegion` for the case (0 if none). */
  appliedSequence(caseId: string, sourceRegion: string): Promise<number>;
  /** Whether this event was applied, or dead-lettered in its turn. */
  hasApplied(eventId: string): Promise<boolean>;
  /**
   * The digest recorded when this event was applied or dead-lettered in its
   * turn: undefined if it never was, "" if it was recorded without one.
   */
  appliedDigest(eventId: string): Promise<string | undefined>;
  /**
   * Records that an event which was next in line was dead-lettered, so the
   * source's later events are not held back by it forever.
   */
  recordDeadLettered(entry: InboxEntry): Promise<void>;
  /**
   * Parks an event; "already-parked" if this event is parked, "collision" if
   * another event holds its (case, source, sequence).
   */
  park(event: ParkedEvent): Promise<ParkResult>;
  /** Removes a parked event that will never apply (it was dead-lettered). */
  dropParked(eventId: string): Promise<void>;
  /** Parked events parked before `iso`, oldest first. */
  parkedBefore(iso: string, limit: number): Promise<ParkedEvent[]>;
  /** Parked events of a case, by source region and sequence. */
  parkedFor(caseId: string): Promise<ParkedEvent[]>;
  /** Parked events of one case. */
  countParked(caseId: string): Promise<number>;
  /** Whether the store answers (for /readyz). */
  ping(): Promise<boolean>;
  /** Counts for metrics; `today` (YYYY-MM-DD) decides what is overdue. */
  stats(today: string): Promise<LedgerStats>;
  /**
   * Open cases red on `today` that were not alerted on yet, marked alerted in the same statement: each
   * case is returned once, whichever replica asks first.
   */
  markRed(today: string): Promise<RedCase[]>;
  /** The supervision figures, by SQL aggregates over indexed columns (never by reading every case). */
  caseStats(q: CaseStatsQuery): Promise<CaseStatsRows>;
  /**
   * Whether this process may publish the outbox now. Replicas share one
   * ledger, and only the holder of the lease relays, so that two relays never
   * publish the same messages nor reorder a case's events. A store that only
   * one process can open always holds it.
   */
  relayLease(): Promise<boolean>;
  /**
   * Appends to the hash-chained message log on its own (an envelope refused
   * or dead-lettered). Rejects when the log cannot be written: the caller then
   * holds the envelope rather than let it pass unlogged.
   */
  appendLog(entries: readonly LogEntry[]): Promise<void>;
  /** Unsent notifications due by `nowIso`, oldest first (issue 18). */
  pendingNotifications(limit: number, nowIso: string): Promise<PendingNotification[]>;
  /** Notes that the provider took it; its sealed body (the mobile) is dropped. */
  markNotified(eventId: string, atIso: string): Promise<void>;
  /** Notes a failed try; the next one is due at `nextIso`. */
  notificationFailed(eventId: string, nextIso: string): Promise<void>;
  /** Counts for the notification gauges. */
  notificationStats(): Promise<NotificationStats>;
  /** Log records in seq order from `fromSeq`, at most `limit`. */
  logRecords(fromSeq: number, limit: number): Promise<LogRecord[]>;
  /** Up to `limit` envelopes received from `peer`, after `afterSeq`, in order (the receipts to hand back). */
  receivedLog(peer: string, afterSeq: number, limit: number): Promise<LogRecord[]>;
  /** Every log record of one case, in seq order. */
  logForCase(caseId: string): Promise<LogRecord[]>;
  /** seq and hash of the log's last record (0 and 64 zeros when it is empty). */
  logHead(): Promise<{ seq: number; hash: string }>;
  /**
   * Keeps a countersigned checkpoint: this region's own, as a partner kept it,
   * or a partner's, witnessed here. False when one of the same log, witness
   * and seq is kept already (the first stays).
   */
  keepCheckpoint(checkpoint: Checkpoint): Promise<boolean>;
  /** The latest checkpoints of `region`'s log countersigned by `witness`, latest first. */
  checkpoints(region: string, witness: string, limit: number): Promise<Checkpoint[]>;
  /** The log's seq up to which received envelopes from `partner` have had their receipts handed back (0: none). */
  receiptCursor(partner: string): Promise<number>;
  /** Moves {@link receiptCursor} forward to `seq` (never back). */
  setReceiptCursor(partner: string, seq: number): Promise<void>;
  close(): Promise<void>;
}
