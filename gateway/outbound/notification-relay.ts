/**
 * The notification relay (issue 18): sends the SMS queued in the ledger's
 * `notifications` table with their events, through the notification port,
 * and notes each one sent. Like the outbox relay, it runs only where the
 * store's relay lease is held (one replica of a PostgreSQL ledger), and it
 * is at least once: a crash between the provider's answer and the note sends
 * again, with the same idempotency key (the event id), so the provider sends
 * it once. Nothing here runs on a request's path.
 */
import type { Logger } from "pino";
import { XrError } from "../domain/errors.js";
import { type NotificationKind, render } from "../domain/notifications.js";
import type { Notifier } from "../ports/notifier.js";
import type { LedgerStore, PendingNotification } from "../ports/store.js";

/** Options of {@link NotificationRelay}. */
export interface NotificationRelayOptions {
  readonly store: LedgerStore;
  readonly notifier: Notifier;
  readonly templates: Readonly<Record<NotificationKind, string>>;
  readonly log: Logger;
  /** Told of each try (metrics). */
  readonly onResult?: (kind: NotificationKind, outcome: "sent" | "failed") => void;
  /** Longest wait between looks at the queue when nobody signals. */
  readonly idleMs?: number;
}

const BATCH_SIZE = 100;
/** A failed message waits 1 s, 2 s, 4 s … up to 5 min before its next try. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 300_000;

/** Sends a region's queued notifications until stopped. */
export class NotificationRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private signalled = false;
  /** The last batch stopped at a failing provider: the next look waits. */
  private failing = false;

  constructor(private readonly o: NotificationRelayOptions) {}

  /** Asks the relay to look at the queue now. */
  notify(): void {
    this.signalled = true;
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Sends what is due; returns how many messages were tried. */
  async drainOnce(): Promise<number> {
    if (!(await this.o.store.relayLease())) return 0;
    const batch = await this.o.store.pendingNotifications(BATCH_SIZE, new Date().toISOString());
    let tried = 0;
    this.failing = false;
    for (const n of batch) {
      if (!this.running && tried > 0) break;
      tried++;
      if (!(await this.#sendOne(n))) {
        this.failing = true;
        break;
      }
    }
    return tried;
  }

  /** Sends one; false when the provider is failing (the rest of the batch waits). */
  async #sendOne(n: PendingNotification): Promise<boolean> {
    const text = render(this.o.templates[n.kind], n.vars);
    try {
      await this.o.notifier.send({ idempotencyKey: n.eventId, mobile: n.mobile, text });
    } catch (err) {
      const e = XrError.from(err);
      const wait = Math.min(RETRY_BASE_MS * 2 ** n.attempts, RETRY_MAX_MS);
      await this.o.store.notificationFailed(n.eventId, new Date(Date.now() + wait).toISOString());
      this.o.onResult?.(n.kind, "failed");
      // Event and case ids only: the number and the text stay out of the log.
      this.o.log.warn(
        {
          eventId: n.eventId,
          caseId: n.caseId,
          kind: n.kind,
          attempts: n.attempts + 1,
          retryInMs: wait,
          err: e.message,
        },
        "SMS not sent; will retry",
      );
      return e.origin === "client";
    }
    await this.o.store.markNotified(n.eventId, new Date().toISOString());
    this.o.onResult?.(n.kind, "sent");
    this.o.log.info({ eventId: n.eventId, caseId: n.caseId, kind: n.kind }, "SMS sent");
    return true;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      this.signalled = false;
      let tried = 0;
      try {
        tried = await this.drainOnce();
        if (this.failing) throw new Error("SMS provider failing");
        backoff = 100;
      } catch (err) {
        this.o.log.warn(
          { err: XrError.from(err).message, backoffMs: backoff },
          "notification relay backing off",
        );
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5_000);
        continue;
      }
      if (tried === 0 && !this.signalled && this.running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.o.idleMs ?? 500);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Stops at once; what is left stays queued for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    // A call in flight is abandoned (the message stays queued, to be sent with the same key at the next start).
    await this.o.notifier.close?.();
    await this.loop;
  }
}
