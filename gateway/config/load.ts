/**
 * Loads and validates config/ and the adapters of the regions this gateway
 * hosts at start. Every problem is reported with its file and key, all at
 * once; the result is frozen. Partners' catalogs are not read here: they
 * arrive by gRPC pulls (catalog/partner-sync.ts), and checks across the whole
 * federation belong to `xr adapter verify`.
 */
import { join } from "node:path";
import type { z } from "zod";
import type { HolidayRules } from "../domain/calendar.js";
import type { HandlingMode } from "../domain/case.js";
import type { Agreement, Federation, RegionCatalog, RegionInfo } from "../domain/matter.js";
import { DEFAULT_RATING_TAGS } from "../domain/rating.js";
import type { CatalogContext, RegionAdapter } from "../ports/adapter.js";
import { type NotificationsConfig, readNotifications } from "./notifications.js";
import { readYaml } from "./read-yaml.js";
import { loadRegion } from "./region-adapter.js";
import {
  agreementsFile,
  federationFile,
  holidaysFile,
  type identitySettings,
  mattersFile,
} from "./schemas.js";
import { sharedCatalog, sharedCatalogFile } from "./shared-catalog.js";

/** A configuration problem, naming every file and key at fault. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
}

/** A hosted region's listening address. */
export interface RegionListen {
  readonly host: string;
  readonly port: number;
}

/** How gateways talk gRPC to each other (federation.yaml, `grpc`). */
export interface GrpcSettings {
  /** "plaintext" is for local development only. */
  readonly security: "mtls" | "plaintext";
  /** Directory of the CA and region certificates, relative to the data directory. */
  readonly keys: string;
  /** Create a development CA when none exists. */
  readonly generateDevKeys: boolean;
}

/** Everything loaded from config/ and adapters/. */
export interface LoadedConfig {
  readonly name: string;
  readonly federation: Federation;
  /** Regions this gateway hosts. */
  readonly hosted: readonly string[];
  /** The catalog of each hosted region, as its adapter read it. */
  readonly catalogs: ReadonlyMap<string, RegionCatalog>;
  readonly holidays: HolidayRules;
  /** Time limits (federation.yaml `timeLimits`, agreements' `acceptDays`). */
  readonly timeLimits: TimeLimits;
  /** 好差评 tags (federation.yaml `rating.tags`, else the built-in list); absent in hand-built test configs. */
  readonly ratingTags?: readonly string[];
  /** REST address of each region. */
  readonly listen: ReadonlyMap<string, RegionListen>;
  /** gRPC address of each region. */
  readonly grpcListen: ReadonlyMap<string, RegionListen>;
  readonly grpc: GrpcSettings;
  /** The adapter of each hosted region. */
  readonly adapters: ReadonlyMap<string, { adapter: RegionAdapter; ctx: CatalogContext }>;
  /** Regions whose city system is configured (federation.yaml `citySystem`). */
  readonly citySystems: ReadonlyMap<string, CitySystemConfig>;
  /** Regions whose applicants sign in (federation.yaml `identity`, issue 18). */
  readonly identities: ReadonlyMap<string, IdentityConfig>;
  /** Seconds between checks of each partner's catalog version. */
  readonly catalogPollSeconds: number;
  /** Hours a collaborator has to take up a 多地联办 subtask (federation.yaml `multiRegion.takeUpHours`). */
  readonly subtaskTakeUpHours: number;
  /** Seconds between checkpoints of each region's message log handed to its partners (0: only on demand). */
  readonly checkpointSeconds: number;
  /** Seconds between hand-backs of signed receipts for the envelopes each region applied. */
  readonly receiptSeconds: number;
  /** SMS provider and templates (config/notifications.yaml, issue 18); absent: nothing is sent. */
  readonly notifications?: NotificationsConfig | undefined;
}

/** The configured time limits of issue 17. */
export interface TimeLimits {
  /** Working days before the due date from which the light is yellow. */
  readonly yellowDays: number;
  /** Working days to 受理 or refuse: the agreement's matter entry, else the agreement, else the default. */
  acceptDays(matterCode: string, intakeRegion: string, handlingRegion: string): number;
}

/** A region's applicant sign-in setting (federation.yaml, region `identity`). */
export type IdentityConfig = z.output<typeof identitySettings>;

/** A region's city-system setting (federation.yaml, region `citySystem`). */
export interface CitySystemConfig {
  readonly url: string;
  readonly timeoutMs: number;
  readonly pollSeconds: number;
}

/**
 * Loads the federation from `configDir` and the adapters of the `hosted`
 * regions (default: every member) from `adaptersDir`; the holiday calendar
 * from `holidaysPath` (default `<configDir>/holidays.yaml`).
 */
