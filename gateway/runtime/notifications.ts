/**
 * Starts a region's notification relay (issue 18) with the provider that
 * config/notifications.yaml names; none without that file.
 */
import { join } from "node:path";
import type { Logger } from "pino";
import type { NotificationsConfig } from "../config/notifications.js";
import type { NotificationKind } from "../domain/notifications.js";
import { NotificationRelay } from "../outbound/notification-relay.js";
import type { Notifier } from "../ports/notifier.js";
import type { LedgerStore } from "../ports/store.js";
import { DevSmsProvider } from "../transports/sms/dev.js";
import { HttpSmsProvider } from "../transports/sms/http.js";

/** What {@link startNotifications} needs of its region. */
export interface NotificationSetup {
  readonly region: string;
  readonly dataDir: string;
  readonly store: LedgerStore;
  readonly config: NotificationsConfig | undefined;
  readonly log: Logger;
  readonly onResult?: (kind: NotificationKind, outcome: "sent" | "failed") => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** A running relay and its provider's breaker, if it has one. */
export interface NotificationsHandle {
  readonly relay: NotificationRelay | undefined;
  readonly breakerState: (() => "closed" | "open" | "half-open") | undefined;
}

/** The provider of the config; throws (naming the key) when the HTTP provider's API key is not set. */
export function notifierFor(s: NotificationSetup, config: NotificationsConfig): Notifier {
  const p = config.provider;
  if (p.kind === "development") {
    const file = join(s.dataDir, s.region, "sms.log");
    s.log.warn(
      { file },
      "SMS go to a development provider's file (notifications.yaml provider.kind: development)",
    );
    return new DevSmsProvider(file);
  }
  const apiKey = (s.env ?? process.env)[p.apiKeyEnv];
  if (!apiKey) {
    throw new Error(`notifications.yaml: provider.apiKeyEnv: environment variable ${p.apiKeyEnv} is not set`);
  }
  return new HttpSmsProvider({
    url: p.url,
    apiKey,
    timeoutMs: p.timeoutMs,
    attempts: p.retry.attempts,
    baseDelayMs: p.retry.baseDelayMs,
    name: `sms-${s.region}`,
    onBreaker: (state) =>
      state === "open"
        ? s.log.error({ breaker: `sms-${s.region}` }, "SMS provider breaker open")
        : s.log.info({ breaker: `sms-${s.region}` }, "SMS provider breaker closed"),
  });
}

/** Starts the relay, or nothing when no provider is configured (the queue then keeps the messages). */
export function startNotifications(s: NotificationSetup): NotificationsHandle {
  if (!s.config) return { relay: undefined, breakerState: undefined };
  const notifier = notifierFor(s, s.config);
  const relay = new NotificationRelay({
    store: s.store,
    notifier,
    templates: s.config.templates,
    log: s.log,
    ...(s.onResult ? { onResult: s.onResult } : {}),
  });
  relay.start();
  return { relay, breakerState: notifier.breakerState };
}
