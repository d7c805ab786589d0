/**
 * Matters (事项), catalogs and cooperation agreements in shared terms.
 */
import type { HandlingMode } from "./case.js";

/** Kind of applicant a matter is for. */
export type ApplicantKind = "PERSON" | "ORGANIZATION" | "ANY";

/** `xr.v1.MatterMaterial`. */
export interface MatterMaterial {
  readonly materialCode: string;
  readonly name: string;
  readonly required: boolean;
}

/** `xr.v1.Matter`: a matter as one region implements it, in shared terms. */
export interface Matter {
  readonly code: string;
  readonly name: string;
  readonly regionCode: string;
  readonly localCode: string;
  readonly localName: string;
  readonly department: string;
  readonly promisedDays: number;
  readonly modes: readonly HandlingMode[];
  readonly materials: readonly MatterMaterial[];
  readonly category: string;
  readonly catalogVersion: string;
  readonly applicant: ApplicantKind;
}

/** A region's catalog with O(1) lookups both ways. */
export interface RegionCatalog {
  readonly regionCode: string;
  readonly version: string;
  readonly matters: readonly Matter[];
  readonly byCode: ReadonlyMap<string, Matter>;
  readonly byLocalCode: ReadonlyMap<string, Matter>;
}

/** Builds the lookup maps of a catalog. */
export function indexCatalog(regionCode: string, version: string, matters: readonly Matter[]): RegionCatalog {
  const byCode = new Map<string, Matter>();
  const byLocalCode = new Map<string, Matter>();
  for (const m of matters) {
    byCode.set(m.code, m);
    byLocalCode.set(m.localCode, m);
  }
  return { regionCode, version, matters, byCode, byLocalCode };
}

/** What one region may send to another under their agreement. */
export interface Agreement {
  readonly from: string;
  readonly to: string;
  /** Shared matter code → agreed modes. */
  readonly matters: ReadonlyMap<string, ReadonlySet<HandlingMode>>;
}

/** A federation member. */
export interface RegionInfo {
  readonly code: string;
  readonly name: string;
}

/** Everything the domain needs to know about the federation, loaded from config/. */
export interface Federation {
  readonly regions: ReadonlyMap<string, RegionInfo>;
  /** Keyed by `${from}>${to}`. */
  readonly agreements: ReadonlyMap<string, Agreement>;
}

/** The agreement under which `from` may send cases to `to`, if any. */
export function agreementBetween(fed: Federation, from: string, to: string): Agreement | undefined {
  return fed.agreements.get(`${from}>${to}`);
}

/** Regions that `region` cooperates with in either direction. */
export function partnersOf(fed: Federation, region: string): string[] {
  const out = new Set<string>();
  for (const a of fed.agreements.values()) {
    if (a.from === region) out.add(a.to);
    if (a.to === region) out.add(a.from);
  }
  return [...out].sort();
}

/**
 * What a catalog search matches a matter by: its names and codes, lower-cased, one a line (so no
 * substring spans two of them). The own catalog in memory and the partners' in the store match alike.
 */
export function matterSearchText(m: Matter): string {
  return `${m.name}\n${m.localName}\n${m.code}\n${m.localCode}`.toLowerCase();
}
