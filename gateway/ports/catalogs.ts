/**
 * Partners' catalogs as this gateway keeps them in its own ledger: each
 * version a partner published, as its versioned gRPC pull brought it, so that
 * a restart serves them at once without pulling again or holding them all in
 * memory.
 */
import type { HandlingMode } from "../domain/case.js";
import type { Matter } from "../domain/matter.js";

/** A partner's newest stored catalog version. */
export interface StoredCatalog {
  readonly region: string;
  readonly version: string;
  readonly matterCount: number;
}

/** A search of one stored catalog version, in catalog order. */
export interface MatterSearch {
  /**
   * Substring of the name, local name, code or local code, matched without
   * regard to case; "" matches every matter.
   */
  readonly q: string;
  readonly mode?: HandlingMode | undefined;
  readonly offset: number;
  readonly limit: number;
}

/** Catalog versions kept per partner besides the newest: cases name the version they were filed under. */
export const KEPT_CATALOG_VERSIONS = 8;

/** The store of partners' catalogs. */
export interface CatalogStore {
  /**
   * Stores all matters of `version` of `region`'s catalog at once and makes
   * it the region's newest; the {@link KEPT_CATALOG_VERSIONS} versions before
   * it stay, older ones go. Saving a stored version again replaces it.
   */
  save(region: string, version: string, matters: readonly Matter[]): Promise<void>;
  /** The newest stored version of every region. */
  newest(): Promise<StoredCatalog[]>;
  /** A matter of `version` of `region`'s catalog by shared or local code. */
  matter(region: string, version: string, code: string): Promise<Matter | undefined>;
  /** Up to `limit` matters of `version` of `region`'s catalog that match, from `offset`. */
  search(region: string, version: string, s: MatterSearch): Promise<Matter[]>;
  close(): Promise<void>;
}
