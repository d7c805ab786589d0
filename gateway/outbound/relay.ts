/**
 * The outbox relay: publishes committed outbox messages to the bus in commit
 * order, through a circuit breaker, and deletes them once the bus has them.
 * A crash between publish and delete republishes; receivers skip duplicates.
 */
import CircuitBreaker from "opossum";
import { XrError } from "../domain/errors.js";
import type { BusMessage } from "../ports/bus.js";
import type { RegionContext } from "../usecases/context.js";
import { withTrace } from "../usecases/trace.js";

/** Options of {@link OutboxRelay}. */
export interface RelayOptions {
  /** Told of every batch once the bus has it (metrics count sent messages per topic). */
  readonly onSent?: (messages: readonly BusMessage[]) => void;
}

/** Messages per batch. */
const BATCH_SIZE = 500;
/** Longest wait between looks at the outbox when nobody signals. */
const IDLE_MS = 250;
/**
 * Pause after a non-empty batch so that the next one gathers more messages
 * (Kafka's linger.ms): each batch costs a bus write and a ledger write.
 */
const LINGER_MS = 20;

/** Moves a region's outbox to the bus until stopped. */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private signalled = false;
  private readonly breaker: CircuitBreaker<[readonly BusMessage[]], void>;
  private readonly onSent: (messages: readonly BusMessage[]) => void;

  constructor(
    private readonly ctx: RegionContext,
    options: RelayOptions = {},
  ) {
    this.onSent = options.onSent ?? (() => undefined);
    this.breaker = new CircuitBreaker((messages: readonly BusMessage[]) => ctx.bus.publish(messages), {
      name: `bus-publish-${ctx.region}`,
      timeout: 10_000,
      resetTimeout: 2_000,
      errorFilter: (err: unknown) => !XrError.from(err).retriable && XrError.from(err).origin === "client",
    });
    this.breaker.on("open", () => ctx.log.error({ breaker: this.breaker.name }, "bus breaker open"));
    this.breaker.on("close", () => ctx.log.info({ breaker: this.breaker.name }, "bus breaker closed"));
  }

  /** State of the breaker for health reports. */
  get breakerState(): "closed" | "open" | "half-open" {
    return this.breaker.opened ? "open" : this.breaker.halfOpen ? "half-open" : "closed";
  }

  /** Asks the relay to look at the outbox now. */
  notify(): void {
    this.signalled = true;
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Publishes one batch; returns how many messages went out. */
  async drainOnce(): Promise<number> {
    // Another replica holds the lease: it relays this ledger's outbox, and this one stands by.
    if (!(await this.ctx.store.relayLease())) return 0;
    const batch = await this.ctx.store.pendingOutbox(BATCH_SIZE);
    if (batch.length === 0) return 0;
    await this.breaker.fire(batch);
    this.onSent(batch);
    if (this.ctx.log.isLevelEnabled("debug")) {
      // One line per message in its own trace, so that a case's journey shows the hop onto the bus.
      for (const m of batch) {
        withTrace(
          m.headers.traceparent,
          () => this.ctx.log.debug({ topic: m.topic, type: m.headers["xr-type"] }, "event sent"),
          m.key,
        );
      }
    }
    const submitted = new Set(
      batch.filter((m) => m.headers["xr-type"] === "CaseSubmitted").map((m) => m.key),
    );
    await this.ctx.store.markPublished(
      batch.map((m) => m.id),
      [...submitted],
    );
    return batch.length;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      this.signalled = false;
      let sent = 0;
      try {
        sent = await this.drainOnce();
        backoff = 100;
      } catch (err) {
        this.ctx.log.warn(
          { err: XrError.from(err).message, backoffMs: backoff },
          "outbox publish failed; will retry",
        );
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5_000);
        continue;
      }
      if (sent > 0 && sent < BATCH_SIZE) {
        await new Promise((r) => setTimeout(r, LINGER_MS));
      } else if (sent === 0 && !this.signalled && this.running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, IDLE_MS);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /**
   * Stops after the batch in hand is published. With `flushMs`, then keeps
   * publishing what the outbox still holds (work finished during shutdown)
   * for up to that long; whatever is left stays in the outbox for the next start.
   */
  async stop(flushMs = 0): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    const until = Date.now() + flushMs;
    try {
      while (Date.now() < until && !this.breaker.opened && (await this.drainOnce()) > 0);
    } catch (err) {
      this.ctx.log.warn(
        { err: XrError.from(err).message },
        "outbox not flushed at shutdown; kept for the next start",
      );
    }
    this.breaker.shutdown();
  }
}
