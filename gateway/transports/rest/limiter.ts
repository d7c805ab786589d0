/**
 * The failed-credential limiter of the REST API and the window page. It
 * counts only credential checks that fail (an unknown, expired or revoked
 * token, presented as a bearer token or at sign-in), per client address and
 * per credential, and refuses further failing checks with 429 once either
 * count is over its limit. It never refuses a request whose credentials are
 * good: requests without credentials, refusals of signed-in staff (role,
 * agreement, lifecycle), the page's `GET /session` before sign-in and CORS
 * preflights are not counted, so that no web page and no colleague behind
 * the same NAT address or proxy can lock an office out (issue 19, finding 1).
 *
 * What that costs: over the limit, a guess that happens to be right still
 * succeeds. Guessing is kept out by the tokens themselves (`xr staff token`
 * makes 192 random bits); the limit keeps a failing script, a revoked
 * token still in use, or a spray of guesses, to 50 failures a window each.
 */
import type { Request } from "express";
import { ipKeyGenerator, MemoryStore } from "express-rate-limit";
import { ErrorCode, XrError } from "../../domain/errors.js";

/** Limits of {@link CredentialLimiter}. */
export interface LimiterSettings {
  /** Failed checks allowed per address, and per credential, in one window. */
  readonly max: number;
  readonly windowMs: number;
}

/** The gateway's limits: 50 failed credential checks per 15 minutes. */
export const DEFAULT_LIMITS: LimiterSettings = { max: 50, windowMs: 15 * 60_000 };

/** A refusal of the limiter: the error and the seconds until the window passes (`Retry-After`). */
export interface Limited {
  readonly error: XrError;
  readonly retryAfter: number;
}

/** Counts failed credential checks by client address and by credential hash (in this process). */
export class CredentialLimiter {
  readonly #byAddress = new MemoryStore();
  readonly #byCredential = new MemoryStore();
  readonly #max: number;

  constructor(settings: LimiterSettings = DEFAULT_LIMITS) {
    this.#max = settings.max;
    for (const store of [this.#byAddress, this.#byCredential]) {
      store.init({ windowMs: settings.windowMs } as Parameters<MemoryStore["init"]>[0]);
    }
  }

  /**
   * Called after a credential check failed: records the failure, or, when the
   * address or the credential is already over its limit, answers with the
   * 429 to throw instead of the check's own error, and the seconds to wait.
   */
  async failed(req: Request, credentialHash: string): Promise<Limited | undefined> {
    const address = clientAddress(req);
    const [a, c] = await Promise.all([this.#byAddress.get(address), this.#byCredential.get(credentialHash)]);
    const over = [a, c].filter((x) => x !== undefined && x.totalHits >= this.#max);
    if (over.length === 0) {
      await Promise.all([this.#byAddress.increment(address), this.#byCredential.increment(credentialHash)]);
      return undefined;
    }
    const resetAt = Math.max(...over.map((x) => x?.resetTime?.getTime() ?? Date.now()));
    const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    const byAddress = a !== undefined && a.totalHits >= this.#max;
    const error = new XrError(
      ErrorCode.TOO_MANY_REQUESTS,
      `too many failed sign-ins ${byAddress ? "from this address" : "with this credential"}; try again later`,
      { details: [{ path: byAddress ? "(client)" : "Authorization", issue: "rate limited" }] },
    );
    return { error, retryAfter };
  }

  /** Stops the stores' clean-up timers. */
  close(): void {
    this.#byAddress.shutdown();
    this.#byCredential.shutdown();
  }
}

/**
 * The client's address as the limiter counts it: `req.ip`, which follows
 * `X-Forwarded-For` only through the proxies `XR_TRUST_PROXY` names; an
 * IPv6 client by its /56, since one household or office holds a whole prefix.
 */
export function clientAddress(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? "";
  return ip ? ipKeyGenerator(ip, 56) : "";
}
