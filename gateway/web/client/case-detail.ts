/**
 * 办件详情: who holds the case now, its deadline, the action forms for this
 * region, and the timeline of both cities' events as they happen (the
 * gateway's event stream; no reloads, no polling).
 */

import type { EventPayload, EventType } from "../../domain/events.js";
import { RATING_LEVEL_LABELS } from "../../domain/rating.js";
import { api } from "./api.js";
import { actionForms, stepsNotOffered } from "./case-actions.js";
import { lightBadge } from "./case-list.js";
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
import { SUSPENSION_LABELS } from "./messages.js";
import { showOpenings } from "./openings.js";
import { showCollaboration } from "./subtasks.js";
import type { CaseJson, EventJson, MatterJson, StepJson } from "./types.js";

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

/** The clock in a clerk's words: the running stage's due date, stops and a recorded breach (issue 17). */
function clockText(c: CaseJson): string {
  const k = c.clock;
  if (k === undefined) return c.overdue ? "" : "—";
  const parts: string[] = [];
  if (k.stage) parts.push(`${k.stage === "accept" ? "受理" : "办结"}时限 ${k.dueOn ?? ""}`);
  if (k.stoppedOn) parts.push(`${SUSPENSION_LABELS[k.stoppedFor ?? ""] ?? ""}中止计时（自 ${k.stoppedOn}）`);
  if (k.suspendedDays > 0) parts.push(`已中止 ${k.suspendedDays} 个工作日`);
  if (k.breach) {
    const stage = k.breach.stage === "accept" ? "受理" : "办结";
    parts.push(`${stage}超期 ${k.breach.days} 个工作日（自 ${k.breach.on}）`);
  }
  return parts.join("；");
}

/** Types the browser shows itself (a PDF or a picture, in a tab of its own); anything else is downloaded. */
const SHOWN_INLINE = new Set(["application/pdf", "image/jpeg", "image/png"]);

/**
 * A material's link: the gateway serves it to this region's staff (the session cookie goes along, same
 * origin) and records who opened it; a PDF or picture opens in a new tab, the rest downloads.
 */
function materialLink(c: CaseJson, m: CaseJson["materials"][number]): HTMLElement {
  const href = `/api/v1/cases/${encodeURIComponent(c.caseId)}/materials/${m.sha256}`;
  const inline = SHOWN_INLINE.has(m.mediaType);
  return h(
    "a",
    inline
      ? { href, target: "_blank", rel: "noopener", class: "material-open", "data-sha256": m.sha256 }
      : { href, download: true, class: "material-open", "data-sha256": m.sha256 },
    inline ? "查看" : "下载",
  );
}

/** 好差评 as the case holds it: the level, tags and words, and the rectification a negative one opened. */
function ratingTerms(c: CaseJson): HTMLElement[] {
  const r = c.rating;
  if (r === undefined) return [];
  const said = [r.tags.join("、"), r.text].filter((x) => x !== "").join("；");
  const rated = `${RATING_LEVEL_LABELS[r.level]}${said ? `：${said}` : ""}${r.channel === "WINDOW" ? "（窗口代录）" : ""}`;
  const k = r.rectification;
  return [
    ...term("好差评", h("span", { id: "case-rating" }, rated)),
    ...(k
      ? term(
          "整改",
          h(
            "span",
            { id: "case-rectification" },
            k.answeredAt ? `已反馈：${k.answer}` : `待办理地反馈（期限 ${k.dueOn}）`,
          ),
        )
      : []),
  ];
}

