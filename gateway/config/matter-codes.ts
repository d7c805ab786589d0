/**
 * A region's local → shared matter codes (mapping.yaml `matters`). Each
 * shared code is kept as the shared matter it names, where the shared catalog
 * has one: a catalog reader then finds a record's shared matter in one lookup
 * rather than two (half a million of them at a large federation's start),
 * and the check that no two local codes share a shared one needs no map.
 */
import type { SharedMatter } from "../ports/adapter.js";

/** Two local codes mapped to one shared code. */
export interface MatterCodeCollision {
  readonly local: string;
  readonly shared: string;
  /** The local code listed first. */
  readonly other: string;
}

/** Local → shared matter codes, as a read-only map of codes. */
export class MatterCodes implements ReadonlyMap<string, string> {
  readonly #table = new Map<string, SharedMatter | string>();
  /** The local code first mapped to each shared matter, by its index; to codes the shared catalog lacks. */
  readonly #firstByIndex: Array<string | undefined>;
  readonly #firstByCode = new Map<string, string>();
  readonly #collisions: MatterCodeCollision[] = [];

  /** `sharedCount`: how many matters the shared catalog has (their indexes are below it). */
  constructor(sharedCount: number) {
    this.#firstByIndex = new Array<string | undefined>(sharedCount).fill(undefined);
  }

  get size(): number {
    return this.#table.size;
  }

  /**
   * Maps `local` to `shared` (the shared matter, or its code when unknown).
   * False if `local` was listed already: the table is then not to be used (a
   * YAML reader refuses a key listed twice, and so do the mapping readers).
   */
  add(local: string, shared: SharedMatter | string): boolean {
    const size = this.#table.size;
    this.#table.set(local, shared);
    if (this.#table.size === size) return false;
    const code = typeof shared === "string" ? shared : shared.code;
    const other = typeof shared === "string" ? this.#firstByCode.get(code) : this.#firstByIndex[shared.index];
    if (other !== undefined) this.#collisions.push({ local, shared: code, other });
    else if (typeof shared === "string") this.#firstByCode.set(code, local);
    else this.#firstByIndex[shared.index] = local;
    return true;
  }

  get(local: string): string | undefined {
    const v = this.#table.get(local);
    return typeof v === "string" ? v : v?.code;
  }

  has(local: string): boolean {
    return this.#table.has(local);
  }

  /** The shared matter `local` maps to, if the shared catalog has it. */
  sharedMatter(local: string): SharedMatter | undefined {
    const v = this.#table.get(local);
    return typeof v === "string" ? undefined : v;
  }

  /** Every shared code mapped from more than one local code, after its first. */
  collisions(): readonly MatterCodeCollision[] {
    return this.#collisions;
  }

  /** Shared → local codes (of codes mapped twice, the later), made when first asked for. */
  inverse(): ReadonlyMap<string, string> {
    return new LazyMap(() => new Map(Array.from(this, ([local, shared]) => [shared, local])));
  }

  forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void, self?: unknown): void {
    for (const [local, shared] of this) fn.call(self, shared, local, this);
  }

  *entries(): MapIterator<[string, string]> {
    for (const [local, v] of this.#table) yield [local, typeof v === "string" ? v : v.code];
  }

  keys(): MapIterator<string> {
    return this.#table.keys();
  }

  *values(): MapIterator<string> {
    for (const [, shared] of this) yield shared;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

/** A read-only map made by `make` the first time it is used. */
class LazyMap<K, V> implements ReadonlyMap<K, V> {
  #map: Map<K, V> | undefined;

  constructor(private readonly make: () => Map<K, V>) {}

  get #made(): Map<K, V> {
    this.#map ??= this.make();
    return this.#map;
  }

  get size(): number {
    return this.#made.size;
  }

  get(key: K): V | undefined {
    return this.#made.get(key);
  }

  has(key: K): boolean {
    return this.#made.has(key);
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, self?: unknown): void {
    for (const [k, v] of this.#made) fn.call(self, v, k, this);
  }

  entries(): MapIterator<[K, V]> {
    return this.#made.entries();
  }

  keys(): MapIterator<K> {
    return this.#made.keys();
  }

  values(): MapIterator<V> {
    return this.#made.values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#made.entries();
  }
}
