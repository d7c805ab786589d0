/**
 * Turns local catalog records (already read from the city's format) into a
 * shared-term {@link RegionCatalog}, using the region's code mapping.
 */
import type { HandlingMode } from "../../gateway/domain/case.js";
import type { Matter, MatterMaterial, RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext, SharedMatter } from "../../gateway/ports/adapter.js";
import { MODE_LABELS } from "./labels.js";

/** Modes in their canonical order (a matter lists its modes in this order). */
export const MODE_ORDER: readonly HandlingMode[] = ["FULL_ONLINE", "REMOTE_INTAKE", "MULTI_REGION"];
/** 办理方式 label and the bit of its mode in MODE_ORDER; scanned, as a map lookup per label costs more. */
const MODE_LABEL_BITS: ReadonlyArray<readonly [string, number]> = Object.entries(MODE_LABELS).map(
  ([label, mode]) => [label, 1 << MODE_ORDER.indexOf(mode)],
);

/**
 * Mode lists by bit mask (bit i: MODE_ORDER[i]): one list per combination,
 * which every matter of every catalog with those modes shares.
 */
export const MODE_LISTS: ReadonlyArray<readonly HandlingMode[]> = Array.from(
  { length: 1 << MODE_ORDER.length },
  (_, mask) => Object.freeze(MODE_ORDER.filter((_, i) => mask & (1 << i))),
);

/** The bit (in {@link MODE_LISTS} masks) of a 办理方式 label; 0 for a label that is none. */
export function modeLabelBit(label: string): number {
  for (let j = 0; j < MODE_LABEL_BITS.length; j++) {
    const known = MODE_LABEL_BITS[j] as readonly [string, number];
    if (known[0] === label) return known[1];
  }
  return 0;
}

/** Bit of a mode in MODE_ORDER; 0 for none. */
function modeBit(mode: string): number {
  for (let i = 0; i < MODE_ORDER.length; i++) if (MODE_ORDER[i] === mode) return 1 << i;
  return 0;
}

/** The modes the shared catalog allows for a matter, as a {@link MODE_LISTS} mask. */
function allowedModes(shared: SharedMatter): number {
  let allowed = 0;
  for (let i = 0; i < shared.modes.length; i++) allowed |= modeBit(shared.modes[i] as string);
  return allowed;
}

/** Material lists interned by their (interned) materials, one level per position. */
interface MaterialListNode {
  list?: readonly MatterMaterial[];
  readonly next: Map<MatterMaterial, MaterialListNode>;
}

/** A local material code resolved once per catalog: its shared code and name, and the materials made of it. */
interface ResolvedMaterial {
  readonly code: string;
  readonly sharedName: string | undefined;
  required?: MatterMaterial;
  optional?: MatterMaterial;
}

/** One matter as the city lists it, in its own codes and labels. */
export interface LocalMatter {
  readonly localCode: string;
  readonly name: string;
  readonly department: string;
  readonly promisedDays: number;
  /** 办理方式 labels, e.g. 全程网办. */
  readonly modeLabels: readonly string[];
  readonly materials: ReadonlyArray<{
    readonly localCode: string;
    readonly name: string;
    readonly required: boolean;
  }>;
  /**
   * Optional: a string that two records of one catalog share only if their
   * materials lists are equal (same codes, names and flags, in order), such
   * as the list's source text. A builder then works each list out once.
   */
  readonly materialsKey?: string;
  /**
   * Where the record came from, for error messages (e.g. "catalog.csv line 12");
   * a function (or method) when working it out costs more than a large catalog can afford per record.
   */
  readonly origin: string | (() => string);
}

/**
 * A {@link LocalMatter} that a catalog reader moves from record to record
 * (the builder keeps none of it), working out where it is only for an error
 * message.
 */
export class MatterCursor implements LocalMatter {
  localCode = "";
  name = "";
  department = "";
  promisedDays = 0;
  modeLabels: readonly string[] = [];
  materials: LocalMatter["materials"] = [];
  /** Place of the record in the catalog. */
  index = 0;
  constructor(private readonly at: (index: number) => string) {}
  origin(): string {
    return this.at(this.index);
  }
}

