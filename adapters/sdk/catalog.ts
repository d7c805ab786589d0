/**
 * Turns local catalog records (already read from the city's format) into a
 * shared-term {@link RegionCatalog}, using the region's code mapping.
 */
import type { HandlingMode } from "../../gateway/domain/case.js";
import { indexCatalog, type Matter, type RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext } from "../../gateway/ports/adapter.js";
import { MODE_LABELS } from "./labels.js";

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
  /** Where the record came from, for error messages (e.g. "catalog.csv line 12"). */
  readonly origin: string;
}

/** Maps local records to shared matters; records without a shared code are local-only and skipped. */
export function buildCatalog(
  regionCode: string,
  version: string,
  records: readonly LocalMatter[],
  ctx: CatalogContext,
): RegionCatalog {
  const matters: Matter[] = [];
  for (const r of records) {
    const code = ctx.mapping.matters.get(r.localCode);
    if (code === undefined) continue;
    const shared = ctx.shared.matters.get(code);
    if (!shared) throw new Error(`${r.origin}: ${r.localCode} maps to unknown shared matter ${code}`);
    if (r.promisedDays > shared.promisedDays) {
      throw new Error(
        `${r.origin}: promises ${r.promisedDays} working days for ${code}, more than the federation's ${shared.promisedDays}`,
      );
    }
    const modes = r.modeLabels.map((label) => {
      const mode = MODE_LABELS[label];
      if (!mode) throw new Error(`${r.origin}: unknown 办理方式 "${label}"`);
      return mode;
    });
    const required = new Map(shared.materials.map((m) => [m.code, m.required]));
    matters.push({
      code,
      name: shared.name,
      regionCode,
      localCode: r.localCode,
      localName: r.name,
      department: r.department,
      promisedDays: r.promisedDays,
      // A region offers only the modes both it and the shared catalog allow.
      modes: modes.filter((m): m is HandlingMode => shared.modes.includes(m)),
      materials: r.materials.map((m) => {
        const materialCode = ctx.mapping.materials.get(m.localCode);
        if (!materialCode)
          throw new Error(`${r.origin}: material ${m.localCode} (${m.name}) has no shared code`);
        return {
          materialCode,
          name: ctx.shared.materials.get(materialCode) ?? m.name,
          required: required.get(materialCode) ?? m.required,
        };
      }),
      category: shared.category,
      catalogVersion: version,
      applicant: shared.applicant,
    });
  }
  return indexCatalog(regionCode, version, matters);
}

/** Local code of a shared material in this region; the shared code if it has none. */
export function localMaterialCode(ctx: CatalogContext, sharedCode: string): string {
  return ctx.mapping.localMaterials.get(sharedCode) ?? sharedCode;
}

/** Shared code of a local material; the local code if it has none. */
export function sharedMaterialCode(ctx: CatalogContext, localCode: string): string {
  return ctx.mapping.materials.get(localCode) ?? localCode;
}
