/**
 * 办件列表 and the case timeline: filters by status, region and overdue; the
 * list follows changes live; a case shows who holds it now and its deadline.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { Clock } from "../../gateway/ports/clock.js";
import { call, eventually, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { material, pensionTransfer } from "../helpers/fixtures.js";
import { statusAt } from "../helpers/scenario.js";
import { describeBrowser, errorsOf, launchBrowser, openPage, screenshot } from "./browser.js";

const DAY = 86_400_000;

describeBrowser("window page: case list and timeline", function () {
  this.timeout(90_000);
  let t: TestFederation;
  let browser: Browser;
  let page: Page;
  /** Accepted by 广州; filed long ago and left waiting at 广州 (overdue); 长沙's own online case. */
  let accepted: string;
  let overdue: string;
  let local: string;

  const submit = async (body: Record<string, unknown>) => {
    const r = await call("POST", `${t.url("430100")}/cases`, body);
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.caseId as string;
  };
  const rows = async () =>
    page.locator("#case-rows tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-case-id")));
  const rowsBecome = async (expected: string[]) => {
    let seen: Array<string | null> = [];
    await eventually(async () => {
      seen = await rows();
      return seen.join() === expected.join() ? true : undefined;
    }, `rows ${expected.join()}`).catch(() => expect(seen).to.deep.equal(expected));
  };

  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(), launchBrowser()]);
    const intake = t.fed.regions.get("430100");
    if (!intake) throw new Error("430100 not hosted");
    // Filed 60 days ago: its deadline has passed while it still waits for 广州.
    const ctx = intake.context as { clock: Clock };
    const realClock = ctx.clock;
    ctx.clock = { now: () => new Date(Date.now() - 60 * DAY) };
    try {
      overdue = await submit(pensionTransfer());
    } finally {
      ctx.clock = realClock;
    }
    accepted = await submit(pensionTransfer());
    local = await submit({
      ...pensionTransfer(),
      mode: "FULL_ONLINE",
      matterCode: "XR-GJJ-002",
      handlingRegion: "430100",
      materials: [material("CL-SFZ", "居民身份证")],
    });
    await statusAt(t.url("440100"), accepted, "FORWARDED");
    await call("POST", `${t.url("440100")}/cases/${accepted}/actions`, { type: "accept" });
    await statusAt(t.url("430100"), accepted, "ACCEPTED");
    await statusAt(t.url("430100"), overdue, "FORWARDED");
    page = await openPage(browser, `${t.url("430100").replace(/\/api\/v1$/, "")}/#/cases`);
  });
  after(async () => {
    expect(errorsOf(page)).to.deep.equal([]);
    await browser?.close();
    await t?.stop();
  });

  it("lists every case of the window, newest first", async () => {
    await page.locator("#case-rows tr").first().waitFor();
    expect(await rows()).to.deep.equal([local, accepted, overdue]);
  });

  it("filters by status", async () => {
    await page.selectOption("#filter-status", "ACCEPTED");
    await rowsBecome([accepted]);
    expect(await page.locator("#case-rows td.status").allTextContents()).to.deep.equal(["已受理"]);
    await page.selectOption("#filter-status", "");
    await rowsBecome([local, accepted, overdue]);
  });

  it("filters by region: 长沙's own online case has no 广州 party", async () => {
    await page.selectOption("#filter-region", "440100");
    await rowsBecome([accepted, overdue]);
    await page.selectOption("#filter-region", "");
    await rowsBecome([local, accepted, overdue]);
  });

  it("filters overdue cases and marks them", async () => {
    await page.check("#filter-overdue");
    await rowsBecome([overdue]);
    expect(await page.locator(`tr[data-case-id="${overdue}"] td.deadline`).textContent()).to.match(
      /^\d{4}-\d{2}-\d{2}超期$/,
    );
    expect(await page.locator(`tr[data-case-id="${overdue}"] .light`).getAttribute("data-light")).to.equal(
      "RED",
    );
    await screenshot(page, "case-list");
    // 广州 accepts it late: the breach stays recorded (issue 17; it used to reset to on time and leave the list).
    await call("POST", `${t.url("440100")}/cases/${overdue}/actions`, { type: "accept" });
    await statusAt(t.url("430100"), overdue, "ACCEPTED");
    const late = (await call("GET", `${t.url("430100")}/cases/${overdue}`)).body;
    expect(late.clock.breach.stage).to.equal("accept");
    expect(late.light).to.equal("RED");
    await page.uncheck("#filter-overdue");
    await rowsBecome([local, accepted, overdue]);
    await page.check("#filter-overdue");
    await rowsBecome([overdue]);
    await page.uncheck("#filter-overdue");
    await rowsBecome([local, accepted, overdue]);
    // The others are within their limits: 正常 (green).
    expect(await page.locator(`tr[data-case-id="${accepted}"] .light`).textContent()).to.equal("正常");
  });

  it("opens a case whose timeline shows both cities, who holds it now and its deadline", async () => {
    await page.click(`tr[data-case-id="${accepted}"] a`);
    await page.locator('#timeline li[data-type="CaseAccepted"]').waitFor();
    const c = (await call("GET", `${t.url("430100")}/cases/${accepted}`)).body;
    expect(await page.textContent("#case-held-by")).to.equal("广州市（440100）");
    expect(await page.textContent("#case-deadline")).to.equal(c.deadline);
    expect(await page.locator("#case-light .light").getAttribute("data-light")).to.equal("GREEN");
    expect(await page.textContent("#case-light")).to.equal(`办结时限 ${c.clock.dueOn}正常`);
    expect(await page.locator("#timeline li .who").allTextContents()).to.deep.equal([
      "长沙市（430100）",
      "广州市（440100）",
    ]);
    expect(await page.locator("#timeline li").first().textContent()).to.include("收件并转办");
    expect(await page.locator("#timeline li").last().textContent()).to.include(`办结期限 ${c.deadline}`);
    // 广州 asks for a supplement: the case moves to 长沙's hands on the open page.
    await call("POST", `${t.url("440100")}/cases/${accepted}/actions`, {
      type: "request-supplement",
      reason: "参保缴费凭证模糊不清",
      materialCodes: ["CL-CBPZ"],
    });
    await page.locator("#case-held-by", { hasText: "长沙市（430100）" }).waitFor({ timeout: 10_000 });
    expect(await page.textContent("#case-status")).to.equal("待补正");
    expect(
      await page.locator("form.action").evaluateAll((f) => f.map((x) => x.getAttribute("data-action"))),
    ).to.deep.equal(["supplement", "withdraw", "note"]);
  });
});
