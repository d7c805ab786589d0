/**
 * Whether a region should be sent work: one answer for /readyz and for the
 * gRPC health service, so that load balancers of either see the same thing.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Bus } from "../ports/bus.js";
import type { BreakerState } from "../ports/partners.js";
import type { LedgerStore } from "../ports/store.js";
import type { InboxState } from "./inbox-runner.js";

/** What the readiness check looks at. */
export interface ReadinessSources {
  readonly store: LedgerStore;
  readonly bus: Bus;
  readonly inbox: () => InboxState;
  /** Every breaker of the region by name; the relay's is `bus`. */
  readonly breakers: () => Readonly<Record<string, BreakerState>>;
  /** True from the moment shutdown begins. */
  readonly draining: () => boolean;
  /** Stalled subtasks of the 多地联办 cases this region leads (reported, never counted against readiness). */
  readonly stalledSubtasks?: () => Promise<
    ReadonlyArray<{ readonly region: string; readonly reason: string }>
  >;
}

/** The readiness report, as /readyz renders it. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** One word for dashboards: "ready", "draining" (shutting down) or "unready". */
  readonly status: "ready" | "draining" | "unready";
  /** Why the region is not ready (empty when it is). */
  readonly reasons: readonly string[];
  readonly draining: boolean;
  readonly store: boolean;
  readonly bus: boolean;
  readonly inbox: InboxState;
  readonly breakers: Readonly<Record<string, BreakerState>>;
  /**
   * Open 多地联办 subtasks of cases led here that are stalled, by collaborating region and reason
   * (`take-up-overdue`, `breaker-open`); absent when they could not be counted in time.
   */
  readonly stalledSubtasks?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

// A ping that hangs (a broker or database away, its client retrying) counts as down: readiness
// must answer within a load balancer's probe timeout.
const PING_TIMEOUT_MS = 2_000;

const answers = (ping: () => Promise<boolean>): Promise<boolean> =>
  Promise.race([ping().catch(() => false), sleep(PING_TIMEOUT_MS, false, { ref: false })]);

/**
 * Checks the region. Not ready while draining, while the ledger or the bus
 * does not answer, or while the relay's bus breaker is open. Partner and
 * city-system breakers are reported but do not count: one partner city that
 * is down must not take this region out of its load balancer, since every
 * other partner and the window's own work (intake, queries, the outbox that
 * keeps messages for the partner) still go on; routing elsewhere would not
 * help either, as every replica calls the same partner.
 */
export async function checkReadiness(s: ReadinessSources): Promise<ReadinessReport> {
  const draining = s.draining();
  const [store, bus, stalls] = await Promise.all([
    answers(() => s.store.ping()),
    answers(() => s.bus.ping()),
    s.stalledSubtasks ? within(s.stalledSubtasks) : undefined,
  ]);
  const breakers = s.breakers();
  const reasons = [
    ...(draining ? ["draining"] : []),
    ...(store ? [] : ["the ledger does not answer"]),
    ...(bus ? [] : ["the bus does not answer"]),
    ...(breakers.bus === "open" ? ["the bus breaker is open"] : []),
  ];
  const ready = reasons.length === 0;
  const status = ready ? "ready" : draining ? "draining" : "unready";
  return {
    ready,
    status,
    reasons,
    draining,
    store,
    bus,
    inbox: s.inbox(),
    breakers,
    // A collaborator's delay is the lead's to chase, not a reason to take this region out of rotation
    // (the same reasoning as partner breakers above): reported, not counted.
    ...(stalls ? { stalledSubtasks: countStalls(stalls) } : {}),
  };
}

function within<T>(fn: () => Promise<T>): Promise<T | undefined> {
  return Promise.race([fn().catch(() => undefined), sleep(PING_TIMEOUT_MS, undefined, { ref: false })]);
}

function countStalls(
  stalls: ReadonlyArray<{ readonly region: string; readonly reason: string }>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const { region, reason } of stalls) {
    const byReason = out[region] ?? {};
    byReason[reason] = (byReason[reason] ?? 0) + 1;
    out[region] = byReason;
  }
  return out;
}
