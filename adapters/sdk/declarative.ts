/**
 * The adapter of a declarative region: `adapters/<code>/catalog.yaml` (or the
 * same as `catalog.json`) in the format below, plus
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
import type { RegionAdapter } from "../../gateway/ports/adapter.js";
import { caseFromLocalJson, caseToLocalJson } from "./case-json.js";
import { buildCatalog, type LocalMatter } from "./catalog.js";
import { decodeUtf8 } from "./encoding.js";
import { AdapterError, type AdapterProblem, parseJson } from "./errors.js";
import { MODE_LABELS } from "./labels.js";
import { parseYamlWithLines, validate, type YamlWithLines } from "./yaml-lines.js";

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
      const text = decodeUtf8(raw, catalogFile);
      // YAML with the line of each value, or JSON (records then named by index).
      const json = catalogFile.endsWith(".json");
      const { data, lineOf }: Partial<YamlWithLines> = json
        ? { data: parseJson(text, catalogFile) }
        : parseYamlWithLines(text, catalogFile);
      const recordAt = (i: number) =>
        lineOf ? `${catalogFile} line ${lineOf(["matters", i])}` : `${catalogFile} matters[${i}]`;
      const doc = validate(declarativeCatalogSchema, data, catalogFile, lineOf, hint);
      if (doc.region !== regionCode)
        throw AdapterError.at(
          "REGION_MISMATCH",
          lineOf ? `${catalogFile} line ${lineOf(["region"])}` : catalogFile,
          `region: is ${doc.region}, but this is ${regionCode}'s adapter directory`,
        );
      const firstAt = new Map<string, string>();
      const duplicates: AdapterProblem[] = [];
      const records: LocalMatter[] = doc.matters.map((m, i) => {
        const origin = recordAt(i);
        const first = firstAt.get(m.localCode);
        if (first === undefined) firstAt.set(m.localCode, origin);
        else
          duplicates.push({
            where: origin,
            message: `localCode ${m.localCode} is listed twice (first at ${first}); give each matter its own code`,
          });
        return { ...m, modeLabels: m.modes, origin };
      });
      if (duplicates.length > 0) throw new AdapterError("DUPLICATE_CODE", duplicates);
      return buildCatalog(regionCode, doc.version, records, ctx);
    },
    caseToLocal: caseToLocalJson,
    caseFromLocal: caseFromLocalJson,
  };
}
