/**
 * The action forms of a case (办理台 and window alike): one small form per
 * action this region may take now; Enter submits it, the server's refusals
 * land next to the field they name.
 */
import { allowedActions, type PageAction } from "./allowed.js";
import { ApiError, api, idempotencyKey } from "./api.js";
import { h } from "./dom.js";
import { clearIssues, showServerIssues } from "./fields.js";
import { type MaterialRow, materialRow } from "./material-row.js";
import { zhIssue } from "./messages.js";
import type { CaseJson, MatterJson } from "./types.js";

const TITLES: Readonly<Record<PageAction, string>> = {
  accept: "受理",
  reject: "不予受理",
  "request-supplement": "要求补正",
  supplement: "提交补正材料",
  decide: "办结",
  mail: "登记寄出",
  deliver: "确认送达",
  return: "登记邮件退回",
  withdraw: "撤回申请",
  note: "云会商留言",
};

function textArea(id: string, label: string, path: string): HTMLElement {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("textarea", { id, rows: 2, maxlength: path === "note" ? 2000 : 500, "data-path": path }),
  );
}

function textInput(id: string, label: string, path: string, attrs: Record<string, string> = {}): HTMLElement {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("input", { id, "data-path": path, autocomplete: "off", ...attrs }),
  );
}

/** Fields of each action's form, and how to read its body from them. */
function formParts(
  action: PageAction,
  c: CaseJson,
  matter: MatterJson | undefined,
): { fields: HTMLElement[]; body: (form: HTMLFormElement) => Promise<Record<string, unknown>> } {
  const val = (form: HTMLFormElement, id: string) =>
    (form.querySelector<HTMLInputElement | HTMLTextAreaElement>(`#${id}`)?.value ?? "").trim();
  switch (action) {
    case "reject":
    case "return":
    case "withdraw":
      return {
        fields: [textArea(`${action}-reason`, "理由", "reason")],
        body: async (f) => ({ type: action, reason: val(f, `${action}-reason`) }),
      };
    case "note":
      return {
        fields: [textArea("note-text", "留言内容", "note")],
        body: async (f) => ({ type: "note", note: val(f, "note-text") }),
      };
    case "request-supplement": {
      const options =
        matter?.materials ?? c.materials.map((m) => ({ materialCode: m.materialCode, name: m.name }));
      const boxes = h(
        "fieldset",
        { class: "field", "data-path": "materialCodes" },
        h("legend", {}, "需补正的材料"),
        ...options.map((m) =>
          h(
            "label",
            {},
            h("input", { type: "checkbox", name: "supplement-code", value: m.materialCode }),
            ` ${m.name}（${m.materialCode}）`,
          ),
        ),
      );
      return {
        fields: [boxes, textArea("supplement-reason", "补正理由（材料有何缺陷）", "reason")],
        body: async (f) => ({
          type: "request-supplement",
          reason: val(f, "supplement-reason"),
          materialCodes: [
            ...f.querySelectorAll<HTMLInputElement>('input[name="supplement-code"]:checked'),
          ].map((b) => b.value),
        }),
      };
    }
    case "supplement": {
      const names = new Map(c.materials.map((m) => [m.materialCode, m.name]));
      for (const m of matter?.materials ?? []) names.set(m.materialCode, m.name);
      const rows: MaterialRow[] = c.requestedMaterialCodes.map((code) =>
        materialRow(code, names.get(code) ?? code, true, "supplement-material"),
      );
      return {
        fields: [h("div", { class: "field", "data-path": "materials" }, ...rows.map((r) => r.element))],
        body: async () => {
          await Promise.all(rows.map((r) => r.settled()));
          const given = rows.flatMap((r) => {
            const m = r.material();
            return m ? [{ r, m }] : [];
          });
          for (const r of rows) r.input.removeAttribute("data-path");
          for (const [i, g] of given.entries()) g.r.input.setAttribute("data-path", `materials[${i}]`);
          return { type: "supplement", materials: given.map((g) => g.m) };
        },
      };
    }
    case "decide":
      return {
        fields: [
          h(
            "div",
            { class: "field", "data-path": "approved" },
            h(
              "label",
              {},
              h("input", { type: "radio", name: "approved", value: "true", checked: true }),
              " 准予",
            ),
            h("label", {}, h("input", { type: "radio", name: "approved", value: "false" }), " 不予批准"),
          ),
          textArea("decide-reason", "办结意见（不予批准时必填）", "reason"),
        ],
        body: async (f) => {
          const approved =
            f.querySelector<HTMLInputElement>('input[name="approved"]:checked')?.value === "true";
          const reason = val(f, "decide-reason");
          return { type: "decide", approved, ...(reason ? { reason } : {}) };
        },
      };
    case "mail":
      return {
        fields: [
          textInput("mail-courier", "快递公司", "courier", { value: "中国邮政EMS", maxlength: "50" }),
          textInput("mail-waybill", "运单号", "waybillNo", { maxlength: "30", inputmode: "text" }),
        ],
        body: async (f) => ({
          type: "mail",
          courier: val(f, "mail-courier"),
          waybillNo: val(f, "mail-waybill"),
        }),
      };
    case "accept":
    case "deliver":
      return { fields: [], body: async () => ({ type: action }) };
  }
}

/** The forms for every action `region` may take on `c`; `acted` gets the case after a step. */
export function actionForms(
  c: CaseJson,
  region: string,
  matter: MatterJson | undefined,
  acted: (c: CaseJson) => void,
): HTMLElement[] {
  return allowedActions(c, region).map((action) => {
    const { fields, body } = formParts(action, c, matter);
    const error = h("p", { class: "form-error", role: "alert" });
    const button = h(
      "button",
      { type: "submit", class: action === "reject" || action === "withdraw" ? "danger" : "primary" },
      TITLES[action],
    );
    const form = h(
      "form",
      { class: "action", "data-action": action, novalidate: true },
      h("h4", {}, TITLES[action]),
      ...fields,
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
        const next = await api<CaseJson>(
          "POST",
          `/cases/${encodeURIComponent(c.caseId)}/actions`,
          await body(form),
          {
            "Idempotency-Key": key,
          },
        );
        acted(next);
      } catch (err) {
        if (!(err instanceof ApiError)) {
          error.textContent = `操作失败：${String(err)}`;
          return;
        }
        key = idempotencyKey(`${region}-${action}`);
        const rest = showServerIssues(form, err.details);
        error.textContent =
          rest.length > 0 || err.details.length === 0
            ? `网关拒绝了操作：${rest.map((d) => zhIssue(d.issue)).join("；") || err.message}`
            : "";
      } finally {
        button.disabled = false;
      }
    });
    return form;
  });
}
