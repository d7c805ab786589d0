/**
 * The case record of a declarative region: UTF-8 JSON in the shared field
 * names, with the matter and material codes in the region's local codes.
 * A region without a case system of its own needs nothing more.
 */
import type { CaseState } from "../../gateway/domain/case.js";
import type { RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext } from "../../gateway/ports/adapter.js";
import { localMaterialCode, sharedMaterialCode } from "./catalog.js";
import { decodeUtf8 } from "./encoding.js";
import { parseJson } from "./errors.js";

/** A case as JSON with local codes. */
export function caseToLocalJson(c: CaseState, catalog: RegionCatalog, ctx: CatalogContext): Uint8Array {
  const record = {
    ...c,
    matterCode: catalog.byCode.get(c.matterCode)?.localCode ?? c.matterCode,
    materials: c.materials.map((m) => ({ ...m, materialCode: localMaterialCode(ctx, m.materialCode) })),
    requestedMaterialCodes: c.requestedMaterialCodes.map((code) => localMaterialCode(ctx, code)),
  };
  return new TextEncoder().encode(JSON.stringify(record));
}

/** The inverse of {@link caseToLocalJson}. */
export function caseFromLocalJson(raw: Uint8Array, catalog: RegionCatalog, ctx: CatalogContext): CaseState {
  const r = parseJson(decodeUtf8(raw, "case record"), "case record", "CASE_FORMAT") as CaseState;
  return {
    ...r,
    matterCode: catalog.byLocalCode.get(r.matterCode)?.code ?? r.matterCode,
    materials: r.materials.map((m) => ({ ...m, materialCode: sharedMaterialCode(ctx, m.materialCode) })),
    requestedMaterialCodes: r.requestedMaterialCodes.map((code) => sharedMaterialCode(ctx, code)),
  };
}
