/**
 * The applicant page (`/apply/`, issue 18): sign in with the province's identity platform, apply for a
 * FULL_ONLINE matter, upload materials, follow the case (status, time limit, timeline), supplement when
 * asked (补正), withdraw, read the decision, rate the service once it is over (好差评) and read the answer
 * to a negative rating (整改情况). Only `/api/v1/apply/…` is called: the gateway decides whose
 * cases these are from the verified sign-in. Same rules as the window page: no innerHTML, nothing loaded
 * from elsewhere, Chinese wording of every refusal from the gateway's catalogue.
 */
import { ApiError, api, type IssueDetail } from "../api.js";
import { byId, fill, h, term } from "../dom.js";
import {
  cstTime,
  DELIVERY_LABELS,
  EVENT_LABELS,
  regionLabel,
  STATUS_LABELS,
  setRegionNames,
} from "../labels.js";
import { LIGHT_LABELS, zhIssue } from "../messages.js";
import type { CaseJson, EventJson, MaterialJson, MatterJson } from "../types.js";
import { rated, ratingForm } from "./rating.js";

interface Config {
  readonly region: string;
  readonly regionName: string;
  readonly signIn: boolean;
  readonly authorizeUrl: string;
}
interface Who {
  readonly kind: "person" | "organization";
  readonly name: string;
}

/** Events worded for the applicant where the window page's words are the staff's. */
const APPLICANT_EVENT_LABELS: Readonly<Record<string, string>> = {
  CaseSubmitted: "已提交申请，转办理地审查",
  WithdrawalRequested: "已申请撤回",
};

const VIEWS = ["signin", "list", "new", "case"] as const;
const call = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  api<T>(method, `/apply${path}`, body, headers);

function show(view: (typeof VIEWS)[number]): void {
  for (const v of VIEWS) byId(`view-${v}`).hidden = v !== view;
}

function problem(err: unknown): string {
  if (err instanceof ApiError) {
    const lines = err.details.map((d: IssueDetail) => d.message ?? zhIssue(d.issue));
    return lines.length > 0 ? lines.join("；") : err.message;
  }
  return "网络连接失败，请稍后再试";
}

function pageError(err: unknown): void {
  const p = byId("page-error");
  p.textContent = err === undefined ? "" : problem(err);
  p.hidden = err === undefined;
}

/** Takes the ID token the identity platform sent back in the fragment, once, and signs in with it. */
async function finishSignIn(): Promise<void> {
  const frag = new URLSearchParams(location.hash.slice(1));
  const idToken = frag.get("id_token");
  if (!idToken) return;
  history.replaceState(null, "", `${location.pathname}#/`);
  const expected = sessionStorage.getItem("xr-apply-state");
  sessionStorage.removeItem("xr-apply-state");
  if (!expected || frag.get("state") !== expected)
    throw new ApiError("UNAUTHENTICATED", "登录状态不符，请重新登录", []);
  await call("POST", "/session", { idToken });
}

function signInView(cfg: Config): void {
  const link = byId<HTMLAnchorElement>("signin-link");
  link.hidden = !cfg.signIn || cfg.authorizeUrl === "";
  byId("signin-off").hidden = cfg.signIn;
  const state = crypto.getRandomValues(new Uint32Array(4)).join("-");
  sessionStorage.setItem("xr-apply-state", state);
  const back = `${location.origin}/apply/`;
  link.href = `${cfg.authorizeUrl}?${new URLSearchParams({ redirect_uri: back, state })}`;
  show("signin");
}

function statusBadge(c: CaseJson): HTMLElement[] {
  const out = [h("span", { class: "badge", "data-status": c.status }, STATUS_LABELS[c.status])];
  if (c.light) out.push(h("span", { class: `badge light-${c.light.toLowerCase()}` }, LIGHT_LABELS[c.light]));
  return out;
}

async function listView(): Promise<void> {
  const { cases } = await call<{ cases: CaseJson[] }>("GET", "/cases");
  fill(
    byId("my-cases"),
    ...cases.map((c) =>
      h(
        "li",
        {},
        h(
          "a",
          { href: `#/case/${c.caseId}`, "data-case": c.caseId },
          h("strong", {}, c.matterName),
          h("br"),
          ...statusBadge(c),
          ` 回执编号 ${c.receiptNo}`,
        ),
      ),
    ),
  );
  byId("no-cases").hidden = cases.length > 0;
  show("list");
}

