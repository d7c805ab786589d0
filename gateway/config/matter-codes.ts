/**
 * A region's local → shared matter codes (mapping.yaml `matters`). Each
 * shared code is kept as the number of the matter it names in the shared
 * catalog (see shared-columns.ts), where the shared catalog has one: a
 * catalog reader then finds a record's shared matter in one lookup rather
 * than two (half a million of them at a large federation's start), the check
 * that no two local codes share a shared one needs no map, and the table
 * holds no references for the garbage collector to follow.
 */
import type { SharedColumns } from "../../adapters/sdk/shared-columns.js";

/** Two local codes mapped to one shared code. */
export interface MatterCodeCollision {
  readonly local: string;
  readonly shared: string;
  /** The local code listed first. */
  readonly other: string;
}

/** Local → shared matter codes, as a read-only map of codes. */
export class MatterCodes implements ReadonlyMap<string, string> {
  /** Local code → shared matter number, or the shared code when the shared catalog lacks it. */
  readonly #table = new Map<string, number | string>();
  readonly #shared: SharedColumns;
  /** The local code first mapped to each shared matter, by number; to codes the shared catalog lacks. */
  readonly #firstByNumber: Array<string | undefined>;
  readonly #firstByCode = new Map<string, string>();
  readonly #collisions: MatterCodeCollision[] = [];

  constructor(shared: SharedColumns) {
    this.#shared = shared;
    this.#firstByNumber = new Array<string | undefined>(shared.list.length).fill(undefined);
  }

  get size(): number {
    return this.#table.size;
  }

  /**
   * Maps `local` to shared code `code`. False if `local` was listed already:
   * the table is then not to be used (a YAML reader refuses a key listed
   * twice, and so do the mapping readers).
   */
  add(local: string, code: string): boolean {
    const n = this.#shared.numberOf.get(code);
    const size = this.#table.size;
    this.#table.set(local, n ?? code);
    if (this.#table.size === size) return false;
    const other = n === undefined ? this.#firstByCode.get(code) : this.#firstByNumber[n];
    if (other !== undefined) this.#collisions.push({ local, shared: code, other });
    else if (n === undefined) this.#firstByCode.set(code, local);
    else this.#firstByNumber[n] = local;
    return true;
  }

  get(local: string): string | undefined {
    const v = this.#table.get(local);
    return typeof v === "number" ? this.#shared.list[v]?.code : v;
  }

  has(local: string): boolean {
    return this.#table.has(local);
  }

  /** The number of the shared matter `local` maps to, if the shared catalog has it. */
  sharedNumber(local: string): number | undefined {
    const v = this.#table.get(local);
    return typeof v === "number" ? v : undefined;
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
    for (const local of this.#table.keys()) yield [local, this.get(local) as string];
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
