/**
 * The supervision page's charts (issue 17, 统计/效能监督), drawn with Apache ECharts. Bundled apart from
 * the window page (dist/web/charts.js, scripts/build-web.mjs) and loaded only when a manager opens the
 * page, so clerks' windows do not download it. Only the parts used are bundled (bars, a line, grid,
 * legend, tooltip, the canvas renderer): served by the gateway itself like the rest of the page, no CDN.
 * Canvas, and tooltips drawn on it (`renderMode: "richText"`): the page's Content-Security-Policy allows
 * no inline style, which HTML tooltips need.
 */
import { BarChart, LineChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  AriaComponent,
  CanvasRenderer,
]);

/** One group's figures as the chart shows them. */
export interface ChartRow {
  readonly name: string;
  readonly received: number;
  readonly decided: number;
  readonly overdueNow: number;
  /** 0–1, or null when nothing was decided. */
  readonly onTimeRate: number | null;
}

/** Draws (or redraws) received / decided / overdue bars and the on-time rate line of `rows` into `el`. */
export function drawStats(el: HTMLElement, rows: readonly ChartRow[]): void {
  const chart = echarts.getInstanceByDom(el) ?? echarts.init(el, undefined, { renderer: "canvas" });
  chart.setOption(
    {
      animation: false,
      aria: { enabled: true },
      color: ["#1f5fa8", "#2e8b57", "#c0392b", "#d68910"],
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 40, bottom: 64 },
      xAxis: {
        type: "category",
        data: rows.map((r) => r.name),
        axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 },
      },
      yAxis: [
        { type: "value", name: "件", minInterval: 1 },
        { type: "value", name: "按时办结率", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      ],
      series: [
        { name: "收件", type: "bar", data: rows.map((r) => r.received) },
        { name: "办结", type: "bar", data: rows.map((r) => r.decided) },
        { name: "当前超期", type: "bar", data: rows.map((r) => r.overdueNow) },
        {
          name: "按时办结率",
          type: "line",
          yAxisIndex: 1,
          data: rows.map((r) => (r.onTimeRate === null ? null : Math.round(r.onTimeRate * 1000) / 10)),
        },
      ],
    },
    true,
  );
  chart.resize();
}
