/**
 * The window page of one region's gateway: 收件 (intake) and 办件 (case list,
 * case detail with the handling desk's actions), routed by the URL hash so
 * every screen has an address and the back button works.
 */
import { api } from "./api.js";
import { hideCase, showCase } from "./case-detail.js";
import { hideCaseList, setUpCaseList, showCaseList } from "./case-list.js";
import { byId } from "./dom.js";
import { setUpIntake } from "./intake.js";
import { setRegionNames } from "./labels.js";
import { setUpReceipt, showReceipt } from "./receipt.js";
import { signedIn } from "./signin.js";
import type { CaseJson, RegionJson } from "./types.js";

const VIEWS = ["view-intake", "view-receipt", "view-cases", "view-case"] as const;

function show(view: (typeof VIEWS)[number], title: string): void {
  for (const v of VIEWS) byId(v).hidden = v !== view;
  for (const [nav, views] of [
    ["nav-intake", ["view-intake", "view-receipt"]],
    ["nav-cases", ["view-cases", "view-case"]],
  ] as const) {
    if ((views as readonly string[]).includes(view)) byId(nav).setAttribute("aria-current", "page");
    else byId(nav).removeAttribute("aria-current");
  }
  // Keyboard and screen-reader users land on the new screen's heading.
  byId(view).querySelector<HTMLElement>("h2")?.focus();
  document.title = title;
}

async function boot(): Promise<void> {
  if (!(await signedIn())) return;
  const [{ region }, { regions }] = await Promise.all([
    fetch("/healthz").then((r) => r.json() as Promise<{ region: string }>),
    api<{ regions: RegionJson[] }>("GET", "/regions"),
  ]);
  setRegionNames(regions);
  const me = regions.find((r) => r.code === region) ?? { code: region, name: region, partners: [] };
  byId("region-name").textContent = me.name;
  const site = `${me.name}跨域通办`;
  let justSubmitted: CaseJson | undefined;
  setUpIntake(me, regions, (c) => {
    justSubmitted = c;
    location.hash = `#/receipt/${encodeURIComponent(c.caseId)}`;
  });
  setUpReceipt();
  setUpCaseList(regions);

  const route = async () => {
    hideCase();
    hideCaseList();
    const [, page = "intake", id] = location.hash.split("/").map(decodeURIComponent);
    if (page === "receipt" && id) {
      await showReceipt(id, justSubmitted?.caseId === id ? justSubmitted : undefined);
      show("view-receipt", `受理回执 · ${site}`);
    } else if (page === "cases" && id) {
      show("view-case", `办件详情 · ${site}`);
      await showCase(id, me.code);
    } else if (page === "cases") {
      show("view-cases", `办件列表 · ${site}`);
      await showCaseList();
    } else {
      show("view-intake", `收件 · ${site}`);
    }
  };
  const safeRoute = () =>
    route().catch((err: unknown) => {
      const box = byId("boot-error");
      box.hidden = false;
      box.textContent = `页面加载失败：${err instanceof Error ? err.message : String(err)}`;
    });
  window.addEventListener("hashchange", () => {
    byId("boot-error").hidden = true;
    void safeRoute();
  });
  await safeRoute();
  document.body.dataset.ready = "true";
}

boot().catch((err: unknown) => {
  const box = byId("boot-error");
  box.hidden = false;
  box.textContent = `无法连接本地网关：${err instanceof Error ? err.message : String(err)}`;
});
