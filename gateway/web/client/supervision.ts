/**
 * 统计/效能监督 (issue 17): the supervision page of a region's managers. Figures per matter or per partner
 * region over a date range (`GET /api/v1/stats`), charts (charts.ts, loaded on first use), the open
 * cases red or yellow now, and the same figures as CSV for Excel.
 */
import { api } from "./api.js";
import type { ChartRow } from "./charts.js";
import { byId, fill, h } from "./dom.js";
import { LIGHT_LABELS } from "./messages.js";

interface StatsRowJson extends ChartRow {
  readonly key: string;
  readonly onTime: number;
  readonly avgDecideDays: number | null;
  readonly suspendedDays: number;
  readonly rated: number;
  readonly satisfactionRate: number | null;
  readonly negative: number;
  readonly rectificationOpen: number;
  readonly rectificationOverdue: number;
}

interface WatchJson {
  readonly caseId: string;
  readonly matterCode: string;
  readonly matterName: string;
  readonly partnerName: string;
  readonly intakeRegion: string;
  readonly handlingRegion: string;
  readonly arrivedOn: string;
  readonly dueOn: string;
  readonly stoppedOn: string | null;
  readonly breachDays: number | null;
  readonly breachStage: string | null;
  readonly light: "RED" | "YELLOW";
}

interface StatsJson {
  readonly from: string;
  readonly to: string;
  readonly today: string;
  readonly groupBy: "matter" | "region";
  readonly groups: StatsRowJson[];
  readonly totals: StatsRowJson;
  readonly overdue: WatchJson[];
}

type Charts = typeof import("./charts.js");
// A path the bundler leaves alone: the charts are their own file, fetched when first drawn.
const CHARTS_URL = "/app/charts.js";
let charts: Promise<Charts> | undefined;

const percent = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);
const STAGES: Readonly<Record<string, string>> = { accept: "受理", decide: "办结" };

function query(): URLSearchParams {
  const params = new URLSearchParams();
  const from = byId<HTMLInputElement>("stats-from").value;
  const to = byId<HTMLInputElement>("stats-to").value;
  if (from) params.set("from", from);
  if (to) params.set("to", to);
  params.set("groupBy", byId<HTMLSelectElement>("stats-group").value);
  return params;
}

function row(r: StatsRowJson, total = false): HTMLTableRowElement {
  const cell = (v: string | number) => h(total ? "th" : "td", total ? { scope: "row" } : {}, String(v));
  return h(
    "tr",
    total ? { class: "total" } : {},
    cell(r.name),
    h("td", {}, String(r.received)),
    h("td", {}, String(r.decided)),
    h("td", {}, String(r.onTime)),
    h("td", { "data-col": "rate" }, percent(r.onTimeRate)),
    h("td", {}, r.avgDecideDays === null ? "—" : String(r.avgDecideDays)),
    h("td", {}, String(r.suspendedDays)),
    h("td", { "data-col": "overdue" }, String(r.overdueNow)),
    h("td", { "data-col": "rated" }, String(r.rated)),
    h("td", { "data-col": "satisfaction" }, percent(r.satisfactionRate)),
    h("td", { "data-col": "negative" }, String(r.negative)),
    h("td", { "data-col": "rectification-open" }, String(r.rectificationOpen)),
    h("td", { "data-col": "rectification-overdue" }, String(r.rectificationOverdue)),
  );
}

function watchRow(w: WatchJson): HTMLTableRowElement {
  const late =
    w.breachDays === null
      ? w.light === "RED"
        ? "已过期限"
        : "即将到期"
      : `${STAGES[w.breachStage ?? ""] ?? ""}超期 ${w.breachDays} 个工作日`;
  return h(
    "tr",
    { "data-light": w.light },
    h("td", {}, h("span", { class: `badge light light-${w.light.toLowerCase()}` }, LIGHT_LABELS[w.light])),
    h("td", {}, h("a", { href: `#/cases/${encodeURIComponent(w.caseId)}` }, w.caseId)),
    h("td", {}, w.matterName),
    h("td", {}, w.partnerName),
    h("td", {}, w.arrivedOn),
    h("td", {}, w.dueOn, w.stoppedOn ? `（${w.stoppedOn} 起中止）` : ""),
    h("td", {}, late),
  );
}

/** Loads the figures for the form's range and grouping and shows them. */
export async function showSupervision(): Promise<void> {
  const params = query();
  const s = await api<StatsJson>("GET", `/stats?${params}`);
  byId<HTMLInputElement>("stats-from").value = s.from;
  byId<HTMLInputElement>("stats-to").value = s.to;
  byId("stats-range").textContent = `统计区间 ${s.from} 至 ${s.to}（超期、预警按 ${s.today} 计）`;
  byId("stats-key").textContent = s.groupBy === "matter" ? "事项" : "合作地区";
  fill(byId("stats-rows"), ...s.groups.map((g) => row(g)), row(s.totals, true));
  byId("stats-empty").hidden = s.groups.length > 0;
  fill(byId("stats-watch"), ...s.overdue.map(watchRow));
  byId("stats-watch-empty").hidden = s.overdue.length > 0;
  params.set("format", "csv");
  byId<HTMLAnchorElement>("stats-csv").href = `/api/v1/stats?${params}`;
  charts ??= import(CHARTS_URL) as Promise<Charts>;
  (await charts).drawStats(byId("stats-chart"), s.groups);
  byId("view-stats").dataset.loaded = `${s.from}/${s.to}/${s.groupBy}`;
}

/** Wires the range form once. */
export function setUpSupervision(): void {
  byId("stats-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void showSupervision().catch((err: unknown) => {
      byId("stats-error").textContent = err instanceof Error ? err.message : String(err);
    });
  });
}
