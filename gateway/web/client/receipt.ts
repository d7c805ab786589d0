/**
 * 收件回执: the printable receipt of a case taken in at this window. Only 收件
 * has happened: the handling region decides on 受理 later (then the notice,
 * notice.ts), and the promised working days count from that day.
 */
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

/**
 * Shows the receipt of case `caseId`, read anew unless just `known` (so a reload or a bookmarked receipt
 * works too); `clerk` is who took it in, when this page did.
 */
export async function showReceipt(caseId: string, known?: CaseJson, clerk?: string): Promise<void> {
  const c = known ?? (await api<CaseJson>("GET", `/cases/${encodeURIComponent(caseId)}`));
  const d = c.delivery;
  const delivery =
    d.method === "MAIL"
      ? `${DELIVERY_LABELS.MAIL}：${d.recipient}，${d.address}（${d.postalCode}）`
      : DELIVERY_LABELS[d.method];
  fill(
    byId("receipt-summary"),
    ...term("回执编号", h("strong", { id: "receipt-no" }, c.receiptNo)),
    ...term("案件号", h("code", {}, c.caseId)),
    ...term("收件窗口", h("span", { id: "receipt-window" }, `${regionLabel(c.intakeRegion)}跨域通办窗口`)),
    ...term("收件人员", h("span", { id: "receipt-clerk" }, clerk ?? "（见办件时间线）")),
    ...term("收件时间", cstTime(c.submittedAt)),
    ...term("事项", `${c.matterName}（${c.matterCode}）`),
    ...term("办理地", regionLabel(c.handlingRegion)),
    ...applicantLines(c),
    ...term("收件时间", cstTime(c.submittedAt)),
    ...term(
      "承诺时限",
      h("strong", { id: "receipt-days" }, `${c.promisedDays} 个工作日`),
      "，自办理地受理之日起计算",
    ),
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
