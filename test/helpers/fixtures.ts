/** Realistic request bodies for tests. */
import { createHash } from "node:crypto";
import { creditCodeCheckChar, residentIdCheckChar } from "../../gateway/domain/ids.js";

/** A valid resident ID for a birth date, with a correct check character. */
export function residentId(prefix = "430104", birth = "19860412", seq = "231"): string {
  const first17 = `${prefix}${birth}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

/** A valid unified social credit code. */
export function creditCode(first17 = "91440101MA59TQ8K3"): string {
  return first17 + creditCodeCheckChar(first17);
}

/** A material entry with a sha256 of made-up content. */
export function material(materialCode: string, name: string): Record<string, unknown> {
  const content = `${materialCode} ${name} scan`;
  return {
    materialCode,
    name,
    sha256: createHash("sha256").update(content).digest("hex"),
    sizeBytes: String(Buffer.byteLength(content) * 1000),
    mediaType: "application/pdf",
  };
}

/** 基本养老保险关系转移接续, taken in at a 长沙 window for 广州. */
export function pensionTransfer(): Record<string, any> {
  return {
    mode: "REMOTE_INTAKE",
    matterCode: "XR-SB-001",
    intakeRegion: "430100",
    handlingRegion: "440100",
    applicant: { person: { name: "李秀英", idNumber: residentId(), mobile: "13807311234" } },
    materials: [material("CL-SFZ", "居民身份证"), material("CL-CBPZ", "参保缴费凭证")],
    delivery: {
      method: "MAIL",
      recipient: "李秀英",
      mobile: "13807311234",
      address: "湖南省长沙市岳麓区麓山南路932号",
      postalCode: "410012",
    },
  };
}
