/**
 * Partners learn of a new catalog version without a restart through
 * versioned gRPC pulls: every `pollMs` this gateway asks each partner for one
 * matter of its catalog (MatterCatalog.ListMatters answers with the
 * `catalog_version`), and pulls the whole catalog, page by page, only when
 * that version differs from the one it holds, into the catalog store. The
 * pull rides the partner's breaker and mutual TLS like every other partner
 * call. At start only partners whose catalog is not stored yet are pulled:
 * the others are served from the store until the next round.
 */
import { type ApplicantKind, type Matter, partnersOf } from "../domain/matter.js";
import type { SharedCatalog } from "../ports/adapter.js";
import { matterFromWire } from "./matter-from-wire.js";
import type { UpkeepOptions } from "./options.js";

/** A running sync; `syncNow` checks every partner once (tests, and the timer). */
export interface PartnerSync {
  syncNow(): Promise<void>;
  /** Checks one partner now (joining a check of it under way); false for a region not followed. */
  pull(partner: string): Promise<boolean>;
  /** Pulls the catalogs of the partners none is stored of (start). */
  syncMissing(): Promise<void>;
  stop(): Promise<void>;
}

const PAGE_SIZE = 500;

/** Checks one partner's version and pulls its catalog if it changed; returns whether it did. */
async function syncPartner(
  o: UpkeepOptions,
  applicantOf: (code: string) => ApplicantKind,
  partner: string,
): Promise<boolean> {
  const held = o.catalogs.held(partner)?.version;
  const probe = await o.partners.listMatters(partner, { pageSize: 1 });
  const version = String(probe.page.catalogVersion ?? "");
  if (probe.source !== "live" || version === "" || version === held) return false;
  const matters: Matter[] = [];
  let token = "";
  do {
    const { page, source } = await o.partners.listMatters(partner, { pageSize: PAGE_SIZE, pageToken: token });
    if (source !== "live" || page.catalogVersion !== version) {
      throw new Error(`catalog of ${partner} changed during the pull; trying again next round`);
    }
    for (const w of (page.matters as Record<string, unknown>[] | undefined) ?? [])
      matters.push(matterFromWire(w, applicantOf));
    token = String(page.nextPageToken ?? "");
  } while (token !== "");
  await o.catalogs.savePartner(partner, version, matters);
  o.log.info({ partner, from: held, to: version, matters: matters.length }, "partner catalog updated");
  return true;
}

/** Starts following the catalog versions of the region's cooperation partners. */
export function startPartnerCatalogSync(o: UpkeepOptions, shared: SharedCatalog): PartnerSync {
  const follow = partnersOf(o.config.federation, o.region);
  const applicantOf = (code: string) => shared.matters.get(code)?.applicant ?? "ANY";
  let running: Promise<void> | undefined;
  const pulling = new Map<string, Promise<boolean>>();
  const pull = (partner: string): Promise<boolean> => {
    if (!follow.includes(partner)) return Promise.resolve(false);
    let p = pulling.get(partner);
    if (!p) {
      p = syncPartner(o, applicantOf, partner).finally(() => pulling.delete(partner));
      pulling.set(partner, p);
    }
    return p;
  };
  const sync = (only: (partner: string) => boolean) => {
    running ??= (async () => {
      // Another replica of this region may have stored a newer version meanwhile.
      await o.catalogs.refresh().catch((err) => o.log.warn({ err }, "catalog store unavailable"));
      for (const partner of follow.filter(only)) {
        try {
          await pull(partner);
        } catch (err) {
          // The partner's breaker and cache already handle outages; the next round tries again.
          o.log.debug({ partner, err: (err as Error).message }, "partner catalog check failed");
        }
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const syncNow = () => sync(() => true);
  const timer = setInterval(() => void syncNow(), o.config.catalogPollSeconds * 1000);
  timer.unref();
  o.catalogs.pullWith(pull);
  return {
    syncNow,
    pull,
    syncMissing: async () => {
      await running;
      await sync((p) => o.catalogs.held(p) === undefined);
    },
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
