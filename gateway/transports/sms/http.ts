/**
 * An SMS provider adapter for a generic HTTP SMS gateway (issue 18): POSTs
 * `{ to, text, idempotencyKey }` as JSON with the API key as a bearer token
 * and the event id as `Idempotency-Key`. Each call goes through its own
 * opossum breaker (as partner gRPC calls do, transports/grpc/partners.ts),
 * and a failed call is tried again with exponential backoff unless the
 * provider refused the message itself or the breaker is open.
 */
import CircuitBreaker from "opossum";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { Notifier, Sms } from "../../ports/notifier.js";

/** Options of {@link HttpSmsProvider}. */
export interface HttpSmsOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  /** Tries per send() (the first included). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  /** Breaker name, in metrics and logs. */
  readonly name: string;
  /** Calls within the breaker's window before it may open. */
  readonly volumeThreshold?: number;
  /** How long it stays open before a probe. */
  readonly resetMs?: number;
  /** Told when the breaker opens or closes. */
  readonly onBreaker?: (state: "open" | "closed") => void;
}

/** {@link Notifier} over HTTP. */
export class HttpSmsProvider implements Notifier {
  readonly #breaker: CircuitBreaker<[Sms], void>;
  /** Aborts calls in flight at close(), so that a hanging provider does not hold the gateway's shutdown. */
  readonly #closing = new AbortController();

  constructor(private readonly o: HttpSmsOptions) {
    this.#breaker = new CircuitBreaker((sms: Sms) => this.#post(sms), {
      name: o.name,
      // The fetch carries its own timeout (AbortSignal), which names the cause.
      timeout: false,
      volumeThreshold: o.volumeThreshold ?? 5,
      errorThresholdPercentage: 50,
      resetTimeout: o.resetMs ?? 10_000,
      // A message the provider refuses (a bad number) says nothing about the provider's health.
      errorFilter: (err: unknown) => XrError.from(err).origin === "client",
    });
    this.#breaker.on("open", () => o.onBreaker?.("open"));
    this.#breaker.on("close", () => o.onBreaker?.("closed"));
  }

  readonly breakerState = (): "closed" | "open" | "half-open" =>
    this.#breaker.opened ? "open" : this.#breaker.halfOpen ? "half-open" : "closed";

  async send(sms: Sms): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#breaker.fire(sms);
        return;
      } catch (err) {
        const open = this.#breaker.opened;
        const e = open
          ? new XrError(ErrorCode.UNAVAILABLE, `SMS provider breaker ${this.o.name} is open`)
          : XrError.from(err);
        if (open || !e.retriable || attempt >= this.o.attempts || this.#closing.signal.aborted) throw e;
        await new Promise((r) => setTimeout(r, this.o.baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  async #post(sms: Sms): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.o.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${this.o.apiKey}`,
          "idempotency-key": sms.idempotencyKey,
        },
        body: JSON.stringify({ to: sms.mobile, text: sms.text, idempotencyKey: sms.idempotencyKey }),
        signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.#closing.signal]),
      });
    } catch (err) {
      // The cause names the URL's host and a network reason, never the message.
      throw new XrError(ErrorCode.UNAVAILABLE, `SMS provider unreachable: ${(err as Error).name}`, {
        cause: err,
      });
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    // 408, 429 and 5xx may pass; any other 4xx refuses this message for good.
    const retriable = res.status === 408 || res.status === 429 || res.status >= 500;
    throw new XrError(
      retriable ? ErrorCode.UNAVAILABLE : ErrorCode.FAILED_PRECONDITION,
      `SMS provider answered HTTP ${res.status}`,
      { origin: retriable ? "gateway" : "client" },
    );
  }

  async close(): Promise<void> {
    this.#closing.abort();
    this.#breaker.shutdown();
  }
}
