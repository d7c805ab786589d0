/**
 * The adapter of a declarative region: `adapters/<code>/catalog.yaml` (or
 * `catalog.json` for large generated exports) in the format below, plus
 * mapping.yaml, and no code. Used whenever `adapters/<code>/adapter.ts` is absent.
 *
 * ```yaml
 * version: "2026.11-1"          # the city's catalog version (清单版本)
 * region: "430181"
 * matters:
 *   - localCode: LY-RS-0012      # 事项编码 as the city writes it
 *     name: 基本养老保险关系转移接续
 *     department: 浏阳市人力资源和社会保障局
 *     promisedDays: 10           # 承诺时限, working days
 *     modes: [全程网办, 异地代收代办]
 *     materials:
 *       - { localCode: LYCL-001, name: 居民身份证, required: true }
 * ```
 */
import { z } from "zod";
import type { RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext, RegionAdapter } from "../../gateway/ports/adapter.js";
import { caseFromLocalJson, caseToLocalJson } from "./case-json.js";
import { CatalogBuilder, type LocalMatter, MatterCursor } from "./catalog.js";
import { ColumnarCatalogBuilder } from "./columnar-catalog.js";
import {
  type CompactSource,
  compactHead,
  compactSource,
  isText,
  scanCompactMatters,
} from "./compact-json.js";
import { decodeUtf8 } from "./encoding.js";
import { MODE_LABELS } from "./labels.js";
import { type FileProblem, FileProblems } from "./problems.js";
import { parseYamlWithLines, validate } from "./yaml-lines.js";

const text = z.string().trim().min(1, "is empty");

/** The declarative catalog file. */
export const declarativeCatalogSchema = z.strictObject({
  version: text,
  region: z.string().regex(/^\d{6}$/, "must be the six-digit region code"),
  matters: z.array(
    z.strictObject({
      localCode: text,
      name: text,
      department: text,
      promisedDays: z.number().int().min(1, "must be at least 1 working day"),
      modes: z
        .array(
          z.enum(
            Object.keys(MODE_LABELS) as [string, ...string[]],
            "must be 全程网办, 异地代收代办 or 多地联办",
          ),
        )
        .min(1, "needs at least one mode"),
      materials: z.array(z.strictObject({ localCode: text, name: text, required: z.boolean() })),
    }),
  ),
});

type DeclarativeCatalog = z.output<typeof declarativeCatalogSchema>;
type DeclarativeMatter = DeclarativeCatalog["matters"][number];

const MODE_LABEL_SET: ReadonlySet<string> = new Set(Object.keys(MODE_LABELS));

/** A plain object (not an array) with exactly `keys` enumerable keys. */
function isRecord(x: unknown, keys: number): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  let n = 0;
  for (const _ in x) n++;
  return n === keys;
}

/**
 * Whether `m` passes the schema as a catalog entry and comes out of it
 * unchanged (no string to trim). Must never accept what the schema rejects.
 */
function isCanonicalMatter(m: unknown): m is DeclarativeMatter {
  if (!isRecord(m, 6) || !isText(m.localCode) || !isText(m.name) || !isText(m.department)) return false;
  const days = m.promisedDays;
  if (typeof days !== "number" || !Number.isSafeInteger(days) || days < 1) return false;
  const modes = m.modes;
  if (!Array.isArray(modes) || modes.length === 0) return false;
  for (let j = 0; j < modes.length; j++) if (!MODE_LABEL_SET.has(modes[j])) return false;
  const materials = m.materials;
  if (!Array.isArray(materials)) return false;
  for (let j = 0; j < materials.length; j++) {
    const x: unknown = materials[j];
    if (!isRecord(x, 3) || !isText(x.localCode) || !isText(x.name) || typeof x.required !== "boolean")
      return false;
  }
  return true;
}

/** A declarative catalog's entry as {@link CatalogBuilder} reads it. */
class Cursor extends MatterCursor {
  moveTo(m: DeclarativeMatter, index: number): this {
    this.localCode = m.localCode;
    this.name = m.name;
    this.department = m.department;
    this.promisedDays = m.promisedDays;
    this.modeLabels = m.modes;
    this.materials = m.materials;
    this.index = index;
    return this;
  }
}

/**
 * Adds matters to `builder` while all is well: none listed twice, each one
 * maps (or is local-only). False at the first thing amiss, which the schema
 * path then reports.
 */
function addingTo<M extends LocalMatter>(builder: {
  add(m: M): boolean;
  readonly repeated: number;
}): (m: M) => boolean {
  // Local codes with no shared one; the builder counts repeats of the others.
  const localOnly = new Set<string>();
  return (m) => {
    try {
      if (builder.add(m)) return builder.repeated === 0;
    } catch {
      return false;
    }
    const before = localOnly.size;
    localOnly.add(m.localCode);
    return localOnly.size > before;
  };
}

