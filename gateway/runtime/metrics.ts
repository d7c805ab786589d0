/**
 * Prometheus metrics of one hosted region (prom-client), one registry each.
 * Counters and histograms are recorded as things happen; gauges of the
 * ledger, the bus and the breakers are read on each scrape. Labels never
 * carry case ids: topics, routes, methods, statuses and breaker names are
 * bounded by the federation's size. The README's "Operating" section lists them.
 */
import type { NextFunction, Request, Response } from "express";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { CaseStatus } from "../domain/case.js";
import type { BreakerState } from "../ports/partners.js";
import type { LedgerStats, NotificationStats } from "../ports/store.js";

/** Where the scrape-time gauges read from. */
export interface MetricSources {
  /** The ledger's counts as of today. */
  readonly ledger: () => Promise<LedgerStats>;
  /** The inbox consumer group's lag per inbox topic. */
  readonly lag: () => Promise<ReadonlyMap<string, number>>;
  /** Records on the region's dead-letter topic. */
  readonly deadLetters: () => Promise<number>;
  /** Every breaker of the region by name. */
  readonly breakers: () => Readonly<Record<string, BreakerState>>;
  /** Stalled open subtasks of the 多地联办 cases this region leads. */
  readonly stalledSubtasks?: () => Promise<
    ReadonlyArray<{ readonly region: string; readonly reason: string }>
  >;
  /** The SMS queue's counts (issue 18). */
  readonly notifications?: () => Promise<NotificationStats>;
}

/** The metrics a region's gateway records. */
export interface RegionMetrics {
  readonly registry: Registry;
  /** Events taken from the inbox topics, by topic and outcome. */
  readonly received: Counter<"topic" | "outcome">;
  /** Envelopes refused (and dead-lettered), by topic and reason. */
  readonly refused: Counter<"topic" | "reason">;
  /** Outbox messages published by the relay, by topic. */
  readonly sent: Counter<"topic">;
  /** Stored values that failed their integrity check (DATA_LOSS), by table, column and reason. */
  readonly integrityFailures: Counter<"table" | "column" | "reason">;
  /** SMS tries of the notification relay, by template key and outcome (sent, failed). */
  readonly notifications: Counter<"kind" | "outcome">;
  /** gRPC calls served, by method and status code. */
  readonly rpcDuration: Histogram<"method" | "code">;
  readonly httpMiddleware: (req: Request, res: Response, next: NextFunction) => void;
}

/** Breaker states as the gauge shows them. */
export const BREAKER_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, "half-open": 1, open: 2 };

// A scrape reads each source once even though several gauges show parts of it; a source that hangs
// (a broker away) must not hang the scrape: its gauges are left out of that scrape instead.
const SOURCE_TIMEOUT_MS = 2_000;

function once<T>(fn: () => Promise<T>): () => Promise<T | undefined> {
  let pending: { at: number; value: Promise<T | undefined> } | undefined;
  return () => {
    if (!pending || Date.now() - pending.at > 1_000) {
      const value = Promise.race([
        fn(),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), SOURCE_TIMEOUT_MS).unref()),
      ]).catch(() => undefined);
      pending = { at: Date.now(), value };
    }
    return pending.value;
  };
}

