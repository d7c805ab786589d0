/**
 * A region's own city system, for adapters that reach one: the catalog is
 * pulled at start and every `pollSeconds` (a new version replaces the bundled
 * snapshot without a restart), and each case this region accepts as the
 * handling region is pushed to it through the adapter's `onCaseAccepted`.
 * Without a configured URL the region serves the bundled snapshot and says so.
 */
import type { CatalogContext, CitySystem, RegionAdapter } from "../ports/adapter.js";
import type { UpkeepOptions } from "./options.js";

/** A connected city system (or none). */
export interface CitySystemHandle {
  /** Pulls the catalog now; resolves with whether a new version was published. */
  refreshCatalog(): Promise<boolean>;
  /** Settles once every push started so far has finished (tests). */
  pushesSettled(): Promise<void>;
  breakerState(): "closed" | "open" | "half-open" | undefined;
  stop(): Promise<void>;
}

const NONE: CitySystemHandle = {
  refreshCatalog: async () => false,
  pushesSettled: async () => {},
  breakerState: () => undefined,
  stop: async () => {},
};

/** Connects the region's city system if its adapter has one and a URL is configured. */
export function startCitySystem(
  o: UpkeepOptions,
  { adapter, ctx }: { adapter: RegionAdapter; ctx: CatalogContext },
): CitySystemHandle {
  if (!adapter.connectCitySystem) return NONE;
  const settings = o.config.citySystems.get(o.region);
  const log = o.log.child({ citySystem: settings?.url ?? "none" });
  if (!settings) {
    log.info(
      { catalogFile: adapter.catalogFile, catalogVersion: o.catalogs.own.version },
      "no city system configured (federation.yaml citySystem): serving the bundled catalog snapshot; accepted cases are not pushed",
    );
    return NONE;
  }
  const city: CitySystem = adapter.connectCitySystem({
    url: settings.url,
    timeoutMs: settings.timeoutMs,
    log,
  });
  const refreshCatalog = async () => {
    const held = o.catalogs.own.version;
    try {
      const raw = await city.pullCatalog(held);
      if (!raw) return false;
      const next = adapter.parseCatalog(raw, ctx);
      o.catalogs.publishOwn(next);
      log.info(
        { from: held, to: next.version, matters: next.matters.length },
        "catalog updated from the city system",
      );
      return true;
    } catch (err) {
      log.warn(
        { err: (err as Error).message, catalogVersion: held },
        "city system catalog pull failed; keeping the catalog held",
      );
      return false;
    }
  };
  const pushing = new Set<Promise<void>>();
  const pushed = new Set<string>();
  const push = async (caseId: string) => {
    const c = await o.getCase(caseId);
    if (!c || c.handlingRegion !== o.region || c.status !== "ACCEPTED") return;
    // One push per accepted version: an acceptance again after 补正 is a new version and goes again.
    const key = `${c.caseId}:${c.version}`;
    if (pushed.has(key) || !city.onCaseAccepted) return;
    pushed.add(key);
    // The case is written in the catalog version it was filed under, if still held.
    const catalog = o.catalogs.ownAt(c.catalogVersion);
    try {
      await city.onCaseAccepted(c, adapter.caseToLocal(c, catalog, ctx));
      log.info({ caseId }, "accepted case pushed to the city system");
    } catch (err) {
      pushed.delete(key);
      log.error(
        { caseId, err: (err as Error).message, alert: "city-push-failed" },
        "could not push an accepted case to the city system",
      );
    }
  };
  const unsubscribe = o.subscribe((caseId) => {
    const p = push(caseId).catch((err) => log.error({ caseId, err }, "city push failed"));
    pushing.add(p);
    void p.finally(() => pushing.delete(p));
  });
  void refreshCatalog();
  const timer = setInterval(() => void refreshCatalog(), settings.pollSeconds * 1000);
  timer.unref();
  return {
    refreshCatalog,
    pushesSettled: async () => {
      await Promise.all([...pushing]);
    },
    breakerState: () => city.breakerState(),
    stop: async () => {
      clearInterval(timer);
      unsubscribe();
      await Promise.all([...pushing]);
      city.close();
    },
  };
}
