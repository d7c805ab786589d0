/**
 * 办件列表: this region's cases, filtered by status, region and overdue,
 * refreshed when the gateway's change stream names a case.
 */
import type { CaseStatus } from "../../domain/case.js";
import { ApiError, api } from "./api.js";
import { byId, fill, follow, h } from "./dom.js";
import { holderLabel, regionLabel, routeLabel, STATUS_LABELS } from "./labels.js";
import { LIGHT_LABELS } from "./messages.js";
import type { CaseJson, RegionJson } from "./types.js";

/**
 * The 电子监察 light of an open case (正常/预警/超期, issue 17); a case without a clock (filed before
 * clocks existed) shows 超期 when overdue, as before.
 */
export function lightBadge(c: CaseJson): HTMLElement | null {
  const light = c.light ?? (c.overdue ? "RED" : undefined);
  if (light === undefined) return null;
  return h(
    "span",
    { class: `badge light light-${light.toLowerCase()}`, "data-light": light },
    LIGHT_LABELS[light],
  );
}

async function load(): Promise<void> {
  const params = new URLSearchParams();
  const status = byId<HTMLSelectElement>("filter-status").value;
  const region = byId<HTMLSelectElement>("filter-region").value;
  if (status) params.set("status", status);
  if (region) params.set("region", region);
  if (byId<HTMLInputElement>("filter-overdue").checked) params.set("overdue", "true");
  const { cases } = await api<{ cases: CaseJson[] }>("GET", `/cases?${params}`);
  byId("cases-empty").hidden = cases.length > 0;
  fill(
    byId("case-rows"),
    ...cases.map((c) =>
      h(
        "tr",
        { "data-case-id": c.caseId, class: c.overdue ? "overdue" : undefined },
        h("td", {}, h("a", { href: `#/cases/${encodeURIComponent(c.caseId)}` }, c.receiptNo)),
        h("td", {}, c.matterName),
        h("td", {}, routeLabel(c)),
        h("td", { class: "status" }, STATUS_LABELS[c.status]),
        h("td", { class: "held-by" }, holderLabel(c)),
        h("td", { class: "deadline" }, c.deadline, lightBadge(c)),
      ),
    ),
  );
}

/** Fills the filters once (after their 全部). */
export function setUpCaseList(regions: readonly RegionJson[]): void {
  byId("filter-status").append(
    ...(Object.entries(STATUS_LABELS) as Array<[CaseStatus, string]>).map(([code, label]) =>
      h("option", { value: code }, label),
    ),
  );
  byId("filter-region").append(...regions.map((r) => h("option", { value: r.code }, regionLabel(r.code))));
  byId("case-filter").addEventListener("change", () => void load());
  byId("lookup-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void lookUp();
  });
  byId("case-filter").addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
}

/**
 * 按回执编号查询: the applicant's receipt number finds the case at any window of a region party to it (the
 * intake or the handling region); one found opens its page.
 */
async function lookUp(): Promise<void> {
  const input = byId<HTMLInputElement>("lookup-receipt");
  const result = byId("lookup-result");
  const typed = input.value.trim();
  result.textContent = "";
  input.removeAttribute("aria-invalid");
  if (!typed) {
    result.textContent = "请输入回执编号";
    input.setAttribute("aria-invalid", "true");
    return;
  }
  try {
    const { cases } = await api<{ cases: CaseJson[] }>(
      "GET",
      `/cases?${new URLSearchParams({ receiptNo: typed })}`,
    );
    const [found] = cases;
    if (found) {
      location.hash = `#/cases/${encodeURIComponent(found.caseId)}`;
      return;
    }
    result.textContent = "未找到该回执编号的办件：本地区不是该件的收件地或办理地，或编号有误。";
  } catch (err) {
    result.textContent =
      err instanceof ApiError && err.code === "INVALID_ARGUMENT"
        ? "回执编号应为回执上的 20 位编号（地区代码、收件日期和 6 位字母数字）。"
        : `查询失败：${err instanceof Error ? err.message : String(err)}`;
  }
  input.setAttribute("aria-invalid", "true");
}

/** Shows the list and reloads it whenever the change stream names a case, until `unfollow`. */
export async function showCaseList(): Promise<void> {
  follow("/api/v1/stream", byId("cases-live"), "case-changed", () => void load());
  await load();
}
