/**
 * Turns local catalog records (already read from the city's format) into a
 * shared-term {@link RegionCatalog}, using the region's code mapping.
 */
import type { HandlingMode } from "../../gateway/domain/case.js";
import type { Matter, MatterMaterial, RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext, SharedMatter } from "../../gateway/ports/adapter.js";
import { AdapterError } from "./errors.js";
import { MODE_LABELS } from "./labels.js";

/** Modes in their canonical order (a matter lists its modes in this order). */
const MODE_ORDER: readonly HandlingMode[] = ["FULL_ONLINE", "REMOTE_INTAKE", "MULTI_REGION"];

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

/**
 * Maps local records to shared matters; records without a shared code are
 * local-only and skipped. Throws an {@link AdapterError} naming the record's
 * origin at the first record that cannot be mapped. A local code listed twice
 * gives two matters (the later one is found by local code): the conformance
 * kit reports it.
 */
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
    if (!shared)
      throw AdapterError.at(
        "UNKNOWN_SHARED_MATTER",
        r.origin,
        `${r.localCode} maps to unknown shared matter ${code}`,
      );
    if (r.promisedDays > shared.promisedDays)
      throw AdapterError.at(
        "PROMISE_EXCEEDS_FEDERATION",
        r.origin,
        `promises ${r.promisedDays} working days for ${code}, more than the federation's ${shared.promisedDays}`,
      );
    matters.push({
      code,
      name: shared.name,
      regionCode,
      localCode: r.localCode,
      localName: r.name,
      department: r.department,
      promisedDays: r.promisedDays,
      modes: offeredModes(r, shared),
      materials: r.materials.map((m): MatterMaterial => {
        const materialCode = ctx.mapping.materials.get(m.localCode);
        if (!materialCode)
          throw AdapterError.at(
            "UNMAPPED_MATERIAL",
            r.origin,
            `material ${m.localCode} (${m.name}) has no shared code`,
          );
        // The shared name, and the shared required flag when the shared matter lists the material.
        const required = shared.materials.find((x) => x.code === materialCode)?.required ?? m.required;
        return { materialCode, name: ctx.shared.materials.get(materialCode) ?? m.name, required };
      }),
      category: shared.category,
      catalogVersion: version,
      applicant: shared.applicant,
    });
  }
  return {
    regionCode,
    version,
    matters,
    byCode: new Map(matters.map((m) => [m.code, m])),
    byLocalCode: new Map(matters.map((m) => [m.localCode, m])),
  };
}

/** The modes both the record's 办理方式 labels and the shared catalog allow, in canonical order. */
function offeredModes(r: LocalMatter, shared: SharedMatter): HandlingMode[] {
  const labelled = new Set<HandlingMode>();
  for (const label of r.modeLabels) {
    const mode = MODE_LABELS[label];
    if (!mode) throw AdapterError.at("SCHEMA", r.origin, `unknown 办理方式 "${label}"`);
    labelled.add(mode);
  }
  return MODE_ORDER.filter((mode) => labelled.has(mode) && shared.modes.includes(mode));
}

/** `value`, or a SCHEMA error at `where` when it is missing or empty. */
export function need<T>(value: T | undefined | null, where: string): T {
  if (value === undefined || value === null || value === "")
    throw AdapterError.at("SCHEMA", where, "is missing");
  return value;
}

/** `value` as a promised time limit (承诺时限): a positive whole number of working days. */
export function workingDays(value: unknown, where: string): number {
  if (!Number.isInteger(value) || (value as number) <= 0)
    throw AdapterError.at(
      "SCHEMA",
      where,
      `must be a positive whole number of working days, not ${JSON.stringify(value)}`,
    );
  return value as number;
}

/** Local code of a shared material in this region; the shared code if it has none. */
export function localMaterialCode(ctx: CatalogContext, sharedCode: string): string {
  return ctx.mapping.localMaterials.get(sharedCode) ?? sharedCode;
}

/** Shared code of a local material; the local code if it has none. */
export function sharedMaterialCode(ctx: CatalogContext, localCode: string): string {
  return ctx.mapping.materials.get(localCode) ?? localCode;
}