/**
 * The catalog, checked and built in one pass over `data`, when all is well:
 * `data` is for `regionCode`, in the form the schema gives back unchanged
 * (every string trimmed), lists no local code twice and maps. A catalog.json
 * export of 10,000 matters goes this way in a few milliseconds, where the zod
 * schema alone takes some 30. Undefined at the first thing amiss, for the
 * schema path to check again from the start and report every problem.
 */
function buildCanonical(
  data: unknown,
  regionCode: string,
  ctx: CatalogContext,
  at: (i: number) => string,
): RegionCatalog | undefined {
  if (!isRecord(data, 3) || !isText(data.version)) return undefined;
  if (typeof data.region !== "string" || !/^\d{6}$/.test(data.region) || data.region !== regionCode)
    return undefined;
  const matters = data.matters;
  if (!Array.isArray(matters)) return undefined;
  const builder = new CatalogBuilder(regionCode, data.version, ctx);
  const add = addingTo(builder);
  const cursor = new Cursor(at);
  for (let i = 0; i < matters.length; i++) {
    const m: unknown = matters[i];
    if (!isCanonicalMatter(m) || !add(cursor.moveTo(m, i))) return undefined;
  }
  return builder.finish();
}

/**
 * {@link buildCanonical} straight from the bytes of a compact catalog.json
 * (see compact-json.ts), into a catalog kept as columns over those bytes.
 */
function buildCompact(
  source: CompactSource,
  regionCode: string,
  ctx: CatalogContext,
  at: (i: number) => string,
): RegionCatalog | undefined {
  const head = compactHead(source);
  if (head?.region !== regionCode) return undefined;
  const builder = new ColumnarCatalogBuilder(regionCode, head.version, ctx, source.bytes);
  return scanCompactMatters(source, head, at, addingTo(builder)) ? builder.finish() : undefined;
}

function duplicate(localCode: string, where: string, first: string): FileProblem {
  return {
    where,
    message: `localCode ${localCode} is listed twice (first at ${first}); give each matter its own code`,
  };
}

/** What to do about a problem at `path` of a declarative catalog. */
function hint(path: readonly PropertyKey[]): string {
  const field = String(path[path.length - 1] ?? "");
  const hints: Record<string, string> = {
    localCode: "give the city's own code (事项编码 / 材料编码)",
    name: "give the name as the city lists it (事项名称 / 材料名称)",
    department: "give the department that decides the matter (实施部门)",
    promisedDays: "give the promised time limit in working days (承诺时限)",
    modes: "list the 办理方式 the city offers",
    required: "say true or false (是否必要)",
    version: "give the catalog's version (清单版本) and change it with every edit",
  };
  return hints[field] ?? "";
}

/** Catalog file names a declarative region may use, in order of preference. */
export const DECLARATIVE_CATALOG_FILES = ["catalog.yaml", "catalog.json"] as const;

/** A declarative adapter for `regionCode` reading `catalogFile` (catalog.yaml or catalog.json). */
export function declarativeAdapter(regionCode: string, catalogFile = "catalog.yaml"): RegionAdapter {
  return {
    regionCode,
    catalogFile,
    parseCatalog(raw, ctx) {
      const json = catalogFile.endsWith(".json");
      const inJson = (i: number) => `${catalogFile} matters[${i}]`;
      const bytes = json ? compactSource(raw) : undefined;
      const compact = bytes && buildCompact(bytes, regionCode, ctx, inJson);
      if (compact) return compact;
      const source = decodeUtf8(raw, catalogFile);
      const yaml = json ? undefined : parseYamlWithLines(source, catalogFile);
      const data = yaml ? yaml.data : JSON.parse(source);
      const at = (i: number) => (yaml ? `${catalogFile} line ${yaml.lineOf(["matters", i])}` : inJson(i));
      const canonical = buildCanonical(data, regionCode, ctx, at);
      if (canonical) return canonical;
      const doc = validate(declarativeCatalogSchema, data, catalogFile, yaml?.lineOf, hint);
      if (doc.region !== regionCode) {
        throw new FileProblems([
          {
            where: yaml ? `${catalogFile} line ${yaml.lineOf(["region"])}` : catalogFile,
            message: `region: is ${doc.region}, but this is ${regionCode}'s adapter directory`,
          },
        ]);
      }
      const firstAt = new Map<string, number>();
      const duplicates = [];
      for (const [i, m] of doc.matters.entries()) {
        const earlier = firstAt.get(m.localCode);
        if (earlier === undefined) firstAt.set(m.localCode, i);
        else duplicates.push(duplicate(m.localCode, at(i), at(earlier)));
      }
      if (duplicates.length > 0) throw new FileProblems(duplicates);
      const builder = new CatalogBuilder(regionCode, doc.version, ctx);
      const cursor = new Cursor(at);
      for (const [i, m] of doc.matters.entries()) builder.add(cursor.moveTo(m, i));
      return builder.finish();
    },
    caseToLocal: caseToLocalJson,
    caseFromLocal: caseFromLocalJson,
  };
}
