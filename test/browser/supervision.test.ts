/**
 * 统计/效能监督 (issue 17): a manager of 广州 reads the supervision page — figures per matter and per
 * partner over a range, the chart (Apache ECharts, served by the gateway under its CSP), the overdue list
 * with its lights, and the CSV export with its BOM. Other roles are not offered the page.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { Clock } from "../../gateway/ports/clock.js";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { authFor } from "../helpers/staff.js";
import { describeBrowser, errorsOf, launchBrowser, openPage, screenshot } from "./browser.js";

const CS = "430100";
const GZ = "440100";

describeBrowser("window page: 效能监督 for managers", function () {
  this.timeout(120_000);
  let t: TestFederation;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];

  const on = (day: string) => {
    for (const r of [CS, GZ]) {
      const ctx = t.fed.regions.get(r)?.context as { clock: Clock };
      ctx.clock = { now: () => new Date(`${day}T02:00:00Z`) };
    }
  };
  const file = async (day: string) => {
    on(day);
    const r = await call("POST", `${t.url(CS)}/cases`, pensionTransfer());
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    await waitForStatus(t, GZ, r.body.caseId, "FORWARDED");
    return r.body.caseId as string;
  };
  const act = async (id: string, body: unknown, day: string) => {
    on(day);
    const r = await call("POST", `${t.url(GZ)}/cases/${id}/actions`, body, authFor(t.url(GZ), "handler"));
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
  };
  const loaded = (key: string) => page.locator(`#view-stats[data-loaded="${key}"]`).waitFor();

  before(async () => {
    [t, browser] = await Promise.all([startTestFederation([CS, GZ]), launchBrowser()]);
    // Three decided on time, one accepted late (its breach stays), one suspended for a hearing, two open.
    for (const day of ["2026-03-02", "2026-03-03", "2026-03-04"]) {
      const id = await file(day);
      await act(id, { type: "accept" }, "2026-03-05");
      await act(id, { type: "decide", approved: true }, "2026-03-10");
    }
    const late = await file("2026-03-02");
    await act(late, { type: "accept" }, "2026-03-16");
    await act(late, { type: "decide", approved: true }, "2026-03-18");
    const heard = await file("2026-03-09");
    await act(heard, { type: "accept" }, "2026-03-10");
    await act(
      heard,
      { type: "suspend", suspensionKind: "HEARING", reason: "听证", expectedDays: 5 },
      "2026-03-11",
    );
    await act(heard, { type: "resume" }, "2026-03-18");
    await act(heard, { type: "decide", approved: true }, "2026-03-19");
    await file("2026-03-02"); // never accepted: red by 2026-03-25
    const soon = await file("2026-03-20"); // accept limit 2026-03-27: yellow on 2026-03-25
    void soon;
    on("2026-03-25");
    page = await openPage(browser, `${t.fed.regions.get(GZ)?.url}/`, "manager");
    page.on("console", (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("starts a manager at the supervision page and shows the figures of the range asked for", async () => {
    await page.locator("#view-stats:not([hidden])").waitFor();
    expect(await page.locator("#nav-stats").isVisible()).to.equal(true);
    await page.fill("#stats-from", "2026-03-01");
    await page.fill("#stats-to", "2026-03-31");
    await page.click("#stats-submit");
    await loaded("2026-03-01/2026-03-31/matter");
    const first = page.locator("#stats-rows tr").first();
    const cells = await first.locator("td, th").allTextContents();
    // 7 received, 5 decided, 4 on time (80.0%: the late acceptance stays late), 1 red now (never accepted).
    expect(cells.slice(0, 5)).to.deep.equal(["基本养老保险关系转移接续", "7", "5", "4", "80.0%"]);
    expect(cells[7]).to.equal("1");
    expect(Number(cells[6])).to.be.greaterThan(0); // the hearing's suspended working days
    // 好差评 (issue 18): none of these cases is rated, so no 满意率 rather than 0%.
    expect(cells.slice(8)).to.deep.equal(["0", "—", "0", "0", "0"]);
    expect((await page.locator("#stats-table thead th").allTextContents()).slice(-5)).to.deep.equal([
      "评价数",
      "满意率",
      "差评",
      "整改未反馈",
      "整改逾期",
    ]);
    expect(await page.locator("#stats-rows tr.total th").textContent()).to.equal("合计");
  });

  it("lists the red and yellow cases with their lights", async () => {
    const lights = await page
      .locator("#stats-watch tr")
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-light")));
    expect(lights).to.deep.equal(["RED", "YELLOW"]);
    expect(await page.locator("#stats-watch tr").first().locator(".badge").textContent()).to.equal("超期");
  });

  it("draws the chart with ECharts from the gateway, with no CSP violation or script error", async () => {
    await page.locator("#stats-chart canvas").first().waitFor();
    const size = await page
      .locator("#stats-chart canvas")
      .first()
      .evaluate((c) => {
        const canvas = c as unknown as { width: number; height: number };
        return [canvas.width, canvas.height];
      });
    expect(size[0]).to.be.greaterThan(300);
    expect(violations, violations.join("\n")).to.deep.equal([]);
    expect(errorsOf(page)).to.deep.equal([]);
    await screenshot(page, "supervision", true);
  });

  it("exports the figures as CSV with a BOM, by the page's own session", async () => {
    const href = await page.locator("#stats-csv").getAttribute("href");
    expect(href).to.contain("format=csv").and.contain("from=2026-03-01");
    const res = await page.request.get(new URL(String(href), page.url()).toString());
    expect(res.status()).to.equal(200);
    const body = await res.body();
    expect([...body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(body.toString("utf8")).to.contain("基本养老保险关系转移接续,7,5,4,80.0%");
  });

  it("groups by partner region, named from the federation", async () => {
    await page.selectOption("#stats-group", "region");
    await page.click("#stats-submit");
    await loaded("2026-03-01/2026-03-31/region");
    expect(await page.locator("#stats-key").textContent()).to.equal("合作地区");
    const cells = await page.locator("#stats-rows tr").first().locator("td, th").allTextContents();
    expect(cells.slice(0, 3)).to.deep.equal(["长沙市", "7", "5"]);
  });

  it("is not offered to a handler", async () => {
    const other = await openPage(browser, `${t.fed.regions.get(GZ)?.url}/#/stats`, "handler");
    expect(await other.locator("#nav-stats").isVisible()).to.equal(false);
    expect(await other.locator("#view-stats").isVisible()).to.equal(false);
    await other.context().close();
  });
});