/** Maps local records to shared matters; records without a shared code are local-only and skipped. */
export function buildCatalog(
  regionCode: string,
  version: string,
  records: readonly LocalMatter[],
  ctx: CatalogContext,
): RegionCatalog {
  const builder = new CatalogBuilder(regionCode, version, ctx);
  for (let i = 0; i < records.length; i++) builder.add(records[i] as LocalMatter);
  return builder.finish();
}

/**
 * The shared matter record `r` stands for; undefined if it is local-only
 * (its code is not in the mapping). Throws naming the record if the mapping
 * names a shared matter there is none of, or if the record promises more
 * working days than the federation allows.
 */
export function sharedMatterOf(r: LocalMatter, ctx: CatalogContext): SharedMatter | undefined {
  const code = ctx.mapping.matters.get(r.localCode);
  if (code === undefined) return undefined;
  const shared = ctx.shared.matters.get(code);
  if (!shared) throw new Error(`${where(r)}: ${r.localCode} maps to unknown shared matter ${code}`);
  checkPromisedDays(r, shared.promisedDays, code);
  return shared;
}

/** Throws naming record `r` if it promises more than `days` working days, what the federation allows for `code`. */
export function checkPromisedDays(r: LocalMatter, days: number, code: string): void {
  if (r.promisedDays > days)
    throw new Error(
      `${where(r)}: promises ${r.promisedDays} working days for ${code}, more than the federation's ${days}`,
    );
}

/**
 * The modes record `r` offers for `shared`, as a {@link MODE_LISTS} mask:
 * `labels`, its 办理方式 labels as a mask (see {@link modeLabelBit}), less
 * what the shared catalog does not allow (a region offers only the modes both
 * allow).
 */
function offeredModes(labels: number, shared: SharedMatter): number {
  return labels & allowedModes(shared);
}

/** The {@link MODE_LISTS} mask of `r`'s 办理方式 labels; throws naming the record at an unknown one. */
function labelMask(r: LocalMatter): number {
  let mask = 0;
  for (let i = 0; i < r.modeLabels.length; i++) {
    const label = r.modeLabels[i] as string;
    const bit = modeLabelBit(label);
    if (bit === 0) throw new Error(`${where(r)}: unknown 办理方式 "${label}"`);
    mask |= bit;
  }
  return mask;
}

/**
 * Records' materials in shared terms, one catalog's worth: each local
 * material code is resolved once, equal materials are one object and equal
 * lists one list (a catalog of 10,000 matters spells a few hundred lists).
 */
export class MaterialLists {
  /** By local material code. */
  private readonly materials = new Map<string, ResolvedMaterial>();
  private readonly lists: MaterialListNode = { next: new Map() };
  /** The materials of the record being added. */
  private readonly scratch: MatterMaterial[] = [];
  /** Materials lists by {@link LocalMatter.materialsKey}, with the shared list they were worked out against. */
  private readonly byKey = new Map<
    string,
    { shared: SharedMatter["materials"]; list: readonly MatterMaterial[] }
  >();

  constructor(private readonly ctx: CatalogContext) {}

  /** `r`'s materials as `shared` takes them; throws naming the record at a material with no shared code. */
  of(r: LocalMatter, shared: SharedMatter): readonly MatterMaterial[] {
    const key = r.materialsKey;
    const known = key === undefined ? undefined : this.byKey.get(key);
    if (known?.shared === shared.materials) return known.list;
    const list = this.resolve(r, shared);
    if (key !== undefined) this.byKey.set(key, { shared: shared.materials, list });
    return list;
  }

