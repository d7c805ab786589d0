/**
 * 多地联办 on the case page: the lead (handling) region, each collaborating region with its subtasks and
 * their states, what is stalled (not taken up in time, the collaborator's gateway unreachable), why 办结
 * must wait, and the subtask steps this staff member may take: the lead assigns, cancels and reassigns; the
 * collaborator takes up (领办) and completes its own. Which forms show is the gateway's answer
 * (`GET /cases/{id}/actions`, domain/steps.ts), the same as for the other steps: the page keeps no copy of
 * the rules.
 */
import type { SubtaskAction } from "../../domain/actions.js";
import { ApiError, api, idempotencyKey } from "./api.js";
import { byId, fill, h } from "./dom.js";
import { clearIssues, showRefusal } from "./fields.js";
import { cstTime, regionLabel } from "./labels.js";
import type { CaseJson, StepJson } from "./types.js";

/** One subtask as `GET /cases/{id}/collaboration` lists it. */
interface SubtaskJson {
  readonly subtaskId: string;
  readonly region: string;
  readonly description: string;
  readonly completed: boolean;
  readonly note: string;
  readonly takenUp?: boolean;
  readonly assignedAt?: string;
  readonly replacedBy?: string;
  readonly state: "assigned" | "taken-up" | "completed" | "cancelled" | "reassigned";
}

/** `GET /cases/{id}/collaboration`. */
interface CollaborationJson {
  readonly leadRegion: string;
  readonly takeUpHours: number | null;
  readonly collaborators: ReadonlyArray<{
    readonly region: string;
    readonly breaker: string;
    readonly subtasks: readonly SubtaskJson[];
  }>;
  readonly openSubtasks: readonly string[];
  readonly stalls: ReadonlyArray<{
    readonly region: string;
    readonly subtaskId: string;
    readonly reason: string;
  }>;
}

const STATE_LABELS: Readonly<Record<SubtaskJson["state"], string>> = {
  assigned: "待领办",
  "taken-up": "办理中",
  completed: "已完成",
  cancelled: "已撤销",
  reassigned: "已改派",
};

const STALL_LABELS: Readonly<Record<string, string>> = {
  "take-up-overdue": "超时未领办",
  "breaker-open": "协办地网关不可达",
};

const IN_HANDLING = new Set(["ACCEPTED", "SUPPLEMENT_REQUESTED"]);

/** A text field of a subtask form: `<input>` for short values, `<textarea>` for descriptions. */
function text(id: string, key: string, label: string, long = false): HTMLElement {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    long
      ? h("textarea", { id, rows: 2, maxlength: 500, "data-path": key })
      : h("input", { id, maxlength: 500, autocomplete: "off", "data-path": key }),
  );
}

/** A select of the case's collaborating regions. */
function regionSelect(id: string, c: CaseJson, selected?: string): HTMLElement {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, "协办地"),
    h(
      "select",
      { id, "data-path": "region" },
      ...c.collaboratingRegions.map((r) =>
        h("option", { value: r, selected: r === selected }, regionLabel(r)),
      ),
    ),
  );
}

/**
 * A form posting one subtask action: fixed fields plus what its inputs hold (by `data-path`); the server's
 * refusals land next to the fields they name, or under the button.
 */
