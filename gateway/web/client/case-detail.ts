/**
 * 办件详情: who holds the case now, its deadline, the action forms for this
 * region, and the timeline of both cities' events as they happen (the
 * gateway's event stream; no reloads, no polling).
 */

import type { EventPayload, EventType } from "../../domain/events.js";
import { api } from "./api.js";
import { actionForms } from "./case-actions.js";
import { byId, fill, follow, h, term } from "./dom.js";
import {
  cstTime,
  DELIVERY_LABELS,
  EVENT_LABELS,
  holderLabel,
  masked,
  regionLabel,
  routeLabel,
  STATUS_LABELS,
} from "./labels.js";
import { showCollaboration } from "./subtasks.js";
import type { CaseJson, EventJson, MatterJson } from "./types.js";

/** The matter of `c` in its handling region's catalog, which names the materials it may ask for. */
async function matterOf(c: CaseJson): Promise<MatterJson | undefined> {
  const path = `/regions/${c.handlingRegion}/matters?q=${encodeURIComponent(c.matterCode)}`;
  const page = await api<{ matters: MatterJson[] }>("GET", path).catch(() => ({ matters: [] }));
  return page.matters.find((m) => m.code === c.matterCode);
}

function applicantText(c: CaseJson): string {
  return "person" in c.applicant
    ? `${c.applicant.person.name}（${masked(c.applicant.person.idNumber)}）`
    : `${c.applicant.organization.name}（${c.applicant.organization.creditCode}）`;
}

function renderSummary(c: CaseJson): void {
  const d = c.delivery;
  fill(
    byId("case-summary"),
    ...term("受理编号", c.receiptNo),
    ...term("事项", `${c.matterName}（${c.matterCode}）`),
    ...term("收件地 → 办理地", routeLabel(c)),
    ...term("申请人", applicantText(c)),
    ...term("状态", h("strong", { id: "case-status" }, STATUS_LABELS[c.status])),
    ...term("当前办理方", h("span", { id: "case-held-by" }, holderLabel(c))),
    ...term(
      "办结期限",
      h("span", { id: "case-deadline" }, c.deadline),
      ` （承诺 ${c.promisedDays} 个工作日）`,
      c.overdue ? h("span", { class: "badge" }, "超期") : null,
    ),
    ...term(
      "送达方式",
      DELIVERY_LABELS[d.method],
      d.waybillNo ? `：${d.courier} 运单号 ${d.waybillNo}` : d.method === "MAIL" ? `：${d.address}` : "",
    ),
    ...term(
      "材料",
      h(
        "ul",
        {},
        ...c.materials.map((m) =>
          h("li", {}, `${m.name}（${m.materialCode}） `, h("code", {}, m.sha256.slice(0, 16)), "…"),
        ),
      ),
    ),
    ...(c.status === "SUPPLEMENT_REQUESTED"
      ? term("补正要求", `${c.reason}；需补正：${c.requestedMaterialCodes.join("、")}`)
      : []),
    ...(c.approved !== undefined ? term("办理结果", c.approved ? "准予" : `不予批准：${c.reason}`) : []),
    ...(c.status === "REJECTED" || c.status === "WITHDRAWN" ? term("理由", c.reason) : []),
  );
}

/** What an event of each type adds to its timeline entry. */
const DETAILS: { readonly [K in EventType]?: (p: Extract<EventPayload, { type: K }>) => string } = {
  SupplementRequested: (p) => `${p.reason}（需补正：${p.materialCodes.join("、")}）`,
  SupplementProvided: (p) => p.materials.map((m) => m.name).join("、"),
  CaseDecided: (p) => (p.approved ? "准予" : `不予批准：${p.reason}`),
  ResultMailed: (p) => `${p.courier} 运单号 ${p.waybillNo}`,
  CaseAccepted: (p) => `办结期限 ${p.deadline}`,
  CaseRejected: (p) => p.reason,
  CaseWithdrawn: (p) => p.reason,
  ResultReturned: (p) => p.reason,
  HandlingNote: (p) => p.text,
  SubtaskAssigned: (p) => `分派给 ${regionLabel(p.region)}：${p.description}（${p.subtaskId}）`,
  SubtaskTakenUp: (p) => `任务 ${p.subtaskId}`,
  SubtaskCompleted: (p) => `任务 ${p.subtaskId}${p.note ? `：${p.note}` : ""}`,
  SubtaskCancelled: (p) => `任务 ${p.subtaskId}：${p.reason}`,
  SubtaskReassigned: (p) =>
    `任务 ${p.subtaskId} 改派给 ${regionLabel(p.region)}：${p.description}（新任务 ${p.newSubtaskId}；${p.reason}）`,
};

function eventDetail(e: EventJson): string {
  // The payload sits under the event type's lowerCamelCase name (codec/json.ts, eventToJson).
  const payload = e[`${e.type.charAt(0).toLowerCase()}${e.type.slice(1)}`] ?? {};
  return (DETAILS[e.type] as ((p: unknown) => string) | undefined)?.(payload) ?? "";
}

/** 经办人 of an event: "经办人 王芳（dev-430100-clerk）", a region's system, or "—" for older events. */
function actorLabel(e: EventJson): string {
  const a = e.actor;
  if (!a) return "经办人 —";
  return a.kind === "system" ? `系统 ${a.displayName}` : `经办人 ${a.displayName}（${a.staffId}）`;
}

function appendEvent(e: EventJson): void {
  const timeline = byId("timeline");
  if (timeline.querySelector(`[data-event-id="${CSS.escape(e.eventId)}"]`)) return;
  const detail = eventDetail(e);
  timeline.append(
    h(
      "li",
      { "data-event-id": e.eventId, "data-type": e.type },
      h("time", { datetime: e.occurredAt }, cstTime(e.occurredAt)),
      h("span", { class: "who" }, regionLabel(e.sourceRegion)),
      h("span", { class: "actor" }, actorLabel(e)),
      h("strong", { class: "what" }, EVENT_LABELS[e.type] ?? e.type),
      detail ? h("span", { class: "detail" }, detail) : null,
      h("span", { class: "after" }, `→ ${STATUS_LABELS[e.statusAfter]}`),
    ),
  );
}

/** Shows case `caseId` for region `me` and follows its timeline until `unfollow`. */
export async function showCase(caseId: string, me: string): Promise<void> {
  fill(byId("timeline"));
  fill(byId("case-actions"));
  const path = `/cases/${encodeURIComponent(caseId)}`;
  let formsOfVersion = -1;
  let matter: Promise<MatterJson | undefined> | undefined;
  const render = async (c?: CaseJson) => {
    const current = c ?? (await api<CaseJson>("GET", path));
    byId("case-title").textContent = `办件详情 · ${current.matterName}`;
    renderSummary(current);
    // Rebuilt only when the case moved on, so a form the clerk is filling in is not wiped.
    if (current.version === formsOfVersion) return;
    formsOfVersion = current.version;
    matter ??= matterOf(current);
    const forms = actionForms(current, me, await matter, (next) => void render(next));
    fill(byId("case-actions"), ...(forms.length > 0 ? [h("h3", {}, "本地可办理的操作"), ...forms] : []));
    await showCollaboration(current, me, (next) => void render(next));
  };
  await render();
  // Each event joins the timeline as it comes; the case is re-read once after a commit's events.
  follow(
    `/api/v1${path}/events/stream`,
    byId("case-live"),
    "case-event",
    () => void render(),
    (data) => appendEvent(JSON.parse(data) as EventJson),
  );
}