/** Uploads one file to the applicant's materials route; answers the material entry of the case. */
async function upload(file: File, materialCode: string, name: string): Promise<MaterialJson> {
  const type = file.type || "application/pdf";
  const stored = await call<{ sha256: string; sizeBytes: string; mediaType: string }>(
    "POST",
    "/materials",
    file,
    {
      "Content-Type": type,
    },
  );
  return {
    materialCode,
    name,
    sha256: stored.sha256,
    sizeBytes: stored.sizeBytes,
    mediaType: stored.mediaType,
  };
}

/** A file chooser per material that uploads as soon as a file is chosen. */
function materialInputs(
  el: HTMLElement,
  list: ReadonlyArray<{ materialCode: string; name: string; required?: boolean }>,
) {
  const done = new Map<string, MaterialJson>();
  fill(
    el,
    ...list.map((m) => {
      const state = h("span", { class: "done", "data-state": m.materialCode });
      const input = h("input", {
        type: "file",
        accept: "application/pdf,image/jpeg,image/png",
        "data-material": m.materialCode,
        id: `file-${m.materialCode}`,
      });
      input.addEventListener("change", async () => {
        const file = input.files?.[0];
        if (!file) return;
        state.textContent = "上传中…";
        try {
          done.set(m.materialCode, await upload(file, m.materialCode, m.name));
          state.textContent = "已上传";
        } catch (err) {
          state.textContent = problem(err);
        }
      });
      return h(
        "div",
        {},
        h("label", { for: `file-${m.materialCode}` }, m.name, m.required === false ? "（选交）" : ""),
        input,
        state,
      );
    }),
  );
  return done;
}

let uploaded = new Map<string, MaterialJson>();
let chosen: MatterJson | undefined;

async function loadMatters(region: string): Promise<void> {
  const { matters } = await call<{ matters: MatterJson[] }>("GET", `/regions/${region}/matters`);
  chosen = undefined;
  byId("apply-materials-set").hidden = true;
  fill(
    byId("apply-matters"),
    ...matters.map((m) => {
      const radio = h("input", { type: "radio", name: "matter", value: m.code });
      radio.addEventListener("change", () => {
        chosen = m;
        uploaded = materialInputs(byId("apply-materials"), m.materials);
        byId("apply-materials-set").hidden = false;
      });
      return h(
        "label",
        {},
        radio,
        h(
          "span",
          {},
          m.name,
          h("br"),
          h("small", { class: "hint" }, `承诺 ${m.promisedDays} 个工作日 · ${m.department}`),
        ),
      );
    }),
  );
  if (matters.length === 0)
    fill(byId("apply-matters"), h("p", { class: "hint" }, "该地区暂无可全程网办的事项。"));
}

async function newView(): Promise<void> {
  const { regions } = await call<{ regions: Array<{ code: string; name: string }> }>("GET", "/regions");
  setRegionNames(regions);
  const select = byId<HTMLSelectElement>("apply-region");
  fill(select, ...regions.map((r) => h("option", { value: r.code }, r.name)));
  const load = (code: string) =>
    loadMatters(code).catch((err: unknown) => {
      // A region whose catalog has not come yet: say so where the matters would be, and let another be chosen.
      fill(byId("apply-matters"), h("p", { class: "error", role: "alert" }, problem(err)));
    });
  select.onchange = () => void load(select.value);
  fill(byId("apply-issues"));
  show("new");
  if (regions[0]) await load(regions[0].code);
}

function deliveryOf(): Record<string, string> {
  const method =
    (document.querySelector('input[name="delivery"]:checked') as HTMLInputElement | null)?.value ??
    "ELECTRONIC";
  if (method !== "MAIL") return { method };
  const v = (id: string) => byId<HTMLInputElement>(id).value.trim();
  return {
    method,
    recipient: v("mail-recipient"),
    mobile: v("mail-mobile"),
    address: v("mail-address"),
    postalCode: v("mail-postal"),
  };
}