function subtaskForm(
  c: CaseJson,
  action: SubtaskAction,
  title: string,
  fixed: Record<string, string>,
  fields: HTMLElement[],
  acted: (c: CaseJson) => void,
  attrs: Record<string, string> = {},
): HTMLFormElement {
  const error = h("p", { class: "form-error", role: "alert" });
  const button = h(
    "button",
    { type: "submit", class: action === "cancel-subtask" ? "danger" : "primary" },
    title,
  );
  const form = h(
    "form",
    { class: "action subtask-action", "data-action": action, novalidate: true, ...attrs },
    h("h4", {}, title),
    ...fields,
    error,
    button,
  );
  let key = idempotencyKey(`${action}-${fixed.subtaskId ?? ""}`);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearIssues(form);
    error.textContent = "";
    button.disabled = true;
    try {
      const values = [...form.querySelectorAll<HTMLInputElement>("[data-path]")]
        .filter((el) => "value" in el)
        .map((el) => [el.dataset.path as string, el.value.trim()]);
      const body = { type: action, ...fixed, ...Object.fromEntries(values) };
      const path = `/cases/${encodeURIComponent(c.caseId)}/actions`;
      acted(await api<CaseJson>("POST", path, body, { "Idempotency-Key": key }));
    } catch (err) {
      if (!(err instanceof ApiError)) {
        error.textContent = `操作失败：${String(err)}`;
        return;
      }
      key = idempotencyKey(`${action}-${fixed.subtaskId ?? ""}`);
      const rest = showRefusal(form, err);
      error.textContent = rest && `网关拒绝了操作：${rest}`;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Whether the gateway allows the signed-in staff member `type` (on subtask `subtaskId`) now. */
function allows(steps: readonly StepJson[], type: SubtaskAction, subtaskId?: string): boolean {
  return steps.some((x) => x.type === type && x.allowed && x.subtaskId === subtaskId);
}

/** The steps on subtask `s` the gateway allows the signed-in staff member now. */
function subtaskForms(
  c: CaseJson,
  s: SubtaskJson,
  steps: readonly StepJson[],
  acted: (c: CaseJson) => void,
): HTMLElement[] {
  const id = s.subtaskId;
  const tag = { "data-subtask-id": id };
  const forms: HTMLElement[] = [];
  if (allows(steps, "take-up-subtask", id))
    forms.push(subtaskForm(c, "take-up-subtask", "领办", { subtaskId: id }, [], acted, tag));
  if (allows(steps, "complete-subtask", id)) {
    forms.push(
      subtaskForm(
        c,
        "complete-subtask",
        "完成联办任务",
        { subtaskId: id },
        [text(`complete-note-${id}`, "note", "办理情况", true)],
        acted,
        tag,
      ),
    );
  }
  if (allows(steps, "reassign-subtask", id)) {
    forms.push(
      subtaskForm(
        c,
        "reassign-subtask",
        "改派",
        { subtaskId: id },
        [
          regionSelect(`reassign-region-${id}`, c, s.region),
          text(`reassign-description-${id}`, "description", "任务内容", true),
          text(`reassign-reason-${id}`, "reason", "改派理由"),
        ],
        acted,
        tag,
      ),
    );
  }
  if (allows(steps, "cancel-subtask", id)) {
    forms.push(
      subtaskForm(
        c,
        "cancel-subtask",
        "撤销",
        { subtaskId: id },
        [text(`cancel-reason-${id}`, "reason", "撤销理由")],
        acted,
        tag,
      ),
    );
  }
  return forms;
}

function subtaskRow(s: SubtaskJson, stalls: CollaborationJson["stalls"]): HTMLElement {
  const flags = stalls.filter((x) => x.subtaskId === s.subtaskId);
  return h(
    "li",
    { class: "subtask", "data-subtask-id": s.subtaskId, "data-state": s.state },
    h("code", {}, s.subtaskId),
    " ",
    h("strong", { class: "subtask-state" }, STATE_LABELS[s.state]),
    s.state === "reassigned" && s.replacedBy ? `（改派为 ${s.replacedBy}）` : "",
    " ",
    s.description,
    s.assignedAt ? h("small", {}, ` 分派于 ${cstTime(s.assignedAt)}`) : null,
    s.note ? h("span", { class: "detail" }, `：${s.note}`) : null,
    ...flags.map((f) =>
      h("span", { class: "badge", "data-stall": f.reason }, STALL_LABELS[f.reason] ?? f.reason),
    ),
  );
}

/** Why 办结 waits, for the lead: the open subtasks and where they stand. */
function decideGate(c: CaseJson, view: CollaborationJson, me: string): HTMLElement | null {
  if (me !== c.handlingRegion || c.status !== "ACCEPTED") return null;
  if (view.openSubtasks.length === 0) {
    return h("p", { id: "decide-gate", "data-blocked": "false" }, "联办任务均已完成或撤销，可以办结。");
  }
  const open = view.collaborators.flatMap((x) =>
    x.subtasks
      .filter((s) => view.openSubtasks.includes(s.subtaskId))
      .map((s) => `${regionLabel(s.region)} ${s.subtaskId}（${STATE_LABELS[s.state]}）`),
  );
  return h(
    "p",
    { id: "decide-gate", class: "form-error", "data-blocked": "true" },
    `暂不能办结：须待联办任务完成或撤销——${open.join("、")}`,
  );
}

// Stalls come with time (the take-up limit) or with a partner going away, not with an event of the case:
// the lead's panel is read again this often while it shows the same case and nobody is typing in it.
const STALL_REFRESH_MS = 60_000;
let refresh: ReturnType<typeof setTimeout> | undefined;

function busy(box: HTMLElement): boolean {
  if (box.contains(document.activeElement) && document.activeElement !== document.body) return true;
  return [...box.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")].some(
    (el) => el.value.trim() !== "",
  );
}

/**
 * Shows the 多地联办 part of case `c` for region `me` (nothing for other modes), with the forms of the subtask
 * steps among `steps` (the gateway's answer for the signed-in staff member).
 */
export async function showCollaboration(
  c: CaseJson,
  me: string,
  steps: readonly StepJson[],
  acted: (c: CaseJson) => void,
): Promise<void> {
  const box = byId("case-collab");
  clearTimeout(refresh);
  box.dataset.caseId = c.caseId;
  if (c.mode === "MULTI_REGION" && me === c.handlingRegion && IN_HANDLING.has(c.status)) {
    refresh = setTimeout(() => {
      const same = box.dataset.caseId === c.caseId && !byId("view-case").hidden;
      if (same && !busy(box)) void showCollaboration(c, me, steps, acted);
    }, STALL_REFRESH_MS);
  }
  if (c.mode !== "MULTI_REGION") {
    fill(box);
    box.hidden = true;
    return;
  }
  const path = `/cases/${encodeURIComponent(c.caseId)}/collaboration`;
  const view = await api<CollaborationJson>("GET", path).catch(() => undefined);
  box.hidden = false;
  if (!view) {
    fill(box, h("h3", {}, "多地联办"), h("p", { class: "form-error" }, "暂时无法读取联办情况。"));
    return;
  }
  const unreachable = (breaker: string) =>
    breaker === "open" ? h("span", { class: "badge", "data-stall": "breaker-open" }, "网关不可达") : null;
  const lead = me === c.handlingRegion;
  const assign = allows(steps, "assign-subtask")
    ? subtaskForm(
        c,
        "assign-subtask",
        "分派联办任务",
        {},
        [regionSelect("subtask-region", c), text("subtask-description", "description", "任务内容", true)],
        acted,
      )
    : null;
  fill(
    box,
    h("h3", {}, "多地联办"),
    h(
      "p",
      {},
      `牵头地：${regionLabel(view.leadRegion)}`,
      lead && view.takeUpHours !== null
        ? h("small", {}, `　协办地须在 ${view.takeUpHours} 小时内领办`)
        : null,
    ),
    h(
      "ul",
      { class: "collaborators" },
      ...view.collaborators.map((x) =>
        h(
          "li",
          { class: "collaborator", "data-region": x.region },
          h("strong", {}, `协办地 ${regionLabel(x.region)}`),
          " ",
          unreachable(x.breaker),
          x.subtasks.length === 0
            ? h("p", { class: "hint" }, "尚未分派联办任务")
            : h("ul", { class: "subtasks" }, ...x.subtasks.map((s) => subtaskRow(s, view.stalls))),
        ),
      ),
    ),
    decideGate(c, view, me),
    h(
      "div",
      { class: "subtask-forms" },
      assign,
      ...view.collaborators.flatMap((x) => x.subtasks.flatMap((s) => subtaskForms(c, s, steps, acted))),
    ),
  );
}
