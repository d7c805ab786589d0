/**
 * The action forms of a case (办理台 and window alike): one small form per
 * step the gateway says the signed-in staff member may take now
 * (`GET /cases/{id}/actions`); Enter submits it, the server's refusals land
 * next to the field they name. Steps of the moment that are not theirs are
 * listed with the gateway's reason instead of a form.
 */
import type { ActionType, SubtaskAction } from "../../domain/actions.js";
import { STEP_LABELS } from "../../domain/messages.js";
import { RATING_LEVEL_LABELS, RATING_LEVELS } from "../../domain/rating.js";
import { ApiError, api, idempotencyKey } from "./api.js";
import { byId, h } from "./dom.js";
import { clearIssues, showRefusal } from "./fields.js";
import { attachedMaterials, materialRow } from "./material-row.js";
import { SUSPENSION_LABELS } from "./messages.js";
import type { CaseJson, MatterJson, StepJson } from "./types.js";

/** Steps of the general forms; 多地联办 subtask steps have their own panel (subtasks.ts). */
export type PageAction = Exclude<ActionType, SubtaskAction>;

/**
 * A text field of an action's form: its element id, the body key it fills (also its `data-path`), its label,
 * and the attributes of an `<input>` (without them, a `<textarea>`).
 */
type TextField = readonly [id: string, key: string, label: string, input?: Record<string, string>];

/** Each action's title (on its button too) and text fields, which follow the fields of {@link choices}. */
const FORMS: Readonly<Record<PageAction, { title: string; texts: readonly TextField[] }>> = {
  accept: { title: "受理", texts: [] },
  reject: { title: "不予受理", texts: [["reject-reason", "reason", "理由"]] },
  "request-supplement": {
    title: "要求补正",
    texts: [["supplement-reason", "reason", "补正理由（材料有何缺陷）"]],
  },
  supplement: { title: "提交补正材料", texts: [] },
  decide: { title: "办结", texts: [["decide-reason", "reason", "办结意见（不予批准时必填）"]] },
  mail: {
    title: "登记寄出",
    texts: [
      ["mail-courier", "courier", "快递公司", { value: "中国邮政EMS", maxlength: "50" }],
      ["mail-waybill", "waybillNo", "运单号", { maxlength: "30", inputmode: "text" }],
    ],
  },
  deliver: { title: "确认送达", texts: [] },
  return: { title: "登记邮件退回", texts: [["return-reason", "reason", "理由"]] },
  withdraw: { title: "申请撤回", texts: [["withdraw-reason", "reason", "理由"]] },
  note: { title: "云会商留言", texts: [["note-text", "note", "留言内容"]] },
  "confirm-withdrawal": { title: "确认撤回", texts: [] },
  "refuse-withdrawal": {
    title: "不予撤回",
    texts: [["refuse-withdrawal-reason", "reason", "不予撤回的理由"]],
  },
  suspend: { title: "特别程序（中止计时）", texts: [["suspend-reason", "reason", "理由"]] },
  resume: { title: "恢复计时", texts: [["resume-note", "note", "说明"]] },
  "correct-delivery": {
    title: "更正送达地址并重新寄送",
    texts: [["redeliver-reason", "reason", "更正原因（如：原地址有误，申请人到窗口更正）"]],
  },
  rate: { title: "代录好差评", texts: [["rate-text", "note", "评价内容（选填，按申请人原话）"]] },
  "answer-rectification": {
    title: "反馈整改情况",
    texts: [["rectification-answer", "note", "整改情况（做了什么，申请人可见）"]],
  },
};

/** The 特别程序 a handler may suspend the clock for (the SUPPLEMENT label is the clock's own stop). */
const SUSPENSION_KINDS = Object.fromEntries(
  Object.entries(SUSPENSION_LABELS).filter(([kind]) => kind !== "SUPPLEMENT"),
);

