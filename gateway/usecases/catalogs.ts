/**
 * The catalogs one region's use cases reach: its own, in memory (current and
 * a few past versions, since a case keeps the version it was filed under),
 * and its partners', in the catalog store, with the newest version of each
 * held in memory and the matters intake looks up cached.
 */
import { type Matter, matterSearchText, type RegionCatalog } from "../domain/matter.js";
import {
  type CatalogStore,
  KEPT_CATALOG_VERSIONS,
  type MatterSearch,
  type StoredCatalog,
} from "../ports/catalogs.js";

/** A catalog version this gateway holds. */
export type HeldCatalog = Omit<StoredCatalog, "region">;

/** Matters looked up by code kept in memory: enough for the matters a window files every day. */
const CACHED_MATTERS = 2_048;

/** The catalogs of one hosted region's gateway. */
export class Catalogs {
  readonly region: string;
  readonly #store: CatalogStore;
  #own: RegionCatalog;
  readonly #ownVersions = new Map<string, RegionCatalog>();
  readonly #held = new Map<string, HeldCatalog>();
  readonly #cache = new Map<string, Matter>();
  #pull: (region: string) => Promise<unknown> = async () => undefined;
  // Lower-cased search text of the own catalog's matters, made on the first search of a version.
  readonly #searchText = new WeakMap<RegionCatalog, string[]>();

  private constructor(own: RegionCatalog, store: CatalogStore) {
    this.region = own.regionCode;
    this.#store = store;
    this.#own = own;
    this.#ownVersions.set(own.version, own);
  }

  /** The catalogs of the region whose own catalog is `own`, partners' as `store` keeps them. */
  static async open(own: RegionCatalog, store: CatalogStore): Promise<Catalogs> {
    const c = new Catalogs(own, store);
    await c.refresh();
    return c;
  }

  /** Reads the newest stored version of each partner again (another replica may have pulled one). */
  async refresh(): Promise<void> {
    for (const { region, ...held } of await this.#store.newest()) {
      if (region !== this.region) this.#held.set(region, held);
    }
  }

  /** The region's own current catalog. */
  get own(): RegionCatalog {
    return this.#own;
  }

  /** The own catalog at `version` if still held, else the current one. */
  ownAt(version: string): RegionCatalog {
    return this.#ownVersions.get(version) ?? this.#own;
  }

  /** Makes `next` the own current catalog, keeping a few earlier versions. */
  publishOwn(next: RegionCatalog): void {
    this.#own = next;
    this.#ownVersions.delete(next.version);
    this.#ownVersions.set(next.version, next);
    // Maps iterate in insertion order: the first key is the oldest version.
    while (this.#ownVersions.size > KEPT_CATALOG_VERSIONS + 1)
      this.#ownVersions.delete(this.#ownVersions.keys().next().value as string);
  }

  /**
   * How to bring a partner's catalog that this gateway holds none of yet (a
   * first start, or a partner that was down then): the partner sync's pull.
   */
  pullWith(pull: (region: string) => Promise<unknown>): void {
    this.#pull = pull;
  }

  /**
   * The version of `region`'s catalog this gateway holds; a partner's that is
   * not held yet is pulled first (a request waits for it once rather than
   * failing until the next polling round). Undefined if it still is not.
   */
  async ensure(region: string): Promise<HeldCatalog | undefined> {
    const held = this.held(region);
    if (held) return held;
    await this.#pull(region).catch(() => undefined);
    return this.held(region);
  }

  /** The version of `region`'s catalog this gateway holds, if any. */
  held(region: string): HeldCatalog | undefined {
    if (region === this.region) return { version: this.#own.version, matterCount: this.#own.matters.length };
    return this.#held.get(region);
  }

  /** Stores a partner's catalog version, as a pull brought it, and makes it the one served. */
  async savePartner(region: string, version: string, matters: readonly Matter[]): Promise<void> {
    await this.#store.save(region, version, matters);
    this.#held.set(region, { version, matterCount: matters.length });
  }

  /**
   * A matter of `region`'s catalog by shared or local code: of `version` when
   * given and still held, else of the current version.
   */
  async matter(region: string, code: string, version?: string): Promise<Matter | undefined> {
    if (region === this.region) {
      const c = version === undefined ? this.#own : this.ownAt(version);
      return c.byCode.get(code) ?? c.byLocalCode.get(code);
    }
    const current = (await this.ensure(region))?.version;
    if (current === undefined) return undefined;
    const found =
      version !== undefined && version !== current ? await this.#stored(region, version, code) : undefined;
    return found ?? (await this.#stored(region, current, code));
  }

  async #stored(region: string, version: string, code: string): Promise<Matter | undefined> {
    const key = `${region}\n${version}\n${code}`;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const m = await this.#store.matter(region, version, code);
    if (!m) return undefined;
    if (this.#cache.size >= CACHED_MATTERS) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(key, m);
    return m;
  }

  /** Matters of `region`'s current catalog that match, in catalog order; undefined when none is held. */
  async search(region: string, s: MatterSearch): Promise<{ matters: Matter[]; version: string } | undefined> {
    if (region === this.region) return { matters: this.#searchOwn(s), version: this.#own.version };
    const held = await this.ensure(region);
    if (!held) return undefined;
    return { matters: await this.#store.search(region, held.version, s), version: held.version };
  }

  #searchOwn(s: MatterSearch): Matter[] {
    const { matters } = this.#own;
    let text = this.#searchText.get(this.#own);
    if (!text) {
      text = matters.map(matterSearchText);
      this.#searchText.set(this.#own, text);
    }
    const needle = s.q.toLowerCase();
    const out: Matter[] = [];
    let skip = s.offset;
    for (let i = 0; i < matters.length && out.length < s.limit; i++) {
      const m = matters[i] as Matter;
      if (s.mode !== undefined && !m.modes.includes(s.mode)) continue;
      if (needle !== "" && !(text[i] as string).includes(needle)) continue;
      if (skip > 0) skip--;
      else out.push(m);
    }
    return out;
  }

  /** Closes the catalog store. */
  close(): Promise<void> {
    return this.#store.close();
  }
}
