/**
 * The window page of one region's gateway: 收件 (intake) and 办件 (case list,
 * case detail with the handling desk's actions), routed by the URL hash so
 * every screen has an address and the back button works.
 */
import { api } from "./api.js";
import { showCase } from "./case-detail.js";
import { setUpCaseList, showCaseList } from "./case-list.js";
import { byId, unfollow } from "./dom.js";
import { setUpIntake } from "./intake.js";
import { setRegionNames } from "./labels.js";
import { showNotice } from "./notice.js";
import { showReceipt } from "./receipt.js";
import { ROLE_LABELS, signedIn } from "./signin.js";
import { setUpSupervision, showSupervision } from "./supervision.js";
import type { CaseJson, RegionJson } from "./types.js";

/** Each screen and the menu entry it belongs to. */
const VIEWS = {
  "view-intake": "nav-intake",
  "view-receipt": "nav-intake",
  "view-notice": "nav-cases",
  "view-cases": "nav-cases",
  "view-case": "nav-cases",
  "view-stats": "nav-stats",
} as const;

function show(view: keyof typeof VIEWS, title: string): void {
  for (const [v, nav] of Object.entries(VIEWS)) {
    byId(v).hidden = v !== view;
    if (nav === VIEWS[view]) byId(nav).setAttribute("aria-current", "page");
    else byId(nav).removeAttribute("aria-current");
  }
  // Keyboard and screen-reader users land on the new screen's heading.
  byId(view).querySelector<HTMLElement>("h2")?.focus();
  document.title = title;
}

/** Shows what went wrong above every screen. */
function failed(what: string): (err: unknown) => void {
  return (err) => {
    const box = byId("boot-error");
    box.hidden = false;
    box.textContent = `${what}：${err instanceof Error ? err.message : String(err)}`;
  };
}

async function boot(): Promise<void> {
  const staff = await signedIn();
  if (!staff) return;
  // The intake form only for roles the gateway takes a submission from (GET /session says which).
  const mayIntake = staff.operations?.includes("submit") ?? false;
  const [{ region }, { regions }] = await Promise.all([
    fetch("/healthz").then((r) => r.json() as Promise<{ region: string }>),
    api<{ regions: RegionJson[] }>("GET", "/regions"),
  ]);
  setRegionNames(regions);
  const me = regions.find((r) => r.code === region) ?? { code: region, name: region, partners: [] };
  byId("region-name").textContent = me.name;
  const site = `${me.name}跨域通办`;
  let justSubmitted: CaseJson | undefined;
  // The receipt names the clerk who took the case in: this page's signed-in clerk, when it did.
  if (mayIntake) {
    setUpIntake(me, regions, (c) => {
      justSubmitted = c;
      location.hash = `#/receipt/${encodeURIComponent(c.caseId)}`;
    });
  } else {
    byId("intake-form").hidden = true;
    const notice = byId("intake-not-offered");
    notice.hidden = false;
    notice.textContent = `当前登录岗位（${ROLE_LABELS[staff.role]}）不能办理收件，收件请由窗口收件员登录办理。`;
  }
  byId("receipt-print").addEventListener("click", () => window.print());
  byId("notice-print").addEventListener("click", () => window.print());
  setUpCaseList(regions);
  // 效能监督 (issue 17) for the roles the gateway answers GET /stats for.
  const mayStats = staff.operations?.includes("stats") ?? false;
  if (mayStats) {
    byId("nav-stats").hidden = false;
    setUpSupervision();
  }

  const route = async () => {
    unfollow();
    // Staff who take no intake start at the case list; managers at their supervision page.
    const [, page = mayIntake ? "intake" : mayStats ? "stats" : "cases", id] = location.hash
      .split("/")
      .map(decodeURIComponent);
    if (page === "receipt" && id) {
      const mine = justSubmitted?.caseId === id;
      await showReceipt(id, mine ? justSubmitted : undefined, mine ? staff.name : undefined);
      show("view-receipt", `收件回执 · ${site}`);
    } else if (page === "notice" && id) {
      if (await showNotice(id)) show("view-notice", `${byId("notice-title").textContent} · ${site}`);
      else location.hash = `#/cases/${encodeURIComponent(id)}`;
    } else if (page === "cases" && id) {
      show("view-case", `办件详情 · ${site}`);
      await showCase(id, me.code, staff.role);
    } else if (page === "stats" && mayStats) {
      show("view-stats", `效能监督 · ${site}`);
      await showSupervision();
    } else if (page === "cases") {
      show("view-cases", `办件列表 · ${site}`);
      await showCaseList();
    } else {
      show("view-intake", `收件 · ${site}`);
    }
  };
  const safeRoute = () => route().catch(failed("页面加载失败"));
  window.addEventListener("hashchange", () => {
    byId("boot-error").hidden = true;
    void safeRoute();
  });
  await safeRoute();
  document.body.dataset.ready = "true";
}

boot().catch(failed("无法连接本地网关"));