function textField([id, key, label, input]: TextField): HTMLElement {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input
      ? h("input", { id, "data-path": key, autocomplete: "off", ...input })
      : h("textarea", { id, rows: 2, maxlength: key === "note" ? 2000 : 500, "data-path": key }),
  );
}

/** A labelled checkbox or radio button. */
function option(type: "checkbox" | "radio", name: string, value: string, label: string, checked = false) {
  return h("label", {}, h("input", { type, name, value, checked }), ` ${label}`);
}

/** The fields of an action beyond its text fields (choices, files), and the body parts read from them. */
function choices(
  action: PageAction,
  c: CaseJson,
  matter: MatterJson | undefined,
  options: readonly string[] = [],
): { fields: HTMLElement[]; body: (form: HTMLFormElement) => Promise<Record<string, unknown>> } {
  const checked = (f: HTMLFormElement, name: string) =>
    [...f.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((b) => b.value);
  switch (action) {
    case "request-supplement": {
      const options = matter?.materials ?? c.materials;
      return {
        fields: [
          h(
            "fieldset",
            { class: "field", "data-path": "materialCodes" },
            h("legend", {}, "需补正的材料"),
            ...options.map((m) =>
              option("checkbox", "supplement-code", m.materialCode, `${m.name}（${m.materialCode}）`),
            ),
          ),
        ],
        body: async (f) => ({ materialCodes: checked(f, "supplement-code") }),
      };
    }
    case "supplement": {
      const names = new Map(c.materials.map((m) => [m.materialCode, m.name]));
      for (const m of matter?.materials ?? []) names.set(m.materialCode, m.name);
      const rows = c.requestedMaterialCodes.map((code) =>
        materialRow(code, names.get(code) ?? code, true, "supplement-material"),
      );
      return {
        fields: [h("div", { class: "field", "data-path": "materials" }, ...rows.map((r) => r.element))],
        body: async () => ({ materials: await attachedMaterials(rows) }),
      };
    }
    case "decide":
      return {
        fields: [
          h(
            "div",
            { class: "field", "data-path": "approved" },
            option("radio", "approved", "true", "准予", true),
            option("radio", "approved", "false", "不予批准"),
          ),
        ],
        body: async (f) => ({ approved: checked(f, "approved")[0] === "true" }),
      };
    case "suspend":
      // 特别程序 the law does not count: which one, and the working days it is expected to take.
      return {
        fields: [
          h(
            "div",
            { class: "field", "data-path": "suspensionKind" },
            ...Object.entries(SUSPENSION_KINDS).map(([kind, label], i) =>
              option("radio", "suspension-kind", kind, label, i === 0),
            ),
          ),
          h(
            "div",
            { class: "field" },
            h("label", { for: "suspend-days" }, "预计工作日数"),
            h("input", {
              id: "suspend-days",
              "data-path": "expectedDays",
              inputmode: "numeric",
              maxlength: "3",
              autocomplete: "off",
            }),
          ),
        ],
        body: async (f) => ({
          suspensionKind: checked(f, "suspension-kind")[0],
          expectedDays: Number(byId<HTMLInputElement>("suspend-days").value.trim() || Number.NaN),
        }),
      };
    case "correct-delivery": {
      // Filled in with the address the mail went to, so the clerk changes only what was wrong.
      const d = c.delivery;
      const fields: TextField[] = [
        ["redeliver-recipient", "delivery.recipient", "收件人", { value: d.recipient, maxlength: "50" }],
        [
          "redeliver-mobile",
          "delivery.mobile",
          "收件人手机",
          { value: d.mobile, maxlength: "11", inputmode: "numeric" },
        ],
        ["redeliver-address", "delivery.address", "新的邮寄地址", { value: d.address, maxlength: "200" }],
        [
          "redeliver-postal",
          "delivery.postalCode",
          "邮政编码",
          { value: d.postalCode, maxlength: "6", inputmode: "numeric" },
        ],
      ];
      const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
      return {
        fields: fields.map(textField),
        body: async () => ({
          delivery: {
            method: "MAIL",
            recipient: value("redeliver-recipient"),
            mobile: value("redeliver-mobile"),
            address: value("redeliver-address"),
            postalCode: value("redeliver-postal"),
          },
        }),
      };
    }
    case "rate":
      // The five national levels and the configured tags; the clerk records what the applicant chose.
      return {
        fields: [
          h(
            "fieldset",
            { class: "field", "data-path": "ratingLevel" },
            h("legend", {}, "评价等级"),
            ...RATING_LEVELS.map((level) =>
              option("radio", "rating-level", level, RATING_LEVEL_LABELS[level]),
            ),
          ),
          h(
            "fieldset",
            { class: "field", "data-path": "ratingTags" },
            h("legend", {}, "评价标签（可多选）"),
            ...options.map((tag) => option("checkbox", "rating-tag", tag, tag)),
          ),
        ],
        body: async (f) => {
          const level = checked(f, "rating-level")[0];
          return { ...(level ? { ratingLevel: level } : {}), ratingTags: checked(f, "rating-tag") };
        },
      };
    default:
      return { fields: [], body: async () => ({}) };
  }
}

/**
 * The steps of the moment that the signed-in staff member may not take, each with the gateway's reason
 * (another role's step, another region's turn, a subtask still open); none when there are none.
 */
export function stepsNotOffered(steps: readonly StepJson[]): HTMLElement[] {
  const waiting = steps.filter((s) => !s.allowed);
  if (waiting.length === 0) return [];
  return [
    h(
      "ul",
      { class: "steps-not-offered", "aria-label": "暂不可办理的步骤" },
      ...waiting.map((s) =>
        h(
          "li",
          { "data-step": s.type, ...(s.subtaskId ? { "data-subtask-id": s.subtaskId } : {}) },
          h("strong", {}, STEP_LABELS[s.type] ?? s.type),
          s.subtaskId ? `（${s.subtaskId}）` : "",
          `：${s.message ?? s.reason ?? ""}`,
        ),
      ),
    ),
  ];
}

/** The forms for every step of `steps` allowed to the signed-in staff member; `acted` gets the case after one. */
export function actionForms(
  c: CaseJson,
  steps: readonly StepJson[],
  region: string,
  matter: MatterJson | undefined,
  acted: (c: CaseJson) => void,
): HTMLElement[] {
  const offered = steps.filter((s) => s.allowed && s.type in FORMS);
  return offered.map((step) => {
    const action = step.type as PageAction;
    const { title, texts } = FORMS[action];
    const extra = choices(action, c, matter, step.options);
    const error = h("p", { class: "form-error", role: "alert" });
    const button = h(
      "button",
      {
        type: "submit",
        class: ["reject", "withdraw", "confirm-withdrawal"].includes(action) ? "danger" : "primary",
      },
      title,
    );
    const form = h(
      "form",
      { class: "action", "data-action": action, novalidate: true },
      h("h4", {}, title),
      ...extra.fields,
      ...texts.map(textField),
      error,
      button,
    );
    // Taken once even if the answer is lost and the clerk presses again.
    let key = idempotencyKey(`${region}-${action}`);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearIssues(form);
      error.textContent = "";
      button.disabled = true;
      try {
        const body = {
          type: action,
          ...Object.fromEntries(texts.map(([id, k]) => [k, byId<HTMLInputElement>(id).value.trim()])),
          ...(await extra.body(form)),
        };
        const path = `/cases/${encodeURIComponent(c.caseId)}/actions`;
        acted(await api<CaseJson>("POST", path, body, { "Idempotency-Key": key }));
      } catch (err) {
        if (!(err instanceof ApiError)) {
          error.textContent = `操作失败：${String(err)}`;
          return;
        }
        key = idempotencyKey(`${region}-${action}`);
        const rest = showRefusal(form, err);
        error.textContent = rest && `网关拒绝了操作：${rest}`;
      } finally {
        button.disabled = false;
      }
    });
    return form;
  });
}
