/**
 * The supervision figures as CSV that Excel opens with the Chinese intact: UTF-8 with a byte-order mark
 * (without it Excel on a zh-CN Windows reads the file as GBK), CRLF line ends, headers in zh-CN.
 */
import { stringify } from "csv-stringify/sync";
import type { StatsReport, StatsRow } from "../usecases/stats.js";

const percent = (r: number | null) => (r === null ? "" : `${(r * 100).toFixed(1)}%`);

function line(r: StatsRow, key: string): (string | number)[] {
  return [
    key,
    r.name,
    r.received,
    r.decided,
    r.onTime,
    percent(r.onTimeRate),
    r.avgDecideDays ?? "",
    r.suspendedDays,
    r.overdueNow,
    r.rated,
    percent(r.satisfactionRate),
    r.negative,
    r.rectificationOpen,
    r.rectificationOverdue,
  ];
}

/** The report's groups and totals, one row each, preceded by the range. */
export function statsCsv(report: StatsReport): string {
  const keyHeader = report.groupBy === "matter" ? "事项编码" : "合作地区代码";
  const nameHeader = report.groupBy === "matter" ? "事项名称" : "合作地区";
  return stringify(
    [
      ["统计区间", `${report.from} 至 ${report.to}`, "统计日", report.today],
      [
        keyHeader,
        nameHeader,
        "收件数",
        "办结数",
        "按时办结数",
        "按时办结率",
        "平均办结工作日",
        "中止工作日合计",
        "当前超期件数",
        "评价数",
        "满意率",
        "差评数",
        "整改未反馈",
        "整改逾期",
      ],
      ...report.groups.map((g) => line(g, g.key)),
      line(report.totals, ""),
    ],
    { bom: true, record_delimiter: "windows" },
  );
}
