/**
 * Calls into a city's own system over HTTP, for adapters that implement
 * `connectCitySystem`: every request has a deadline and goes through one
 * opossum breaker; 5xx, timeouts and connection failures are retried with
 * exponential backoff, 429 after the Retry-After the city asks for. The
 * city's answers to bad requests (4xx, 429 included) never trip the breaker:
 * they say nothing about the city system's health.
 */
import CircuitBreaker from "opossum";
import type { CitySystemSettings } from "../../gateway/ports/adapter.js";
import { AdapterError } from "./errors.js";

/** A non-2xx answer of the city system. */
export class CityHttpError extends Error {
  override readonly name = "CityHttpError";
  constructor(
    readonly status: number,
    message: string,
    /** Milliseconds the city asked us to wait (429 / 503 Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  /** 5xx: the city system failed; worth retrying and counted by the breaker. */
  get serverSide(): boolean {
    return this.status >= 500;
  }
}

/** Retry and breaker tuning (tests shorten the waits). */
export interface HttpCitySystemOptions {
  /** Retries after the first attempt. */
  readonly retries?: number;
  /** First backoff delay; doubles each retry, with up to 50% jitter. */
  readonly backoffMs?: number;
  /** Breaker: it opens at 50% failures once at least this many calls were made. */
  readonly volumeThreshold?: number;
  /** Breaker: how long it stays open before letting a probe through. */
  readonly resetMs?: number;
}

/** A response body and its status. */
export interface CityResponse {
  readonly status: number;
  readonly body: Uint8Array;
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Longest Retry-After honoured; a city asking for more fails the call instead. */
const MAX_RETRY_AFTER_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An HTTP client for one city system. */
export class HttpCitySystemClient {
  readonly #s: CitySystemSettings;
  readonly #o: Required<HttpCitySystemOptions>;
  readonly #breaker: CircuitBreaker<[() => Promise<CityResponse>], CityResponse>;
  #closed = false;

  constructor(settings: CitySystemSettings, options: HttpCitySystemOptions = {}) {
    this.#s = settings;
    this.#o = {
      retries: 4,
      backoffMs: 250,
      volumeThreshold: 5,
      resetMs: 10_000,
      ...options,
    };
    this.#breaker = new CircuitBreaker((op: () => Promise<CityResponse>) => op(), {
      name: "city-system",
      timeout: settings.timeoutMs,
      volumeThreshold: this.#o.volumeThreshold,
      errorThresholdPercentage: 50,
      resetTimeout: this.#o.resetMs,
      errorFilter: (err: unknown) => err instanceof CityHttpError && !err.serverSide,
    });
    const log = settings.log.child({ breaker: "city-system", url: settings.url });
    this.#breaker.on("open", () =>
      log.warn("city-system breaker open: calls fail fast until a probe succeeds"),
    );
    this.#breaker.on("halfOpen", () => log.info("city-system breaker half-open: letting a probe through"));
    this.#breaker.on("close", () => log.info("city-system breaker closed"));
  }

  /** The breaker's state. */
  breakerState(): "closed" | "open" | "half-open" {
    return this.#breaker.opened ? "open" : this.#breaker.halfOpen ? "half-open" : "closed";
  }

  /**
   * Sends one request, retrying what is worth retrying; resolves with a 2xx
   * answer, rejects with the last error (a CityHttpError for an HTTP answer).
   */
  async request(
    method: "GET" | "POST",
    path: string,
    body?: Uint8Array,
    headers: Record<string, string> = {},
  ) {
    const url = new URL(path, this.#s.url).href;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#breaker.fire(() => this.#once(method, url, body, headers));
      } catch (err) {
        const wait = this.#retryDelay(err, attempt);
        if (wait === undefined || this.#closed) throw this.#explain(err, method, url);
        this.#s.log.debug(
          { url, attempt, waitMs: wait, err: (err as Error).message },
          "city system call retried",
        );
        await sleep(wait);
      }
    }
  }

  async #once(method: string, url: string, body: Uint8Array | undefined, headers: Record<string, string>) {
    // opossum's timeout rejects the call; the signal also ends the socket so nothing lingers.
    const res = await fetch(url, {
      method,
      headers,
      ...(body ? { body } : {}),
      signal: AbortSignal.timeout(this.#s.timeoutMs),
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.ok) return { status: res.status, body: bytes };
    const text = new TextDecoder().decode(bytes.subarray(0, 200));
    throw new CityHttpError(
      res.status,
      `HTTP ${res.status} ${text}`.trim(),
      retryAfterMs(res.headers.get("retry-after")),
    );
  }

  /** Milliseconds to wait before the next attempt, or undefined to give up. */
  #retryDelay(err: unknown, attempt: number): number | undefined {
    if (attempt >= this.#o.retries) return undefined;
    if ((err as { code?: string }).code === "EOPENBREAKER") return undefined;
    if (err instanceof CityHttpError) {
      if (err.status === 429 || (err.status === 503 && err.retryAfterMs !== undefined)) {
        const asked = err.retryAfterMs ?? this.#backoff(attempt);
        return asked <= MAX_RETRY_AFTER_MS ? asked : undefined;
      }
      if (!err.serverSide) return undefined;
    }
    return this.#backoff(attempt);
  }

  #backoff(attempt: number): number {
    const base = this.#o.backoffMs * 2 ** attempt;
    return base + Math.random() * base * 0.5;
  }

  #explain(err: unknown, method: string, url: string): Error {
    if (err instanceof CityHttpError) return err;
    const code = (err as { code?: string }).code;
    const [where, message] =
      code === "EOPENBREAKER"
        ? [`city system ${this.#s.url}`, "is not answering (circuit open)"]
        : [
            `${method} ${url}`,
            code === "ETIMEDOUT" ? `no answer within ${this.#s.timeoutMs} ms` : (err as Error).message,
          ];
    return AdapterError.at("CITY_SYSTEM", where, message, { cause: err });
  }

  /** Stops retrying and shuts the breaker down. */
  close(): void {
    this.#closed = true;
    this.#breaker.shutdown();
  }
}
