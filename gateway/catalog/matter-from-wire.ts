/**
 * A partner's matter as `xr.v1.Matter` arrives over gRPC (proto-loader
 * objects: proto3 JSON names, unset fields absent) back in domain terms.
 */
import type { HandlingMode } from "../domain/case.js";
import type { ApplicantKind, Matter } from "../domain/matter.js";

type Wire = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" ? v : "");

/**
 * The domain Matter of `w`. The wire form has no applicant kind, so it is
 * taken from the shared catalog through `applicantOf`.
 */
export function matterFromWire(w: Wire, applicantOf: (code: string) => ApplicantKind): Matter {
  const code = str(w.code);
  return {
    code,
    name: str(w.name),
    regionCode: str(w.regionCode),
    localCode: str(w.localCode),
    localName: str(w.localName),
    department: str(w.department),
    promisedDays: Number(w.promisedDays ?? 0),
    modes: ((w.modes as string[] | undefined) ?? []) as HandlingMode[],
    materials: ((w.materials as Wire[] | undefined) ?? []).map((m) => ({
      materialCode: str(m.materialCode),
      name: str(m.name),
      required: m.required === true,
    })),
    category: str(w.category),
    catalogVersion: str(w.catalogVersion),
    applicant: applicantOf(code),
  };
}