/** Creates a region's registry; process metrics are included once per registry. */
export function createMetrics(region: string, sources: MetricSources): RegionMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ region });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const duration = new Histogram({
    name: "xr_http_request_duration_seconds",
    help: "REST request duration by method, matched route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const rpcDuration = new Histogram({
    name: "xr_grpc_server_duration_seconds",
    help: "gRPC calls served, from arrival to final status, by full method name and status code",
    labelNames: ["method", "code"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers,
  });
  const received = new Counter({
    name: "xr_events_received_total",
    help: "Events consumed from this region's inbox topics, by topic and outcome (applied, duplicate, parked, dead-lettered)",
    labelNames: ["topic", "outcome"] as const,
    registers,
  });
  const refused = new Counter({
    name: "xr_events_refused_total",
    help: "Envelopes the inbox refused and dead-lettered, by topic and reason (invalid, signature, replay, agreement)",
    labelNames: ["topic", "reason"] as const,
    registers,
  });
  const sent = new Counter({
    name: "xr_events_sent_total",
    help: "Outbox messages the relay published to partner regions' topics, by topic",
    labelNames: ["topic"] as const,
    registers,
  });

  const integrityFailures = new Counter({
    name: "xr_ledger_integrity_failures_total",
    help: "Stored ledger values that failed their integrity check and were not served (altered, moved between rows, written unsealed, or in the previous format), by table, column and reason",
    labelNames: ["table", "column", "reason"] as const,
    registers,
  });

  const ledger = once(sources.ledger);
  const lag = once(sources.lag);
  const deadLetters = once(sources.deadLetters);
  new Gauge({
    name: "xr_cases",
    help: "Cases this region's ledger holds, by status (intake and handled cases alike)",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      this.reset();
      const s = await ledger();
      if (!s) return;
      // Every status is shown, 0 included, so that a rate or a sum never misses a series.
      for (const status of Object.values(CaseStatus)) this.set({ status }, s.casesByStatus[status] ?? 0);
    },
  });
  // A gauge of one number, left out of a scrape whose source did not answer.
  const single = (name: string, help: string, read: () => Promise<number | undefined>) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.reset();
        const n = await read();
        if (n !== undefined) this.set(n);
      },
    });
  single(
    "xr_cases_overdue",
    "Open cases past their promised deadline (承诺时限) as of today (China Standard Time)",
    async () => (await ledger())?.overdue,
  );
  new Gauge({
    name: "xr_cases_by_light",
    help: "Open cases by 电子监察 light as of today (GREEN 正常, YELLOW 预警: due within the yellow threshold, RED 超期)",
    labelNames: ["light"] as const,
    registers,
    async collect() {
      this.reset();
      const lights = (await ledger())?.lights;
      if (!lights) return;
      for (const light of ["GREEN", "YELLOW", "RED"] as const) this.set({ light }, lights[light]);
    },
  });
  single(
    "xr_outbox_backlog",
    "Outbox messages committed but not yet published to the bus (grows while the bus is away)",
    async () => (await ledger())?.outboxBacklog,
  );
  single(
    "xr_parked_events",
    "Received events parked until their predecessor or their case arrives",
    async () => (await ledger())?.parked,
  );
  new Gauge({
    name: "xr_consumer_lag",
    help: "Records on this region's inbox topics that its consumer group has not yet committed, by topic",
    labelNames: ["topic"] as const,
    registers,
    async collect() {
      this.reset();
      for (const [topic, n] of (await lag()) ?? []) this.set({ topic }, n);
    },
  });
  single(
    "xr_dlq_records",
    "Records held by this region's dead-letter topic xr.v1.dlq.<region> (each one needs an operator)",
    deadLetters,
  );
  new Gauge({
    name: "xr_breaker_state",
    help: "Circuit breaker state by breaker name: 0 closed, 1 half-open (probing), 2 open (failing fast)",
    labelNames: ["breaker"] as const,
    registers,
    collect() {
      this.reset();
      for (const [breaker, state] of Object.entries(sources.breakers()))
        this.set({ breaker }, BREAKER_VALUE[state]);
    },
  });

  const stalls = sources.stalledSubtasks ? once(sources.stalledSubtasks) : undefined;
  if (stalls) {
    new Gauge({
      name: "xr_subtasks_stalled",
      help: "Open 多地联办 subtasks of cases led here that are stalled, by collaborating region and reason: take-up-overdue (not taken up within multiRegion.takeUpHours) or breaker-open (its gateway unreachable)",
      labelNames: ["collaborator", "reason"] as const,
      registers,
      async collect() {
        this.reset();
        const found = await stalls();
        if (!found) return;
        const counts = new Map<string, { collaborator: string; reason: string; n: number }>();
        for (const { region, reason } of found) {
          const key = `${region}|${reason}`;
          const c = counts.get(key) ?? { collaborator: region, reason, n: 0 };
          c.n++;
          counts.set(key, c);
        }
        for (const { collaborator, reason, n } of counts.values()) this.set({ collaborator, reason }, n);
      },
    });
  }
  // Issue 18: the SMS queue, from the ledger (so the numbers hold across restarts), and each try as it happens.
  const notificationStats = once(
    sources.notifications ?? (async () => ({ sent: 0, pending: 0, failing: 0 })),
  );
  single(
    "xr_notifications_sent",
    "SMS to applicants the provider has taken (one per event told of)",
    async () => (await notificationStats())?.sent,
  );
  single(
    "xr_notifications_pending",
    "SMS to applicants queued and not yet sent (grows while the provider is away)",
    async () => (await notificationStats())?.pending,
  );
  single(
    "xr_notifications_failed",
    "SMS to applicants not yet sent after at least one failed try",
    async () => (await notificationStats())?.failing,
  );
  const notifications = new Counter({
    name: "xr_notification_attempts_total",
    help: "SMS sends tried by the notification relay, by template key and outcome",
    labelNames: ["kind", "outcome"] as const,
    registers,
  });

  const httpMiddleware = (req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer({ method: req.method });
    res.on("finish", () => {
      // The matched route pattern keeps label cardinality bounded (no case ids).
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : "unmatched";
      end({ route, status: String(res.statusCode) });
    });
    next();
  };
  return { registry, received, refused, sent, integrityFailures, notifications, rpcDuration, httpMiddleware };
}
