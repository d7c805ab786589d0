/** Prometheus metrics of one hosted region (prom-client), one registry each. */
import type { NextFunction, Request, Response } from "express";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** The metrics a region's gateway records. */
export interface RegionMetrics {
  readonly registry: Registry;
  readonly received: Counter<"outcome">;
  readonly refused: Counter<"reason">;
  readonly httpMiddleware: (req: Request, res: Response, next: NextFunction) => void;
}

/** Creates a region's registry; process metrics are included once per registry. */
export function createMetrics(region: string): RegionMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ region });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: "xr_http_request_duration_seconds",
    help: "REST request duration by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const received = new Counter({
    name: "xr_events_received_total",
    help: "Events received from partner regions by outcome (applied, duplicate, parked, dead-lettered)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: "xr_events_refused_total",
    help: "Envelopes the inbox refused and dead-lettered, by reason (invalid, signature, replay, agreement)",
    labelNames: ["reason"] as const,
    registers: [registry],
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
  return { registry, received, refused, httpMiddleware };
}
