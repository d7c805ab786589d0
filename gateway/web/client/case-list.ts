/**
 * 办件列表: this region's cases, filtered by status, region and overdue,
 * refreshed when the gateway's change stream names a case.
 */
import type { CaseStatus } from "../../domain/case.js";
import { api } from "./api.js";
import { byId, fill, h } from "./dom.js";
import { regionLabel, STATUS_LABELS } from "./labels.js";
import type { CaseJson, RegionJson } from "./types.js";

let changes: EventSource | undefined;
let reloadTimer: ReturnType<typeof setTimeout> | undefined;

function holder(c: CaseJson): string {
  return c.heldBy === "" ? "（已结束）" : regionLabel(c.heldBy);
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
        h("td", {}, `${regionLabel(c.intakeRegion)} → ${regionLabel(c.handlingRegion)}`),
        h("td", { class: "status" }, STATUS_LABELS[c.status]),
        h("td", { class: "held-by" }, holder(c)),
        h("td", { class: "deadline" }, c.deadline, c.overdue ? h("span", { class: "badge" }, "超期") : null),
      ),
    ),
  );
}

function reloadSoon(): void {
  // A burst of changes (a batch from the bus) becomes one reload.
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => void load(), 150);
}

/** Fills the filters once. */
export function setUpCaseList(regions: readonly RegionJson[]): void {
  fill(
    byId("filter-status"),
    h("option", { value: "" }, "全部"),
    ...(Object.entries(STATUS_LABELS) as Array<[CaseStatus, string]>).map(([code, label]) =>
      h("option", { value: code }, label),
    ),
  );
  fill(
    byId("filter-region"),
    h("option", { value: "" }, "全部"),
    ...regions.map((r) => h("option", { value: r.code }, regionLabel(r.code))),
  );
  byId("case-filter").addEventListener("change", () => void load());
  byId("case-filter").addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
}

/** Shows the list and follows changes until {@link hideCaseList}. */
export async function showCaseList(): Promise<void> {
  const live = byId("cases-live");
  changes?.close();
  changes = new EventSource("/api/v1/stream");
  changes.addEventListener("open", () => {
    live.textContent = "● 实时更新";
  });
  changes.addEventListener("error", () => {
    live.textContent = "○ 正在重新连接……";
  });
  changes.addEventListener("case-changed", reloadSoon);
  await load();
}

/** Stops following changes. */
export function hideCaseList(): void {
  changes?.close();
  changes = undefined;
  clearTimeout(reloadTimer);
}
