/**
 * 办件详情: who holds the case now, its deadline, the action forms for this
 * region, and the timeline of both cities' events as they happen (the
 * gateway's event stream; no reloads, no polling).
 */
import { api } from "./api.js";
import { actionForms } from "./case-actions.js";
import { byId, fill, h } from "./dom.js";
import { cstTime, DELIVERY_LABELS, EVENT_LABELS, masked, regionLabel, STATUS_LABELS } from "./labels.js";
import type { CaseJson, EventJson, MatterJson } from "./types.js";

let stream: EventSource | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const matters = new Map<string, MatterJson | undefined>();

function row(term: string, ...value: Array<Node | string | null>): HTMLElement[] {
  return [h("dt", {}, term), h("dd", {}, ...value.filter((v): v is Node | string => v !== null))];
}

async function matterOf(c: CaseJson): Promise<MatterJson | undefined> {
  const key = `${c.handlingRegion}/${c.matterCode}`;
  if (!matters.has(key)) {
    const page = await api<{ matters: MatterJson[] }>(
      "GET",
      `/regions/${c.handlingRegion}/matters?q=${encodeURIComponent(c.matterCode)}`,
    ).catch(() => ({ matters: [] }));
    matters.set(
      key,
      page.matters.find((m) => m.code === c.matterCode),
    );
  }
  return matters.get(key);
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
    ...row("受理编号", c.receiptNo),
    ...row("事项", `${c.matterName}（${c.matterCode}）`),
    ...row("收件地 → 办理地", `${regionLabel(c.intakeRegion)} → ${regionLabel(c.handlingRegion)}`),
    ...row("申请人", applicantText(c)),
    ...row("状态", h("strong", { id: "case-status" }, STATUS_LABELS[c.status])),
    ...row(
      "当前办理方",
      h("span", { id: "case-held-by" }, c.heldBy === "" ? "（已结束）" : regionLabel(c.heldBy)),
    ),
    ...row(
      "办结期限",
      h("span", { id: "case-deadline" }, c.deadline),
      ` （承诺 ${c.promisedDays} 个工作日）`,
      c.overdue ? h("span", { class: "badge" }, "超期") : null,
    ),
    ...row(
      "送达方式",
      DELIVERY_LABELS[d.method],
      d.waybillNo ? `：${d.courier} 运单号 ${d.waybillNo}` : d.method === "MAIL" ? `：${d.address}` : "",
    ),
    ...row(
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
      ? row("补正要求", `${c.reason}；需补正：${c.requestedMaterialCodes.join("、")}`)
      : []),
    ...(c.approved !== undefined ? row("办理结果", c.approved ? "准予" : `不予批准：${c.reason}`) : []),
    ...(c.status === "REJECTED" || c.status === "WITHDRAWN" ? row("理由", c.reason) : []),
  );
}

function eventDetail(e: EventJson): string {
  // The payload sits under the event type's lowerCamelCase name (codec/json.ts, eventToJson).
  const p = (e[`${e.type.charAt(0).toLowerCase()}${e.type.slice(1)}`] ?? {}) as Record<string, unknown>;
  switch (e.type) {
    case "SupplementRequested":
      return `${String(p.reason)}（需补正：${(p.materialCodes as string[]).join("、")}）`;
    case "SupplementProvided":
      return (p.materials as Array<{ name: string }>).map((m) => m.name).join("、");
    case "CaseDecided":
      return p.approved ? "准予" : `不予批准：${String(p.reason)}`;
    case "ResultMailed":
      return `${String(p.courier)} 运单号 ${String(p.waybillNo)}`;
    case "CaseAccepted":
      return `办结期限 ${String(p.deadline)}`;
    case "CaseRejected":
    case "CaseWithdrawn":
    case "ResultReturned":
      return String(p.reason);
    case "HandlingNote":
      return String(p.text);
    default:
      return "";
  }
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
      h("strong", { class: "what" }, EVENT_LABELS[e.type] ?? e.type),
      detail ? h("span", { class: "detail" }, detail) : null,
      h("span", { class: "after" }, `→ ${STATUS_LABELS[e.statusAfter]}`),
    ),
  );
}

/** Shows case `caseId` for region `me` and follows its timeline until {@link hideCase}. */
export async function showCase(caseId: string, me: string): Promise<void> {
  hideCase();
  fill(byId("timeline"));
  fill(byId("case-actions"));
  const path = `/cases/${encodeURIComponent(caseId)}`;
  let formsOfVersion = -1;
  const render = async (c?: CaseJson) => {
    const current = c ?? (await api<CaseJson>("GET", path));
    byId("case-title").textContent = `办件详情 · ${current.matterName}`;
    renderSummary(current);
    // Rebuilt only when the case moved on, so a form the clerk is filling in is not wiped.
    if (current.version === formsOfVersion) return;
    formsOfVersion = current.version;
    const forms = actionForms(current, me, await matterOf(current), (next) => void render(next));
    fill(byId("case-actions"), ...(forms.length > 0 ? [h("h3", {}, "本地可办理的操作"), ...forms] : []));
  };
  await render();
  const live = byId("case-live");
  stream = new EventSource(`/api/v1${path}/events/stream`);
  stream.addEventListener("open", () => {
    live.textContent = "● 实时更新";
  });
  stream.addEventListener("error", () => {
    live.textContent = "○ 正在重新连接……";
  });
  stream.addEventListener("case-event", (m) => {
    appendEvent(JSON.parse((m as MessageEvent<string>).data) as EventJson);
    // Events of one commit arrive together; re-read the case once after them.
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void render(), 100);
  });
}

/** Stops following the case shown. */
export function hideCase(): void {
  stream?.close();
  stream = undefined;
  clearTimeout(refreshTimer);
}
