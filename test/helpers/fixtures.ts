/** Realistic request bodies for tests. */
import { createHash } from "node:crypto";
import { creditCodeCheckChar, residentIdCheckChar } from "../../gateway/domain/ids.js";
import { authFor } from "./staff.js";

/** A valid resident ID for a birth date, with a correct check character. */
export function residentId(prefix = "430104", birth = "19860412", seq = "231"): string {
  const first17 = `${prefix}${birth}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

/** A valid unified social credit code. */
export function creditCode(first17 = "91440101MA59TQ8K3"): string {
  return first17 + creditCodeCheckChar(first17);
}

/** The bytes of every fixture material made so far, by sha256 (see {@link uploadFixtureMaterials}). */
export const FIXTURE_FILES = new Map<string, Buffer>();

/** A material entry for a stand-in scan; its bytes are kept for upload. */
export function material(materialCode: string, name: string): Record<string, unknown> {
  const content = Buffer.from(`%PDF-1.4 stand-in scan of ${materialCode} ${name}\n`);
  const sha256 = createHash("sha256").update(content).digest("hex");
  FIXTURE_FILES.set(sha256, content);
  return { materialCode, name, sha256, sizeBytes: String(content.byteLength), mediaType: "application/pdf" };
}

/** `api|sha256` of the fixture files uploaded by this process (bursts would otherwise triple their requests). */
const uploaded = new Set<string>();

/**
 * Uploads the fixture files a request body names to the region at `api`
 * (`…/api/v1`), as a window does before it submits: the gateway refuses a
 * case whose materials it does not hold. Materials not made by
 * {@link material} are left alone, so a test can still send unknown ones.
 * Each file goes once per `api` unless `again`; returns how many were sent.
 */
export async function uploadFixtureMaterials(api: string, body: unknown, again = false): Promise<number> {
  const materials = (body as { materials?: Array<{ sha256?: string }> } | undefined)?.materials ?? [];
  let sent = 0;
  for (const m of materials) {
    const bytes = m.sha256 ? FIXTURE_FILES.get(m.sha256) : undefined;
    if (!bytes || (!again && uploaded.has(`${api}|${m.sha256}`))) continue;
    const res = await fetch(`${api}/materials`, {
      method: "POST",
      headers: { "content-type": "application/pdf", ...authFor(api, "clerk") },
      body: bytes,
    });
    if (res.status !== 201) throw new Error(`fixture upload failed: ${res.status} ${await res.text()}`);
    uploaded.add(`${api}|${m.sha256}`);
    sent++;
  }
  return sent;
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
