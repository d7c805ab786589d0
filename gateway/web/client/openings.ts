/** 材料查阅记录: who of this region opened which scan of a case, and when (the region's auditors only). */
import { api } from "./api.js";
import { byId, fill, h } from "./dom.js";
import { cstTime } from "./labels.js";
import type { CaseJson } from "./types.js";

interface OpeningJson {
  readonly sha256: string;
  readonly staffName: string;
  readonly staffRole: string;
  readonly openedAt: string;
  readonly range: string;
}

const ROLE_NAMES: Readonly<Record<string, string>> = {
  clerk: "窗口收件",
  handler: "办理",
  auditor: "审计",
  admin: "管理员",
};

/** Shows the openings of `c`'s materials under its summary; empty for anyone but an auditor. */
export async function showOpenings(c: CaseJson, role: string): Promise<void> {
  const box = byId("case-openings");
  fill(box);
  if (role !== "auditor") return;
  const { openings } = await api<{ openings: OpeningJson[] }>(
    "GET",
    `/cases/${encodeURIComponent(c.caseId)}/material-openings`,
  );
  const names = new Map(c.materials.map((m) => [m.sha256, m.name]));
  fill(
    box,
    h("h3", {}, "材料查阅记录"),
    openings.length === 0
      ? h("p", { class: "hint" }, "本地区工作人员尚未打开过本件的材料。")
      : h(
          "table",
          {},
          h(
            "thead",
            {},
            h("tr", {}, ...["时间", "工作人员", "材料", "范围"].map((x) => h("th", { scope: "col" }, x))),
          ),
          h(
            "tbody",
            {},
            ...openings.map((o) =>
              h(
                "tr",
                {},
                h("td", {}, cstTime(o.openedAt)),
                h("td", {}, `${o.staffName}（${ROLE_NAMES[o.staffRole] ?? o.staffRole}）`),
                h("td", {}, names.get(o.sha256) ?? "", " ", h("code", {}, `${o.sha256.slice(0, 12)}…`)),
                h("td", {}, o.range || "整个文件"),
              ),
            ),
          ),
        ),
  );
}
