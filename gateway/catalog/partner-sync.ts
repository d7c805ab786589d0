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
import type { Logger } from "pino";
import type { ApplicantKind, Matter } from "../domain/matter.js";
import type { PartnerGateway } from "../ports/partners.js";
import type { Catalogs } from "../usecases/catalogs.js";
import { matterFromWire } from "./wire.js";

/** Options of {@link startPartnerCatalogSync}. */
export interface PartnerSyncOptions {
  readonly partners: PartnerGateway;
  /** Regions whose catalogs this gateway follows (its cooperation partners). */
  readonly follow: readonly string[];
  readonly catalogs: Catalogs;
  readonly applicantOf: (code: string) => ApplicantKind;
  readonly pollMs: number;
  readonly log: Logger;
}

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
async function syncPartner(o: PartnerSyncOptions, partner: string): Promise<boolean> {
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
      matters.push(matterFromWire(w, o.applicantOf));
    token = String(page.nextPageToken ?? "");
  } while (token !== "");
  await o.catalogs.savePartner(partner, version, matters);
  o.log.info({ partner, from: held, to: version, matters: matters.length }, "partner catalog updated");
  return true;
}

/** Starts following the partners' catalog versions. */
export function startPartnerCatalogSync(o: PartnerSyncOptions): PartnerSync {
  let running: Promise<void> | undefined;
  const pulling = new Map<string, Promise<boolean>>();
  const pull = (partner: string): Promise<boolean> => {
    if (!o.follow.includes(partner)) return Promise.resolve(false);
    let p = pulling.get(partner);
    if (!p) {
      p = syncPartner(o, partner).finally(() => pulling.delete(partner));
      pulling.set(partner, p);
    }
    return p;
  };
  const sync = (only: (partner: string) => boolean) => {
    running ??= (async () => {
      // Another replica of this region may have stored a newer version meanwhile.
      await o.catalogs.refresh().catch((err) => o.log.warn({ err }, "catalog store unavailable"));
      for (const partner of o.follow.filter(only)) {
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
  const timer = setInterval(() => void syncNow(), o.pollMs);
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