function renderSummary(c: CaseJson): void {
  const d = c.delivery;
  fill(
    byId("case-summary"),
    ...term("回执编号", c.receiptNo),
    ...term("事项", `${c.matterName}（${c.matterCode}）`),
    ...term("收件地 → 办理地", routeLabel(c)),
    ...term("申请人", applicantText(c)),
    ...term("状态", h("strong", { id: "case-status" }, STATUS_LABELS[c.status])),
    ...term("当前办理方", h("span", { id: "case-held-by" }, holderLabel(c))),
    ...term(
      "办结期限",
      h("span", { id: "case-deadline" }, c.deadline),
      ` （承诺 ${c.promisedDays} 个工作日）`,
    ),
    ...term("时限", h("span", { id: "case-light" }, clockText(c), lightBadge(c))),
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
          h(
            "li",
            {},
            `${m.name}（${m.materialCode}） `,
            h("code", {}, m.sha256.slice(0, 16)),
            "… ",
            materialLink(c, m),
          ),
        ),
      ),
    ),
    ...(c.status === "SUPPLEMENT_REQUESTED"
      ? term("补正要求", `${c.reason}；需补正：${c.requestedMaterialCodes.join("、")}`)
      : []),
    ...(c.approved !== undefined ? term("办理结果", c.approved ? "准予" : `不予批准：${c.reason}`) : []),
    ...(c.status === "REJECTED" || c.status === "WITHDRAWN" ? term("理由", c.reason) : []),
    ...ratingTerms(c),
    ...(c.withdrawalRequest
      ? term(
          "撤回申请",
          h("span", { id: "case-withdrawal" }, `${c.withdrawalRequest.reason}（待办理地确认撤回或不予撤回）`),
        )
      : []),
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
  WithdrawalRequested: (p) => p.reason,
  WithdrawalConfirmed: (p) => p.reason,
  // Refused by the handling gateway itself when the request came after the case had moved on.
  WithdrawalRefused: (p) =>
    p.reason ||
    (p.caseStatus in STATUS_LABELS
      ? `撤回申请到达前办件已处理（${STATUS_LABELS[p.caseStatus as keyof typeof STATUS_LABELS]}），不予撤回`
      : ""),
  ResultReturned: (p) => p.reason,
  // Collaborating regions get the event without the address (domain/minimize.ts).
  DeliveryCorrected: (p) => (p.delivery.address ? `${p.reason}；新地址：${p.delivery.address}` : p.reason),
  HandlingNote: (p) => p.text,
  SubtaskAssigned: (p) => `分派给 ${regionLabel(p.region)}：${p.description}（${p.subtaskId}）`,
  SubtaskTakenUp: (p) => `任务 ${p.subtaskId}`,
  SubtaskCompleted: (p) => `任务 ${p.subtaskId}${p.note ? `：${p.note}` : ""}`,
  SubtaskCancelled: (p) => `任务 ${p.subtaskId}：${p.reason}`,
  SubtaskReassigned: (p) =>
    `任务 ${p.subtaskId} 改派给 ${regionLabel(p.region)}：${p.description}（新任务 ${p.newSubtaskId}；${p.reason}）`,
  CaseRated: (p) =>
    [
      `${RATING_LEVEL_LABELS[p.level] ?? p.level}${p.channel === "WINDOW" ? "（窗口代录）" : ""}`,
      p.tags.join("、"),
      p.text,
      p.rectificationDue ? `整改期限 ${p.rectificationDue}` : "",
    ]
      .filter((x) => x !== "")
      .join("；"),
  RectificationAnswered: (p) => p.answer,
};

function eventDetail(e: EventJson): string {
  // The payload sits under the event type's lowerCamelCase name (codec/json.ts, eventToJson).
  const payload = e[`${e.type.charAt(0).toLowerCase()}${e.type.slice(1)}`] ?? {};
  return (DETAILS[e.type] as ((p: unknown) => string) | undefined)?.(payload) ?? "";
}

/** Once the handling region has decided on 受理, either party's window can print its notice. */
function offerNotice(e: EventJson): void {
  if (e.type !== "CaseAccepted" && e.type !== "CaseRejected") return;
  const text = e.type === "CaseAccepted" ? "打印受理通知书" : "打印不予受理通知书";
  fill(
    byId("case-notice"),
    h("a", { href: `#/notice/${encodeURIComponent(e.caseId)}`, id: "notice-link" }, text),
  );
}

/** 经办人 of an event: "经办人 王芳（dev-430100-clerk）", a region's system, or "—" for older events. */
function actorLabel(e: EventJson): string {
  const a = e.actor;
  if (!a) return "经办人 —";
  return a.kind === "system" ? `系统 ${a.displayName}` : `经办人 ${a.displayName}（${a.staffId}）`;
}

function appendEvent(e: EventJson): void {
  offerNotice(e);
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

/**
 * Shows case `caseId` for region `me` and follows its timeline until `unfollow`; the signed-in staff
 * member's `role` decides whether the record of opened materials shows (auditors).
 */
export async function showCase(caseId: string, me: string, role = ""): Promise<void> {
  fill(byId("timeline"));
  fill(byId("case-actions"));
  fill(byId("case-notice"));
  const path = `/cases/${encodeURIComponent(caseId)}`;
  let formsOfVersion = -1;
  let matter: Promise<MatterJson | undefined> | undefined;
  const render = async (c?: CaseJson) => {
    const current = c ?? (await api<CaseJson>("GET", path));
    byId("case-title").textContent = `办件详情 · ${current.matterName}`;
    renderSummary(current);
    void showOpenings(current, role).catch(() => fill(byId("case-openings")));
    // Rebuilt only when the case moved on, so a form the clerk is filling in is not wiped.
    if (current.version === formsOfVersion) return;
    formsOfVersion = current.version;
    matter ??= matterOf(current);
    // What the signed-in staff member may do now, as the gateway decides it (role, region, turn).
    const { steps } = await api<{ steps: StepJson[] }>("GET", `${path}/actions`);
    const forms = actionForms(current, steps, me, await matter, (next) => void render(next));
    const waiting = stepsNotOffered(steps);
    fill(
      byId("case-actions"),
      ...(forms.length > 0 ? [h("h3", {}, "本地可办理的操作"), ...forms] : []),
      ...(waiting.length > 0 ? [h("h3", {}, "暂不可办理"), ...waiting] : []),
    );
    // 多地联办: the collaboration panel, with the subtask steps of the same answer.
    await showCollaboration(current, me, steps, (next) => void render(next));
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
