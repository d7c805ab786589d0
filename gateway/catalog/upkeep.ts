/**
 * Keeps one region gateway's catalogs current while it runs: its own, from
 * its city system when it has one, and its partners', by versioned gRPC pulls.
 * The runtime (region.ts) starts it after the gRPC clients exist.
 */
import type { Logger } from "pino";
import type { LoadedConfig } from "../config/load.js";
import type { CaseState } from "../domain/case.js";
import { partnersOf } from "../domain/matter.js";
import type { BreakerState, PartnerGateway } from "../ports/partners.js";
import type { Catalogs } from "../usecases/catalogs.js";
import { type CitySystemHandle, startCitySystem } from "./city-system.js";
import { type PartnerSync, startPartnerCatalogSync } from "./partner-sync.js";

/** What {@link startCatalogUpkeep} needs from the region. */
export interface UpkeepOptions {
  readonly region: string;
  readonly config: LoadedConfig;
  readonly catalogs: Catalogs;
  readonly partners: PartnerGateway;
  readonly subscribe: (listener: (caseId: string) => void) => () => void;
  readonly getCase: (caseId: string) => Promise<CaseState | undefined>;
  readonly log: Logger;
}

/** The running upkeep of one region. */
export interface CatalogUpkeep {
  readonly city: CitySystemHandle;
  readonly partnerSync: PartnerSync;
  /** Breaker states to show in /readyz and /metrics. */
  breakerStates(): Record<string, BreakerState>;
  stop(): Promise<void>;
}

/** Starts the city system (if any) and the partner catalog sync of `region`. */
export function startCatalogUpkeep(o: UpkeepOptions): CatalogUpkeep {
  const entry = o.config.adapters.get(o.region);
  if (!entry) throw new Error(`region ${o.region} has no adapter loaded`);
  const city = startCitySystem({
    region: o.region,
    adapter: entry.adapter,
    ctx: entry.ctx,
    settings: o.config.citySystems.get(o.region),
    catalogs: o.catalogs,
    subscribe: o.subscribe,
    getCase: o.getCase,
    log: o.log,
  });
  const shared = entry.ctx.shared;
  const partnerSync = startPartnerCatalogSync({
    partners: o.partners,
    follow: partnersOf(o.config.federation, o.region),
    catalogs: o.catalogs,
    applicantOf: (code) => shared.matters.get(code)?.applicant ?? "ANY",
    pollMs: o.config.catalogPollSeconds * 1000,
    log: o.log,
  });
  return {
    city,
    partnerSync,
    breakerStates: () => {
      const s = city.breakerState();
      return s ? { "city-system": s } : {};
    },
    stop: async () => {
      await partnerSync.stop();
      await city.stop();
    },
  };
}