async function submit(ev: Event): Promise<void> {
  ev.preventDefault();
  const issues = byId("apply-issues");
  if (!chosen) {
    fill(issues, h("li", {}, "请选择事项"));
    return;
  }
  const button = byId<HTMLButtonElement>("apply-submit");
  button.disabled = true;
  try {
    const c = await call<CaseJson>(
      "POST",
      "/cases",
      {
        handlingRegion: byId<HTMLSelectElement>("apply-region").value,
        matterCode: chosen.code,
        materials: [...uploaded.values()],
        mobile: byId<HTMLInputElement>("apply-mobile").value.trim(),
        delivery: deliveryOf(),
      },
      { "Idempotency-Key": crypto.getRandomValues(new Uint32Array(4)).join("") },
    );
    location.hash = `#/case/${c.caseId}`;
  } catch (err) {
    const details = err instanceof ApiError && err.details.length > 0 ? err.details : undefined;
    fill(
      issues,
      ...(details
        ? details.map((d) => h("li", { "data-path": d.path }, d.message ?? zhIssue(d.issue)))
        : [h("li", {}, problem(err))]),
    );
  } finally {
    button.disabled = false;
  }
}

function noticeOf(c: CaseJson): HTMLElement | null {
  if (c.status === "REJECTED")
    return h("div", { class: "notice", id: "decision" }, h("h3", {}, "不予受理通知"), h("p", {}, c.reason));
  if (c.approved === undefined) return null;
  return h(
    "div",
    { class: "notice", id: "decision" },
    h("h3", {}, "办理结果通知"),
    h("p", {}, `${c.matterName}：${c.approved ? "准予办理" : "不予办理"}。`),
    c.reason ? h("p", {}, `理由：${c.reason}`) : null,
    h("p", { class: "hint" }, `送达方式：${DELIVERY_LABELS[c.delivery.method]}`),
  );
}

/** Whether the applicant may rate now (lifecycle.ts): delivered, or refused (不予受理 or 不予办理). */
function serviceOver(c: CaseJson): boolean {
  return c.status === "DELIVERED" || c.status === "REJECTED" || c.approved === false;
}

/** The event's payload object, named after its type (`actor`, also an object, is not it). */
function payloadOf(e: EventJson): Record<string, unknown> | undefined {
  const p = e[typeOf(e).charAt(0).toLowerCase() + typeOf(e).slice(1)];
  return typeof p === "object" && p !== null ? (p as Record<string, unknown>) : undefined;
}

function payloadText(e: EventJson): string {
  const p = payloadOf(e);
  const reason = typeof p?.reason === "string" && p.reason ? `：${p.reason}` : "";
  const waybill = typeof p?.waybillNo === "string" ? `：${p.courier ?? ""} 运单号 ${p.waybillNo}` : "";
  return reason || waybill;
}

function typeOf(e: EventJson): string {
  return e.type;
}

