/** 受理回执: the printable receipt of a case taken in at this window. */
import { api } from "./api.js";
import { byId, fill, h, term } from "./dom.js";
import { cstTime, DELIVERY_LABELS, masked, regionLabel, sizeLabel } from "./labels.js";
import type { CaseJson } from "./types.js";

function applicantLines(c: CaseJson): HTMLElement[] {
  if ("person" in c.applicant) {
    const p = c.applicant.person;
    return [
      ...term("申请人", p.name),
      ...term("居民身份证号码", masked(p.idNumber)),
      ...term("联系电话", masked(p.mobile)),
    ];
  }
  const o = c.applicant.organization;
  return [
    ...term("申请单位", o.name),
    ...term("统一社会信用代码", o.creditCode),
    ...term("法定代表人", o.legalRepresentative),
  ];
}

/** Shows the receipt of case `caseId`, read anew unless just `known` (so a reload or a bookmarked receipt works too). */
export async function showReceipt(caseId: string, known?: CaseJson): Promise<void> {
  const c = known ?? (await api<CaseJson>("GET", `/cases/${encodeURIComponent(caseId)}`));
  const d = c.delivery;
  const delivery =
    d.method === "MAIL"
      ? `${DELIVERY_LABELS.MAIL}：${d.recipient}，${d.address}（${d.postalCode}）`
      : DELIVERY_LABELS[d.method];
  fill(
    byId("receipt-summary"),
    ...term("受理编号", h("strong", { id: "receipt-no" }, c.receiptNo)),
    ...term("案件号", h("code", {}, c.caseId)),
    ...term("事项", `${c.matterName}（${c.matterCode}）`),
    ...term("收件地", regionLabel(c.intakeRegion)),
    ...term("办理地", regionLabel(c.handlingRegion)),
    ...applicantLines(c),
    ...term("收件时间", cstTime(c.submittedAt)),
    ...term("承诺时限", `${c.promisedDays} 个工作日`),
    ...term("办结期限", h("strong", { id: "receipt-deadline" }, c.deadline || "受理后计算")),
    ...term("送达方式", delivery),
  );
  byId("receipt-count").textContent = String(c.materials.length);
  fill(
    byId("receipt-materials"),
    ...c.materials.map((m) =>
      h(
        "tr",
        {},
        h("td", {}, `${m.name}（${m.materialCode}）`),
        h("td", {}, h("code", {}, m.sha256)),
        h("td", {}, sizeLabel(Number(m.sizeBytes))),
      ),
    ),
  );
  byId<HTMLAnchorElement>("receipt-progress").href = `#/cases/${encodeURIComponent(c.caseId)}`;
}