export async function loadConfig(
  configDir: string,
  adaptersDir: string,
  hosted?: readonly string[],
  holidaysPath: string = join(configDir, "holidays.yaml"),
): Promise<LoadedConfig> {
  const problems: string[] = [];
  const fedFile = join(configDir, "federation.yaml");
  const fed = readYaml(fedFile, federationFile, problems);
  const mattersPath = sharedCatalogFile(configDir);
  const matters = readYaml(mattersPath, mattersFile, problems);
  const agreementsPath = join(configDir, "agreements.yaml");
  const agreements = readYaml(agreementsPath, agreementsFile, problems);
  const holidays = readYaml(holidaysPath, holidaysFile, problems);
  if (!fed || !matters || !agreements || !holidays) throw new ConfigError(problems);

  for (const entry of [...holidays.holidays, ...holidays.workdays]) {
    if (!holidays.covers.includes(Number(entry.date.slice(0, 4)))) {
      problems.push(`${holidaysPath}: ${entry.date} lies outside covers (${holidays.covers.join(", ")})`);
    }
  }
  const shared = sharedCatalog(matters);
  for (const [i, m] of matters.matters.entries()) {
    for (const [j, x] of m.materials.entries()) {
      if (!shared.materials.has(x.code)) {
        problems.push(`${mattersPath}: matters.${i}.materials.${j}.code: unknown material ${x.code}`);
      }
    }
  }

  const regions = new Map<string, RegionInfo>();
  const listen = new Map<string, RegionListen>();
  const grpcListen = new Map<string, RegionListen>();
  const citySystems = new Map<string, CitySystemConfig>();
  const identities = new Map<string, IdentityConfig>();
  const catalogs = new Map<string, RegionCatalog>();
  const adapters = new Map<string, { adapter: RegionAdapter; ctx: CatalogContext }>();
  const hostedSet = new Set(hosted && hosted.length > 0 ? hosted : fed.regions.map((r) => r.code));
  for (const [i, r] of fed.regions.entries()) {
    if (regions.has(r.code)) problems.push(`${fedFile}: regions.${i}.code: ${r.code} is listed twice`);
    regions.set(r.code, { code: r.code, name: r.name });
    listen.set(r.code, r.http);
    grpcListen.set(r.code, r.grpc);
    if (r.citySystem) citySystems.set(r.code, r.citySystem);
    if (r.identity) identities.set(r.code, r.identity);
    if (!hostedSet.has(r.code)) continue;
    const region = await loadRegion(adaptersDir, r.code, shared, problems);
    if (!region) continue;
    catalogs.set(r.code, region.catalog);
    adapters.set(r.code, { adapter: region.adapter, ctx: { shared, mapping: region.mapping } });
    if (r.citySystem && !region.adapter.connectCitySystem)
      problems.push(`${fedFile}: regions.${i}.citySystem: the adapter of ${r.code} reaches no city system`);
  }

  const acceptDaysBy = new Map<string, number>();
  for (const a of agreements.agreements) {
    if (a.acceptDays !== undefined) acceptDaysBy.set(`${a.from}>${a.to}`, a.acceptDays);
    for (const m of a.matters) {
      if (m.acceptDays !== undefined) acceptDaysBy.set(`${a.from}>${a.to}:${m.code}`, m.acceptDays);
    }
  }
  const timeLimits: TimeLimits = {
    yellowDays: fed.timeLimits.yellowDays,
    acceptDays: (matter, from, to) =>
      acceptDaysBy.get(`${from}>${to}:${matter}`) ??
      acceptDaysBy.get(`${from}>${to}`) ??
      fed.timeLimits.acceptDays,
  };
  const agreementMap = new Map<string, Agreement>();
  agreements.agreements.forEach((a, i) => {
    const at = `${agreementsPath}: agreements.${i}`;
    if (!regions.has(a.from)) problems.push(`${at}.from: ${a.from} is not a federation member`);
    if (!regions.has(a.to)) problems.push(`${at}.to: ${a.to} is not a federation member`);
    const agreed = new Map<string, ReadonlySet<HandlingMode>>();
    // Only what a hosted region offers is checked here: agreements naming it as `to`, against its catalog.
    const own = catalogs.get(a.to);
    a.matters.forEach((m, j) => {
      const offered = own?.byCode.get(m.code);
      if (own && !offered) problems.push(`${at}.matters.${j}.code: ${a.to} does not implement ${m.code}`);
      for (const mode of m.modes) {
        if (offered && !offered.modes.includes(mode)) {
          problems.push(`${at}.matters.${j}.modes: ${a.to} does not offer ${m.code} as ${mode}`);
        }
      }
      agreed.set(m.code, new Set(m.modes));
    });
    agreementMap.set(`${a.from}>${a.to}`, { from: a.from, to: a.to, matters: agreed });
  });

  for (const code of hostedSet) {
    if (!regions.has(code)) problems.push(`XR_REGIONS: ${code} is not in federation.yaml`);
  }
  const notifications = readNotifications(configDir, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    name: fed.name,
    federation: { regions, agreements: agreementMap },
    hosted: [...hostedSet],
    catalogs,
    holidays: {
      holidays: holidays.holidays.map((h) => h.date),
      workdays: holidays.workdays.map((w) => w.date),
      covers: holidays.covers,
    },
    timeLimits,
    listen,
    grpcListen,
    grpc: fed.grpc,
    adapters,
    citySystems,
    identities,
    catalogPollSeconds: fed.catalogSync.pollSeconds,
    checkpointSeconds: fed.audit.checkpointSeconds,
    receiptSeconds: fed.audit.receiptSeconds,
    subtaskTakeUpHours: fed.multiRegion.takeUpHours,
    ratingTags: fed.rating.tags ?? DEFAULT_RATING_TAGS,
    notifications,
  });
}