async function caseView(id: string): Promise<void> {
  const [c, { events }] = await Promise.all([
    call<CaseJson>("GET", `/cases/${id}`),
    call<{ events: EventJson[] }>("GET", `/cases/${id}/events`),
  ]);
  byId("case-title").textContent = c.matterName;
  const d = c.delivery;
  fill(
    byId("case-summary"),
    ...term("回执编号", c.receiptNo),
    ...term("状态", ...statusBadge(c)),
    ...term("办理地", regionLabel(c.handlingRegion)),
    ...term("办结期限", c.clock?.dueOn ?? (c.deadline || "受理后计算")),
    ...term("送达方式", DELIVERY_LABELS[d.method], d.waybillNo ? `：${d.courier} 运单号 ${d.waybillNo}` : ""),
  );
  fill(byId("case-notice"), noticeOf(c));
  const supplement = byId("case-supplement");
  if (c.status === "SUPPLEMENT_REQUESTED") {
    const box = h("div");
    const asked = c.requestedMaterialCodes.map((code) => ({
      materialCode: code,
      name: c.materials.find((m) => m.materialCode === code)?.name ?? code,
    }));
    const done = materialInputs(box, asked);
    const send = h("button", { type: "button", class: "primary", id: "supplement-submit" }, "提交补正材料");
    const issue = h("p", { class: "error", role: "alert" });
    send.addEventListener("click", async () => {
      try {
        await call("POST", `/cases/${id}/actions`, { type: "supplement", materials: [...done.values()] });
        await caseView(id);
      } catch (err) {
        issue.textContent = problem(err);
      }
    });
    fill(
      supplement,
      h(
        "div",
        { class: "notice", id: "supplement-asked" },
        h("h3", {}, "请补正材料"),
        h("p", {}, c.reason),
        box,
        send,
        issue,
      ),
    );
  } else fill(supplement);
  const withdraw = byId("case-withdraw");
  const open =
    ["SUBMITTED", "FORWARDED", "ACCEPTED", "SUPPLEMENT_REQUESTED"].includes(c.status) && !c.withdrawalRequest;
  if (open) {
    const reason = h("input", { id: "withdraw-reason", maxlength: 500, placeholder: "撤回原因" });
    const btn = h("button", { type: "button", id: "withdraw-submit" }, "申请撤回");
    const issue = h("p", { class: "error", role: "alert" });
    btn.addEventListener("click", async () => {
      try {
        await call("POST", `/cases/${id}/actions`, { type: "withdraw", reason: reason.value.trim() });
        await caseView(id);
      } catch (err) {
        issue.textContent = problem(err);
      }
    });
    fill(
      withdraw,
      h(
        "details",
        {},
        h("summary", {}, "不想办了？申请撤回"),
        h("label", { for: "withdraw-reason" }, "撤回原因"),
        reason,
        btn,
        issue,
      ),
    );
  } else
    fill(withdraw, c.withdrawalRequest ? h("p", { class: "hint" }, "已申请撤回，等待办理地确认。") : null);
  fill(
    byId("case-timeline"),
    ...events.map((e) => {
      const type = typeOf(e) as keyof typeof EVENT_LABELS;
      const label = APPLICANT_EVENT_LABELS[type] ?? EVENT_LABELS[type] ?? type;
      return h("li", { "data-event": type }, `${cstTime(e.occurredAt)} ${label}${payloadText(e)}`);
    }),
  );
  // After the summary and timeline: the form waits for its options, and the rest must not wait for it.
  const rating = byId("case-rating");
  if (c.rating) fill(rating, rated(c.rating));
  else if (serviceOver(c))
    fill(
      rating,
      await ratingForm(
        async (body) => {
          await call("POST", `/cases/${id}/rating`, body);
          await caseView(id);
        },
        () => call("GET", "/rating-options"),
      ),
    );
  else fill(rating);
  show("case");
}

async function route(): Promise<void> {
  pageError(undefined);
  const m = /^#\/case\/([0-9A-Za-z]+)$/.exec(location.hash);
  if (m?.[1]) {
    // Another applicant's case and an unknown one are answered alike by the gateway, and worded alike here.
    return caseView(m[1]).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === "NOT_FOUND")
        throw new ApiError(err.code, "没有找到这个办件：只能查看本人申请的办件", []);
      throw err;
    });
  }
  if (location.hash === "#/new") return newView();
  return listView();
}

async function boot(): Promise<void> {
  const cfg = await call<Config>("GET", "/config");
  byId("region-name").textContent = cfg.regionName;
  await finishSignIn();
  let who: Who;
  try {
    who = await call<Who>("GET", "/session");
  } catch {
    signInView(cfg);
    return;
  }
  const { regions } = await call<{ regions: Array<{ code: string; name: string }> }>("GET", "/regions");
  setRegionNames([{ code: cfg.region, name: cfg.regionName }, ...regions]);
  const whoEl = byId("who");
  whoEl.textContent = `${who.name}（${who.kind === "person" ? "个人" : "法人"}）`;
  whoEl.hidden = false;
  const out = byId("sign-out");
  out.hidden = false;
  out.onclick = async () => {
    await call("DELETE", "/session").catch(() => undefined);
    location.reload();
  };
  byId("apply-form").addEventListener("submit", (ev) => void submit(ev));
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="delivery"]'))
    r.addEventListener("change", () => {
      byId("mail-fields").hidden = deliveryOf().method !== "MAIL";
    });
  window.addEventListener("hashchange", () => void route().catch(pageError));
  await route();
}

document.addEventListener("DOMContentLoaded", () => void boot().catch(pageError));