  private resolve(r: LocalMatter, shared: SharedMatter): readonly MatterMaterial[] {
    const scratch = this.scratch;
    scratch.length = 0;
    // Where this list of materials is interned; none if one of them has no shared name.
    let node: MaterialListNode | undefined = this.lists;
    for (let i = 0; i < r.materials.length; i++) {
      const m = r.materials[i] as LocalMatter["materials"][number];
      let resolved = this.materials.get(m.localCode);
      if (!resolved) {
        const materialCode = this.ctx.mapping.materials.get(m.localCode);
        if (!materialCode)
          throw new Error(`${where(r)}: material ${m.localCode} (${m.name}) has no shared code`);
        resolved = { code: materialCode, sharedName: this.ctx.shared.materials.get(materialCode) };
        this.materials.set(m.localCode, resolved);
      }
      let required = m.required;
      for (let j = 0; j < shared.materials.length; j++) {
        const x = shared.materials[j] as SharedMatter["materials"][number];
        if (x.code === resolved.code) {
          required = x.required;
          break;
        }
      }
      const { code: materialCode, sharedName } = resolved;
      let material: MatterMaterial;
      // Materials with a shared name are made once per catalog; without one, the local name goes with each.
      if (sharedName === undefined) {
        material = { materialCode, name: m.name, required };
        node = undefined;
      } else {
        const made = required ? resolved.required : resolved.optional;
        material = made ?? { materialCode, name: sharedName, required };
        if (!made && required) resolved.required = material;
        else if (!made) resolved.optional = material;
        if (node) {
          let next = node.next.get(material);
          if (!next) {
            next = { next: new Map() };
            node.next.set(material, next);
          }
          node = next;
        }
      }
      scratch.push(material);
    }
    let materials = node?.list;
    if (!materials) {
      materials = scratch.slice();
      if (node) node.list = materials;
    }
    return materials;
  }
}

/**
 * {@link buildCatalog} one record at a time, for adapters that read large
 * catalogs and need not hold every record at once. Identical mode lists,
 * materials and department names are shared between matters rather than
 * copied.
 */
export class CatalogBuilder {
  private readonly matters: Matter[] = [];
  private readonly byCode = new Map<string, Matter>();
  private readonly byLocalCode = new Map<string, Matter>();
  private readonly materials: MaterialLists;
  private readonly departments = new Map<string, string>();
  private duplicates = 0;

  constructor(
    private readonly regionCode: string,
    private readonly version: string,
    private readonly ctx: CatalogContext,
  ) {
    this.materials = new MaterialLists(ctx);
  }

  /** How many records added so far repeat an earlier one's local code (local-only records aside). */
  get repeated(): number {
    return this.duplicates;
  }

  /**
   * Adds one record (the object itself is not kept); false if it is local-only
   * (no shared code). Throws naming its origin if it cannot be mapped.
   */
  add(r: LocalMatter): boolean {
    const shared = sharedMatterOf(r, this.ctx);
    if (!shared) return false;
    const { code } = shared;
    const modes = MODE_LISTS[offeredModes(labelMask(r), shared)] as readonly HandlingMode[];
    const materials = this.materials.of(r, shared);
    let department = this.departments.get(r.department);
    if (department === undefined) {
      department = r.department;
      this.departments.set(department, department);
    }
    const matter: Matter = {
      code,
      name: shared.name,
      regionCode: this.regionCode,
      localCode: r.localCode,
      localName: r.name,
      department,
      promisedDays: r.promisedDays,
      modes,
      materials,
      category: shared.category,
      catalogVersion: this.version,
      applicant: shared.applicant,
    };
    this.matters.push(matter);
    // Indexed as it comes (what indexCatalog does, without a second pass): a later duplicate wins.
    this.byCode.set(code, matter);
    const before = this.byLocalCode.size;
    this.byLocalCode.set(r.localCode, matter);
    if (this.byLocalCode.size === before) this.duplicates++;
    return true;
  }

  /** The catalog of the records added so far, indexed both ways. */
  finish(): RegionCatalog {
    const { regionCode, version, matters, byCode, byLocalCode } = this;
    return { regionCode, version, matters, byCode, byLocalCode };
  }
}

function where(r: LocalMatter): string {
  return typeof r.origin === "string" ? r.origin : r.origin();
}

/** Local code of a shared material in this region; the shared code if it has none. */
export function localMaterialCode(ctx: CatalogContext, sharedCode: string): string {
  return ctx.mapping.localMaterials.get(sharedCode) ?? sharedCode;
}

/** Shared code of a local material; the local code if it has none. */
export function sharedMaterialCode(ctx: CatalogContext, localCode: string): string {
  return ctx.mapping.materials.get(localCode) ?? localCode;
}
