/**
 * A region catalog kept as columns over the bytes it was read from, for the
 * large declarative exports (compact-json.ts): a federation of 50 regions ×
 * 10,000 matters would otherwise build half a million Matter objects and two
 * maps of them per region at start, which is most of its start-up time.
 *
 * Each record is checked and mapped when it is added, as {@link CatalogBuilder}
 * does; what it would keep is kept as numbers (places of its names in the
 * bytes, days, modes) and references (its shared matter, its interned
 * materials list). A matter becomes a {@link Matter} object the first time
 * it is asked for, and stays one; the two lookup maps are built when first
 * used. What is checked is all checked at load: only building is put off.
 */
import type { HandlingMode } from "../../gateway/domain/case.js";
import type { Matter, MatterMaterial, RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext, SharedMatter } from "../../gateway/ports/adapter.js";
import { checkPromisedDays, MaterialLists, MODE_LISTS, sharedMatterOf } from "./catalog.js";
import type { CompactMatter } from "./compact-json.js";
import { type SharedColumns, sharedColumns } from "./shared-columns.js";

/** Numbers kept per record, in this order. */
const LOCAL_START = 0;
const LOCAL_END = 1;
const NAME_START = 2;
const NAME_END = 3;
const DEPARTMENT_START = 4;
const DEPARTMENT_END = 5;
const DAYS = 6;
const MODES = 7;
/** The shared matter's number (see shared-columns.ts). */
const SHARED = 8;
const STRIDE = 9;

/** What a {@link ColumnarCatalog} is made of. */
interface Columns {
  readonly regionCode: string;
  readonly version: string;
  /** The catalog's bytes (a copy: the caller's buffer may be reused). */
  readonly bytes: Buffer;
  readonly count: number;
  /** {@link STRIDE} numbers per record. */
  readonly numbers: Int32Array;
  /** The shared matters, by number. */
  readonly shared: readonly SharedMatter[];
  readonly materials: ReadonlyArray<readonly MatterMaterial[]>;
}

/**
 * A {@link RegionCatalog} whose matters are made on first use. `matters`
 * lists them in catalog order. `byCode` and `byLocalCode` index them by
 * their codes; those indexes are built the first time either is asked for
 * (a few milliseconds for 10,000 matters), so that a gateway pays at start
 * only for checking each catalog, and later only for the regions it works
 * with.
 */
export class ColumnarCatalog implements RegionCatalog {
  readonly regionCode: string;
  readonly version: string;
  readonly #c: Columns;
  readonly #made: Array<Matter | undefined>;
  #all: readonly Matter[] | undefined;
  #indexed: { byCode: Map<string, number>; byLocalCode: Map<string, number> } | undefined;
  readonly byCode: ReadonlyMap<string, Matter> = new MatterIndex(this, () => this.#indexes().byCode);
  readonly byLocalCode: ReadonlyMap<string, Matter> = new MatterIndex(
    this,
    () => this.#indexes().byLocalCode,
  );
  /** One string per department name, as the matters are made. */
  readonly #departments = new Map<string, string>();

  constructor(columns: Columns) {
    this.#c = columns;
    this.regionCode = columns.regionCode;
    this.version = columns.version;
    this.#made = new Array(columns.count);
  }

  get matters(): readonly Matter[] {
    if (!this.#all) this.#all = Array.from({ length: this.#c.count }, (_, i) => this.matter(i));
    return this.#all;
  }

  /** Matter `i` in catalog order. */
  matter(i: number): Matter {
    const made = this.#made[i];
    if (made) return made;
    const { numbers: n, shared: sharedList, bytes } = this.#c;
    const at = i * STRIDE;
    const shared = sharedList[n[at + SHARED] as number] as SharedMatter;
    const text = (start: number, end: number) => bytes.toString("utf8", n[at + start], n[at + end]);
    const department = text(DEPARTMENT_START, DEPARTMENT_END);
    let dept = this.#departments.get(department);
    if (dept === undefined) {
      dept = department;
      this.#departments.set(dept, dept);
    }
    const matter: Matter = {
      code: shared.code,
      name: shared.name,
      regionCode: this.regionCode,
      localCode: text(LOCAL_START, LOCAL_END),
      localName: text(NAME_START, NAME_END),
      department: dept,
      promisedDays: n[at + DAYS] as number,
      modes: MODE_LISTS[n[at + MODES] as number] as readonly HandlingMode[],
      materials: this.#c.materials[i] as readonly MatterMaterial[],
      category: shared.category,
      catalogVersion: this.version,
      applicant: shared.applicant,
    };
    this.#made[i] = matter;
    return matter;
  }

  /** Record numbers by shared and by local code (of a code listed twice, the later: as `indexCatalog`). */
  #indexes(): { byCode: Map<string, number>; byLocalCode: Map<string, number> } {
    if (!this.#indexed) {
      const { numbers: n, shared, bytes, count } = this.#c;
      const byCode = new Map<string, number>();
      const byLocalCode = new Map<string, number>();
      for (let i = 0; i < count; i++) {
        const at = i * STRIDE;
        byCode.set((shared[n[at + SHARED] as number] as SharedMatter).code, i);
        const local =
          this.#made[i]?.localCode ?? bytes.toString("utf8", n[at + LOCAL_START], n[at + LOCAL_END]);
        byLocalCode.set(local, i);
      }
      this.#indexed = { byCode, byLocalCode };
    }
    return this.#indexed;
  }
}

/** A read-only map of a {@link ColumnarCatalog}'s matters by record numbers in `index` (made when first used). */
class MatterIndex implements ReadonlyMap<string, Matter> {
  constructor(
    private readonly catalog: ColumnarCatalog,
    private readonly index: () => ReadonlyMap<string, number>,
  ) {}

