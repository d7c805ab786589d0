/**
 * The notification port (issue 18): sends one SMS to an applicant. Called
 * only by the notification relay (outbound/notification-relay.ts), never on
 * a request's path.
 */

/** One message as the provider gets it. */
export interface Sms {
  /**
   * The event the message tells of: a provider that gets the same key twice
   * (a retry after a crash between its answer and the ledger's note of it)
   * sends the message once.
   */
  readonly idempotencyKey: string;
  /** Personal data: goes nowhere but the provider call. */
  readonly mobile: string;
  readonly text: string;
}

/** An SMS provider. */
export interface Notifier {
  /** Resolves once the provider has the message; rejects (an XrError) when it does not. */
  send(sms: Sms): Promise<void>;
  /** State of its breaker, if it has one (metrics, health). */
  readonly breakerState?: () => "closed" | "open" | "half-open";
  close?(): Promise<void>;
}
