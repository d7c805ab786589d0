/**
 * Keeps one region gateway's catalogs current while it runs: its own, from
 * its city system when it has one, and its partners', by versioned gRPC pulls.
 * The runtime (region.ts) starts it after the gRPC clients exist.
 */
import type { BreakerState } from "../ports/partners.js";
import { type CitySystemHandle, startCitySystem } from "./city-system.js";
import type { UpkeepOptions } from "./options.js";
import { type PartnerSync, startPartnerCatalogSync } from "./partner-sync.js";

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
  const city = startCitySystem(o, entry);
  const partnerSync = startPartnerCatalogSync(o, entry.ctx.shared);
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