  get size(): number {
    return this.index().size;
  }

  get(key: string): Matter | undefined {
    const i = this.index().get(key);
    return i === undefined ? undefined : this.catalog.matter(i);
  }

  has(key: string): boolean {
    return this.index().has(key);
  }

  forEach(fn: (value: Matter, key: string, map: ReadonlyMap<string, Matter>) => void, self?: unknown): void {
    for (const [key, m] of this.entries()) fn.call(self, m, key, this);
  }

  *entries(): MapIterator<[string, Matter]> {
    for (const [key, i] of this.index()) yield [key, this.catalog.matter(i)];
  }

  keys(): MapIterator<string> {
    return this.index().keys();
  }

  *values(): MapIterator<Matter> {
    for (const i of this.index().values()) yield this.catalog.matter(i);
  }

  [Symbol.iterator](): MapIterator<[string, Matter]> {
    return this.entries();
  }
}

/**
 * Builds a {@link ColumnarCatalog} from a compact catalog's records, one at a
 * time, checking each as {@link CatalogBuilder} does.
 */
export class ColumnarCatalogBuilder {
  #numbers = new Int32Array(STRIDE * 1024);
  readonly #materials: Array<readonly MatterMaterial[]> = [];
  readonly #shared: SharedColumns;
  /** By shared matter number: the record that took it, or -1. */
  readonly #slots: Int32Array;
  readonly #lists: MaterialLists;
  #count = 0;
  #repeated = 0;

  constructor(
    private readonly regionCode: string,
    private readonly version: string,
    private readonly ctx: CatalogContext,
    private readonly bytes: Uint8Array,
  ) {
    this.#lists = new MaterialLists(ctx);
    this.#shared = sharedColumns(ctx.shared);
    this.#slots = new Int32Array(this.#shared.list.length).fill(-1);
  }

  /**
   * How many records added so far take a shared matter an earlier one took:
   * a local code listed twice (or two mapped alike, which the mapping's own
   * check refuses). Such a catalog is not for use: its reader falls back.
   */
  get repeated(): number {
    return this.#repeated;
  }

  /**
   * Adds one record; false if it is local-only (no shared code). Throws
   * naming its origin if it cannot be mapped. Reads the shared catalog's
   * columns, not its matters (see shared-columns.ts).
   */
  add(r: CompactMatter): boolean {
    const shared = this.#shared;
    let s = this.ctx.mapping.sharedNumberOf?.(r.localCode);
    if (s === undefined) {
      const matter = sharedMatterOf(r, this.ctx);
      if (!matter) return false;
      s = shared.numberOf.get(matter.code) as number;
    }
    const days = shared.days[s] as number;
    if (r.promisedDays > days) checkPromisedDays(r, days, (shared.list[s] as SharedMatter).code);
    // Records with the same materials text share the list object the scan made: its last resolution is kept on it.
    const read = r.materialsList;
    let materials = read.resolvedFor === shared.materials[s] ? read.resolved : undefined;
    if (!materials) {
      materials = this.#lists.of(r, shared.list[s] as SharedMatter);
      read.resolvedFor = shared.materials[s] as SharedMatter["materials"];
      read.resolved = materials;
    }
    const i = this.#count;
    let n = this.#numbers;
    if ((i + 1) * STRIDE > n.length) {
      n = new Int32Array(n.length * 2);
      n.set(this.#numbers);
      this.#numbers = n;
    }
    const at = i * STRIDE;
    n[at + LOCAL_START] = r.localCodeStart;
    n[at + LOCAL_END] = r.localCodeEnd;
    n[at + NAME_START] = r.nameStart;
    n[at + NAME_END] = r.nameEnd;
    n[at + DEPARTMENT_START] = r.departmentStart;
    n[at + DEPARTMENT_END] = r.departmentEnd;
    n[at + DAYS] = r.promisedDays;
    // A region offers only the modes both it and the shared catalog allow.
    n[at + MODES] = r.modeMask & (shared.modes[s] as number);
    n[at + SHARED] = s;
    this.#materials.push(materials);
    if (this.#slots[s] !== -1) this.#repeated++;
    this.#slots[s] = i;
    this.#count = i + 1;
    return true;
  }

  /** The catalog of the records added so far. */
  finish(): ColumnarCatalog {
    return new ColumnarCatalog({
      regionCode: this.regionCode,
      version: this.version,
      bytes: Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength),
      count: this.#count,
      numbers: this.#numbers.slice(0, this.#count * STRIDE),
      shared: this.#shared.list,
      materials: this.#materials,
    });
  }
}
