/**
 * Sample cases the conformance kit sends through an adapter: realistic
 * values, every field set in some sample, and the text that breaks careless
 * adapters (quotes, ampersands and angle brackets, a name character outside
 * GBK, an empty optional field).
 */
import type { CaseState, HandlingMode } from "../../domain/case.js";
import { creditCodeCheckChar, residentIdCheckChar } from "../../domain/ids.js";
import type { SharedMatter } from "../../ports/adapter.js";

/** A sample and what it is, for the report. */
export interface Sample {
  readonly label: string;
  readonly state: CaseState;
}

const ID = (first17: string) => first17 + residentIdCheckChar(first17);
const CREDIT = (first17: string) => first17 + creditCodeCheckChar(first17);
const SHA = (n: number) => n.toString(16).padStart(2, "0").repeat(32);

/** Four cases of `matter` from `intake` to `handling`: submitted, decided, in 补正, mailed. */
export function samplesFor(
  matter: SharedMatter,
  materialName: (code: string) => string,
  intake: string,
  handling: string,
  modes: readonly HandlingMode[],
  catalogVersion: string,
): Sample[] {
  // A person, or (for a matter of organizations) a company with the person as its legal representative.
  const applicant = (person: string, company: string): CaseState["applicant"] =>
    matter.applicant === "ORGANIZATION"
      ? {
          organization: {
            name: company,
            creditCode: CREDIT("91430100MA4Q8B7X2"),
            legalRepresentative: person,
          },
        }
      : { person: { name: person, idNumber: ID("43010419860412231"), mobile: "13807311234" } };
  const materials = matter.materials.map((m, i) => ({
    materialCode: m.code,
    name: materialName(m.code),
    sha256: SHA(i + 1),
    sizeBytes: 204_800 + i,
    mediaType: i % 2 === 0 ? "application/pdf" : "image/jpeg",
  }));
  const base: CaseState = {
    caseId: "01JD0CONFORMANCE0000000000",
    receiptNo: `${intake}20261102000001`,
    mode: modes[0] ?? "REMOTE_INTAKE",
    matterCode: matter.code,
    matterName: matter.name,
    intakeRegion: intake,
    handlingRegion: handling,
    collaboratingRegions: [],
    applicant: applicant("李秀英", "湖南湘江新区智能制造有限公司"),
    materials,
    delivery: {
      method: "MAIL",
      recipient: "李秀英",
      mobile: "13807311234",
      address: "湖南省长沙市岳麓区麓山南路932号",
      postalCode: "410012",
      courier: "",
      waybillNo: "",
    },
    status: "SUBMITTED",
    submittedAt: "2026-11-02T01:30:00.000Z",
    updatedAt: "2026-11-02T01:30:00.000Z",
    promisedDays: matter.promisedDays,
    deadline: "2026-11-23",
    catalogVersion,
    subtasks: [],
    reason: "",
    requestedMaterialCodes: [],
    version: 1,
  };
  const first = materials[0]?.materialCode;
  const multi = modes.includes("MULTI_REGION");
  return [
    { label: `${matter.code} submitted`, state: base },
    {
      label: `${matter.code} decided (approved, rare name character)`,
      state: {
        ...base,
        applicant: applicant("吉𠮷", "吉𠮷（长沙）商贸有限公司"),
        status: "DECIDED",
        approved: true,
        reason: `准予办理。请携带"原件" & <复印件>核验`,
        requestedMaterialCodes: first ? [first] : [],
        updatedAt: "2026-11-12T07:45:10.000Z",
        version: 5,
      },
    },
    {
      label: `${matter.code} supplement requested${multi ? " (多地联办, with a subtask)" : ""}`,
      state: {
        ...base,
        mode: multi ? "MULTI_REGION" : base.mode,
        collaboratingRegions: multi ? ["430100"].filter((r) => r !== handling && r !== intake) : [],
        delivery: { ...base.delivery, method: "WINDOW_PICKUP", address: "", postalCode: "" },
        status: "SUPPLEMENT_REQUESTED",
        subtasks: multi
          ? [
              {
                subtaskId: "ST-00000001",
                region: handling,
                description: "核查原登记信息",
                completed: true,
                note: "已核查，无异常",
              },
            ]
          : [],
        reason: "缺少材料",
        requestedMaterialCodes: materials.map((m) => m.materialCode),
        version: 3,
      },
    },
    {
      label: `${matter.code} denied and mailed`,
      state: {
        ...base,
        status: "RESULT_MAILED",
        approved: false,
        reason: "参保记录不符",
        delivery: { ...base.delivery, courier: "中国邮政EMS", waybillNo: "1151234567890" },
        version: 7,
      },
    },
  ];
}

/** Paths where `sent` and `got` differ, with both values (the first five). */
export function differences(sent: unknown, got: unknown): Array<[string, unknown, unknown]> {
  const out: Array<[string, unknown, unknown]> = [];
  const walk = (a: unknown, b: unknown, p: string) => {
    if (out.length >= 5 || Object.is(a, b)) return;
    if (a && b && typeof a === "object" && typeof b === "object") {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], p ? `${p}.${k}` : k);
    } else out.push([p || "(whole case)", a, b]);
  };
  walk(sent, got, "");
  return out;
}
