/**
 * 受理通知书 / 不予受理通知书: what the handling region decided on 受理, printable
 * at either party's window once the decision is in the case's timeline.
 */
import { api } from "./api.js";
import { byId, fill, h } from "./dom.js";
import { regionLabel } from "./labels.js";
import type { CaseJson, EventJson } from "./types.js";

/** The 受理 decision of a case, from its timeline, if the handling region has made it. */
export function acceptanceOf(events: readonly EventJson[]): EventJson | undefined {
  return events.find((e) => e.type === "CaseAccepted" || e.type === "CaseRejected");
}

function applicantName(c: CaseJson): string {
  return "person" in c.applicant ? c.applicant.person.name : c.applicant.organization.name;
}

const DAY = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "long",
  day: "numeric",
});

/** The day of an instant in China Standard Time, as a notice writes it: 2026年12月8日. */
function chineseDay(iso: string): string {
  return DAY.format(new Date(iso));
}

/** Shows the notice of case `caseId`; false when the handling region has not decided on 受理 yet. */
export async function showNotice(caseId: string): Promise<boolean> {
  const path = `/cases/${encodeURIComponent(caseId)}`;
  const [c, { events }] = await Promise.all([
    api<CaseJson>("GET", path),
    api<{ events: EventJson[] }>("GET", `${path}/events`),
  ]);
  const decision = acceptanceOf(events);
  byId<HTMLAnchorElement>("notice-back").href = `#/cases/${encodeURIComponent(caseId)}`;
  if (!decision) return false;
  const accepted = decision.type === "CaseAccepted";
  const handler = regionLabel(c.handlingRegion);
  const submitted = `你（单位）于 ${chineseDay(c.submittedAt)} 在${regionLabel(c.intakeRegion)}跨域通办窗口提交的“${c.matterName}”（${c.matterCode}）申请`;
  byId("notice-title").textContent = accepted ? "受理通知书" : "不予受理通知书";
  byId("notice-no").textContent = `回执编号 ${c.receiptNo}`;
  const payload = (decision.caseAccepted ?? decision.caseRejected ?? {}) as {
    deadline?: string;
    reason?: string;
  };
  fill(
    byId("notice-body"),
    h("p", { class: "addressee" }, `${applicantName(c)}：`),
    accepted
      ? h(
          "p",
          {},
          `${submitted}，经审查，申请材料齐全、符合法定形式，本机关决定予以受理。`,
          `承诺办理时限为 ${c.promisedDays} 个工作日，自受理之日起计算，办结期限为 `,
          h("strong", { id: "notice-deadline" }, payload.deadline ?? c.deadline),
          "。办理进度可凭回执编号在收件地或办理地的跨域通办窗口查询。",
        )
      : h(
          "p",
          {},
          `${submitted}，经审查，本机关决定不予受理。理由：`,
          h("strong", { id: "notice-reason" }, payload.reason ?? ""),
          "。如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
        ),
    h("p", { class: "signature" }, `办理地：${handler}`, h("br"), chineseDay(decision.occurredAt)),
  );
  return true;
}
