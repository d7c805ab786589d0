/**
 * The shared catalog as columns by matter number (its place in
 * `SharedCatalog.matters`): what a large region's load reads for each of its
 * matters, kept in arrays rather than read from 10,000 objects, each read of
 * which may miss the CPU cache. Made once per shared catalog.
 */
import type { SharedCatalog, SharedMatter } from "../../gateway/ports/adapter.js";
import { MODE_ORDER } from "./catalog.js";

/** A shared catalog's matters by number. */
export interface SharedColumns {
  /** The matters in `SharedCatalog.matters` order. */
  readonly list: readonly SharedMatter[];
  /** Shared matter code → number. */
  readonly numberOf: ReadonlyMap<string, number>;
  /** Promised working days. */
  readonly days: Int32Array;
  /** The modes each allows, as a mask (bit i: MODE_ORDER[i]). */
  readonly modes: Uint8Array;
  /** The materials lists. */
  readonly materials: ReadonlyArray<SharedMatter["materials"]>;
}

const made = new WeakMap<SharedCatalog, SharedColumns>();

/** The columns of `shared` (made on first use; a shared catalog does not change). */
export function sharedColumns(shared: SharedCatalog): SharedColumns {
  let columns = made.get(shared);
  if (!columns) {
    const list = [...shared.matters.values()];
    columns = {
      list,
      numberOf: new Map(list.map((m, i) => [m.code, i])),
      days: Int32Array.from(list, (m) => m.promisedDays),
      modes: Uint8Array.from(list, (m) =>
        m.modes.reduce((mask, mode) => {
          const bit = MODE_ORDER.indexOf(mode);
          return bit < 0 ? mask : mask | (1 << bit);
        }, 0),
      ),
      materials: list.map((m) => m.materials),
    };
    made.set(shared, columns);
  }
  return columns;
}
