/** 受理回执: the printable receipt of a case taken in at this window. */
import { api } from "./api.js";
import { byId, fill, h } from "./dom.js";
import { cstTime, DELIVERY_LABELS, masked, regionLabel, sizeLabel } from "./labels.js";
import type { CaseJson } from "./types.js";

function row(term: string, ...value: Array<Node | string>): HTMLElement[] {
  return [h("dt", {}, term), h("dd", {}, ...value)];
}

function applicantLines(c: CaseJson): HTMLElement[] {
  if ("person" in c.applicant) {
    const p = c.applicant.person;
    return [
      ...row("申请人", p.name),
      ...row("居民身份证号码", masked(p.idNumber)),
      ...row("联系电话", masked(p.mobile)),
    ];
  }
  const o = c.applicant.organization;
  return [
    ...row("申请单位", o.name),
    ...row("统一社会信用代码", o.creditCode),
    ...row("法定代表人", o.legalRepresentative),
  ];
}

/** Renders the receipt of `c` into the receipt view. */
export function renderReceipt(c: CaseJson): void {
  const d = c.delivery;
  const delivery =
    d.method === "MAIL"
      ? `${DELIVERY_LABELS.MAIL}：${d.recipient}，${d.address}（${d.postalCode}）`
      : DELIVERY_LABELS[d.method];
  const materials = h(
    "table",
    { class: "receipt-materials" },
    h("caption", {}, `收到材料 ${c.materials.length} 份`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "材料"),
        h("th", { scope: "col" }, "sha256 摘要"),
        h("th", { scope: "col" }, "大小"),
      ),
    ),
    h(
      "tbody",
      {},
      ...c.materials.map((m) =>
        h(
          "tr",
          {},
          h("td", {}, `${m.name}（${m.materialCode}）`),
          h("td", {}, h("code", {}, m.sha256)),
          h("td", {}, sizeLabel(Number(m.sizeBytes))),
        ),
      ),
    ),
  );
  fill(
    byId("receipt-body"),
    h(
      "dl",
      { class: "summary" },
      ...row("受理编号", h("strong", { id: "receipt-no" }, c.receiptNo)),
      ...row("案件号", h("code", {}, c.caseId)),
      ...row("事项", `${c.matterName}（${c.matterCode}）`),
      ...row("收件地", regionLabel(c.intakeRegion)),
      ...row("办理地", regionLabel(c.handlingRegion)),
      ...applicantLines(c),
      ...row("收件时间", cstTime(c.submittedAt)),
      ...row("承诺时限", `${c.promisedDays} 个工作日`),
      ...row("办结期限", h("strong", { id: "receipt-deadline" }, c.deadline)),
      ...row("送达方式", delivery),
    ),
    materials,
    h(
      "p",
      { class: "note" },
      "本回执为异地代收凭证。申请已转交办理地依法办理，办理进度可凭受理编号在任一跨域通办窗口查询。",
    ),
  );
  byId<HTMLAnchorElement>("receipt-progress").href = `#/cases/${encodeURIComponent(c.caseId)}`;
}

/** Loads case `caseId` and shows its receipt (so a reload or a bookmarked receipt works too). */
export async function showReceipt(caseId: string, known?: CaseJson): Promise<void> {
  renderReceipt(known ?? (await api<CaseJson>("GET", `/cases/${encodeURIComponent(caseId)}`)));
}

/** Wires the print button once. */
export function setUpReceipt(): void {
  byId("receipt-print").addEventListener("click", () => window.print());
}
