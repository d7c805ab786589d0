/**
 * Shared fixtures of the unit tests: realistic cases (Chinese names, identity
 * numbers and credit codes made valid with the check-character functions).
 * Not a test file itself (the mocha spec only picks up *.test.ts).
 */
import { createHash, sign } from "node:crypto";
import { type Envelope, encodeEnvelope, SCHEMA_VERSION } from "../../gateway/codec/envelope.js";
import { seal } from "../../gateway/codec/sealed.js";
import type { CaseState, Material } from "../../gateway/domain/case.js";
import type { CaseEvent, EventPayload } from "../../gateway/domain/events.js";
import { creditCodeCheckChar, residentIdCheckChar } from "../../gateway/domain/ids.js";
import { devKeyId, devPrivateKey } from "../../gateway/security/ed25519.js";

/** A resident ID made valid by appending the GB 11643 check character. */
export function residentId(first17: string): string {
  return first17 + residentIdCheckChar(first17);
}

/** A credit code made valid by appending the GB 32100 check character. */
export function creditCode(first17: string): string {
  return first17 + creditCodeCheckChar(first17);
}

/** Lowercase hex sha256 of a text, as the intake region stores material files. */
export function sha256Of(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A material with a real digest of some stand-in content. */
export function material(materialCode: string, name: string, sizeBytes = 204_800): Material {
  return {
    materialCode,
    name,
    sha256: sha256Of(`${materialCode}:${name}`),
    sizeBytes,
    mediaType: "application/pdf",
  };
}

/** 长沙 resident 李建国, born 1990-03-07 (430102 = 长沙市芙蓉区). */
export const PERSON_ID = residentId("43010219900307123");

/** A 广州 company's unified social credit code (91 = 工商 企业, 440101 = 广州市). */
export const ORG_CREDIT_CODE = creditCode("91440101MA59PQ7K3");

/**
 * REMOTE_INTAKE case taken in at 长沙 (430100) and handled by 广州 (440100):
 * 基本养老保险关系转移接续, result mailed to the applicant.
 */
export function personCase(overrides: Partial<CaseState> = {}): CaseState {
  return {
    caseId: "01JCX3Z8Q4W5E6R7T8Y9U0I1OP",
    receiptNo: "43010020261102Y9U0I1",
    mode: "REMOTE_INTAKE",
    matterCode: "XR-SB-001",
    matterName: "基本养老保险关系转移接续",
    intakeRegion: "430100",
    handlingRegion: "440100",
    collaboratingRegions: [],
    applicant: { person: { name: "李建国", idNumber: PERSON_ID, mobile: "13874561234" } },
    materials: [
      material("CL-SFZ", "居民身份证", 524_288),
      material("CL-CBPZ", "基本养老保险参保缴费凭证", 1_048_576),
    ],
    delivery: {
      method: "MAIL",
      recipient: "李建国",
      mobile: "13874561234",
      address: "湖南省长沙市芙蓉区五一大道189号",
      postalCode: "410011",
      courier: "",
      waybillNo: "",
    },
    status: "SUBMITTED",
    submittedAt: "2026-11-02T01:30:00.000Z",
    updatedAt: "2026-11-02T01:30:00.000Z",
    promisedDays: 15,
    deadline: "2026-11-23",
    catalogVersion: "2026.11.1",
    subtasks: [],
    reason: "",
    requestedMaterialCodes: [],
    version: 1,
    ...overrides,
  };
}

/**
 * REMOTE_INTAKE case of a company: 营业执照变更登记, taken in at 长沙 and
 * handled by 广州, result picked up at the 长沙 window.
 */
export function organizationCase(overrides: Partial<CaseState> = {}): CaseState {
  return {
    caseId: "01JCX4A1B2C3D4E5F6G7H8J9KM",
    receiptNo: "43010020261103H8J9KM",
    mode: "REMOTE_INTAKE",
    matterCode: "XR-SC-002",
    matterName: "营业执照变更登记",
    intakeRegion: "430100",
    handlingRegion: "440100",
    collaboratingRegions: [],
    applicant: {
      organization: {
        name: "广州市天河区粤湘贸易有限公司",
        creditCode: ORG_CREDIT_CODE,
        legalRepresentative: "陈晓明",
      },
    },
    materials: [
      material("CL-YYZZ", "营业执照"),
      material("CL-SQB", "申请表"),
      material("CL-BGJY", "股东会决议或股东决定", 98_304),
    ],
    delivery: {
      method: "WINDOW_PICKUP",
      recipient: "",
      mobile: "",
      address: "",
      postalCode: "",
      courier: "",
      waybillNo: "",
    },
    status: "SUBMITTED",
    submittedAt: "2026-11-03T02:15:42.123Z",
    updatedAt: "2026-11-03T02:15:42.123Z",
    promisedDays: 3,
    deadline: "2026-11-06",
    catalogVersion: "2026.11.1",
    subtasks: [],
    reason: "",
    requestedMaterialCodes: [],
    version: 1,
    ...overrides,
  };
}

let eventCounter = 0;

/** An event of `c` raised by `sourceRegion`. */
export function event(c: Pick<CaseState, "caseId">, sourceRegion: string, payload: EventPayload): CaseEvent {
  eventCounter++;
  return {
    eventId: `01JCXEVENT${String(eventCounter).padStart(16, "0")}`,
    caseId: c.caseId,
    sourceRegion,
    sequence: eventCounter,
    occurredAt: new Date(Date.UTC(2026, 10, 2, 2, 0, eventCounter)).toISOString(),
    payload,
  };
}

/** Recursively freezes a value, so any mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** 长沙's (430100) first envelope of case `c` to 广州 (440100): its CaseSubmitted, unsigned. */
export function submittedEnvelope(
  eventId: string,
  c: CaseState,
  overrides: Partial<Envelope> = {},
): Envelope {
  return {
    eventId,
    caseId: c.caseId,
    sourceRegion: "430100",
    targetRegion: "440100",
    sequence: 1,
    occurredAt: c.submittedAt,
    schemaVersion: SCHEMA_VERSION,
    traceparent: "",
    signature: new Uint8Array(),
    keyId: devKeyId("430100"),
    payload: { type: "CaseSubmitted", case: c },
    ...overrides,
  };
}

/**
 * An envelope's bytes as its source region sends them: encoded with the
 * source's development key id and signed with that key.
 */
export function signedEnvelope(e: Envelope): Uint8Array {
  const unsigned = encodeEnvelope({ ...e, signature: new Uint8Array(), keyId: devKeyId(e.sourceRegion) });
  return seal(unsigned, sign(null, unsigned, devPrivateKey(e.sourceRegion)));
}

/** An otherwise valid envelope of a schema version this gateway does not speak (a poison record). */
export function wrongVersionEnvelope(source: string, target: string): Uint8Array {
  return encodeEnvelope({
    eventId: "01JBADVERS10N0000000000000",
    caseId: "01JBADVERS10NCASE000000000",
    sourceRegion: source,
    targetRegion: target,
    sequence: 1,
    occurredAt: new Date().toISOString(),
    schemaVersion: 2,
    traceparent: "",
    signature: new Uint8Array(),
    keyId: "",
    payload: { type: "CaseWithdrawn", reason: "申请人撤回" },
  });
}
