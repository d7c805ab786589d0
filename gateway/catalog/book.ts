/**
 * A gateway's catalogs of the federation's regions, current and past. A
 * region's catalog is replaced when it publishes a new version; the earlier
 * versions stay readable (a few per region), because a case keeps the
 * catalog version it was filed under.
 */
import type { RegionCatalog } from "../domain/matter.js";

/** Versions kept per region besides the current one. */
const KEPT_VERSIONS = 8;

/** The current catalog of each region (a ReadonlyMap, as `Federation.catalogs`), with history. */
export class CatalogBook extends Map<string, RegionCatalog> {
  readonly #history = new Map<string, Map<string, RegionCatalog>>();

  constructor(initial: ReadonlyMap<string, RegionCatalog>) {
    super(initial);
    for (const c of initial.values()) this.#remember(c);
  }

  /** Makes `catalog` its region's current one; returns the one it replaces. */
  publish(catalog: RegionCatalog): RegionCatalog | undefined {
    const previous = this.get(catalog.regionCode);
    this.set(catalog.regionCode, catalog);
    this.#remember(catalog);
    return previous;
  }

  /** The region's catalog as it was at `version`, if this gateway still has it. */
  at(region: string, version: string): RegionCatalog | undefined {
    return this.#history.get(region)?.get(version);
  }

  #remember(c: RegionCatalog): void {
    let versions = this.#history.get(c.regionCode);
    if (!versions) {
      versions = new Map();
      this.#history.set(c.regionCode, versions);
    }
    versions.delete(c.version);
    versions.set(c.version, c);
    // Maps iterate in insertion order: the first key is the oldest version.
    while (versions.size > KEPT_VERSIONS + 1) versions.delete(versions.keys().next().value as string);
  }
}
