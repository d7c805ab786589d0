/**
 * Keeps a region's inbox subscription running: started in the background so
 * that the gateway answers (and reports "starting") while the consumer joins
 * its group, retried with backoff when the bus refuses, paused and resumed on
 * request, stopped after the record in hand on shutdown. Beside it, once a
 * minute, the sweep of parked events that waited too long.
 */
import type { Logger } from "pino";
import type { Subscription } from "../ports/bus.js";

/** State of the inbox, as /readyz shows it. */
export type InboxState = "starting" | "running" | "paused" | "stopped";

/** Runs one subscription of a region's inbox. */
export class InboxRunner {
  private subscription: Subscription | undefined;
  private starting: Promise<void> | undefined;
  private wanted = false;
  private current: InboxState = "stopped";
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;

  constructor(
    private readonly subscribe: () => Promise<Subscription>,
    private readonly sweep: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  /** Where the inbox stands. */
  get state(): InboxState {
    return this.current;
  }

  /** Starts consuming in the background; resolves at once. */
  start(): void {
    if (this.subscription) return;
    this.wanted = true;
    this.current = "starting";
    this.sweepTimer ??= setInterval(() => {
      // One sweep at a time; stop() waits for the one in hand.
      this.sweeping ??= this.sweep()
        .catch((err) => this.log.error({ err }, "parked-event sweep failed"))
        .finally(() => {
          this.sweeping = undefined;
        });
    }, 60_000).unref();
    this.starting ??= this.run().finally(() => {
      this.starting = undefined;
    });
  }

  private async run(): Promise<void> {
    for (let delay = 500; this.wanted && !this.subscription; delay = Math.min(delay * 2, 10_000)) {
      try {
        const s = await this.subscribe();
        if (this.wanted) {
          this.subscription = s;
          this.current = "running";
        } else {
          await s.stop();
        }
      } catch (err) {
        this.log.error({ err, retryInMs: delay }, "inbox could not subscribe; retrying");
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Resolves once the subscription runs (for callers that need the inbox live). */
  async started(): Promise<void> {
    await this.starting;
  }

  /** Stops consuming; records stay on the bus for later. */
  async pause(): Promise<void> {
    await this.halt();
    this.current = "paused";
  }

  /** Consumes again from the committed offsets. */
  async resume(): Promise<void> {
    this.start();
    await this.starting;
  }

  /** Stops for good, after the record in hand and the sweep in hand. */
  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.sweeping;
    await this.halt();
    this.current = "stopped";
  }

  private async halt(): Promise<void> {
    this.wanted = false;
    await this.starting;
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
