/**
 * The acceptance scenario in a real browser: a clerk at the 长沙
 * window takes in a 广州 matter and follows it to delivery while a second
 * page, the 广州 handling desk, acts on it. The intake page sees every step
 * through the event stream, without reloading.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer, residentId } from "../helpers/fixtures.js";
import { statusAt } from "../helpers/scenario.js";
import { describeBrowser, errorsOf, launchBrowser, openPage, screenshot } from "./browser.js";
import { scan } from "./intake-form.js";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Waits until the timeline of `page` shows an event of `type`; returns its text. */
async function timelineShows(page: Page, type: string): Promise<string> {
  const item = page.locator(`#timeline li[data-type="${type}"]`);
  await item.waitFor({ timeout: 15_000 });
  return (await item.textContent()) ?? "";
}

describeBrowser("window page: 长沙 intake and the 广州 desk in two browsers", function () {
  this.timeout(120_000);
  let t: TestFederation;
  let browser: Browser;
  const root = (region: string) => t.url(region).replace(/\/api\/v1$/, "");
  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("takes a 广州 matter from intake to delivery; the intake page follows each desk step live", async () => {
    const cs = await openPage(browser, `${root("430100")}/#/intake`, "clerk");
    const gz = await openPage(browser, `${root("440100")}/#/cases`, "handler");
    const jsonTimelineReads: string[] = [];
    cs.on("request", (r) => {
      if (/\/api\/v1\/cases\/[^/]+\/events$/.test(r.url())) jsonTimelineReads.push(r.url());
    });

    // 一、办理地与事项: a Chinese substring finds the matter; its days and materials appear.
    expect(await cs.locator("#region-name").textContent()).to.equal("长沙市");
    await cs.selectOption("#handling-region", "440100");
    await cs.fill("#matter-q", "养老");
    await cs.press("#matter-q", "Enter");
    await cs.getByRole("radio", { name: /基本养老保险关系转移接续/ }).check();
    expect(await cs.locator("#matter-days").textContent()).to.equal("10");
    const materialLabels = await cs.locator("#materials label").allTextContents();
    expect(materialLabels).to.deep.equal(["居民身份证 CL-SFZ必交", "基本养老保险参保缴费凭证 CL-CBPZ必交"]);

    // 二、申请人
    await cs.fill("#person-name", "李秀英");
    await cs.fill("#person-id", residentId());
    await cs.fill("#person-mobile", "13807311234");

    // 三、申请材料: each file is uploaded to the gateway and shows its sha256.
    for (const [code, file] of [
      ["CL-SFZ", scan("身份证正反面")],
      ["CL-CBPZ", scan("参保缴费凭证")],
    ] as const) {
      await cs.setInputFiles(`#intake-material-${code}`, file);
      const digest = cs.locator(`#intake-material-${code} ~ .digest`);
      await digest.locator("code.sha256").waitFor();
      expect(await digest.locator("code.sha256").textContent()).to.equal(sha256(file.buffer));
      expect(await digest.textContent()).to.include("已上传");
    }

    // 四、送达方式: mail (the default) to the applicant's home.
    await cs.fill("#mail-recipient", "李秀英");
    await cs.fill("#mail-mobile", "13807311234");
    await cs.fill("#mail-address", "湖南省长沙市岳麓区麓山南路932号");
    await cs.fill("#mail-postal", "410012");
    await screenshot(cs, "intake-form", true);

    // Enter in the last field submits; the receipt shows number, matter, materials and deadline.
    await cs.press("#mail-postal", "Enter");
    await cs.locator("#view-receipt").waitFor();
    const receiptNo = (await cs.locator("#receipt-no").textContent()) ?? "";
    expect(receiptNo).to.match(/^430100\d{8}[0-9A-Z]{6}$/);
    const receipt = (await cs.locator(".receipt").textContent()) ?? "";
    for (const text of [
      "收件回执",
      "基本养老保险关系转移接续（XR-SB-001）",
      "广州市（440100）",
      // The clock starts at 受理, which has not happened yet: no deadline is promised at 收件.
      "10 个工作日，自办理地受理之日起计算",
      "长沙市（430100）跨域通办窗口",
    ]) {
      expect(receipt).to.include(text);
    }
    expect(receipt).to.include("居民身份证（CL-SFZ）").and.include("基本养老保险参保缴费凭证（CL-CBPZ）");
    expect(receipt).to.include("收到材料 2 份");
    expect(receipt).to.include("4301**********").and.not.include(residentId());
    const caseId = (await cs.locator(".receipt dd code").first().textContent()) ?? "";
    const submitted = (await call("GET", `${t.url("430100")}/cases/${caseId}`)).body;
    expect(receipt).to.not.include("受理回执").and.not.include(submitted.deadline);
    // The clerk who took it in (the signed-in development clerk of 长沙).
    expect(await cs.locator("#receipt-clerk").textContent())
      .to.not.equal("")
      .and.not.include("见办件时间线");
    expect(submitted.receiptNo).to.equal(receiptNo);
    await screenshot(cs, "receipt");

    // The window follows the case: from here on the intake page never reloads.
    await cs.click("#receipt-progress");
    await timelineShows(cs, "CaseSubmitted");
    await cs.evaluate("window.__sameDocument = 'intake page loaded once'");

    // The 广州 desk sees the case arrive in its list (live) and opens it.
    await gz.locator(`tr[data-case-id="${caseId}"] a`).click({ timeout: 15_000 });
    await gz.locator('form[data-action="accept"]').waitFor();
    expect(await gz.locator("#case-held-by").textContent()).to.equal("广州市（440100）");
    await gz.click('form[data-action="accept"] button');
    expect(await timelineShows(cs, "CaseAccepted")).to.include("广州市（440100）");

    // 补正: the desk names the defective material; the window uploads a better scan.
    const supplementForm = gz.locator('form[data-action="request-supplement"]');
    await supplementForm.waitFor();
    await supplementForm.getByLabel(/基本养老保险参保缴费凭证/).check();
    await gz.fill("#supplement-reason", "参保缴费凭证缺少社保经办机构印章");
    await screenshot(gz, "handling-desk");
    await supplementForm.locator("button").click();
    expect(await timelineShows(cs, "SupplementRequested")).to.include("参保缴费凭证缺少社保经办机构印章");
    await cs.locator("#case-held-by", { hasText: "长沙市（430100）" }).waitFor();
    const stamped = scan("参保缴费凭证（已盖章）");
    await cs.setInputFiles("#supplement-material-CL-CBPZ", stamped);
    await cs.locator("#supplement-material-CL-CBPZ ~ .digest code.sha256").waitFor();
    await cs.click('form[data-action="supplement"] button');
    await timelineShows(gz, "SupplementProvided");
    await timelineShows(cs, "SupplementProvided");

    // 办结 (approve), then the mailed result with courier and waybill, then delivery.
    await gz.locator('form[data-action="decide"]').waitFor();
    await gz.click('form[data-action="decide"] button');
    expect(await timelineShows(cs, "CaseDecided")).to.include("准予");
    await gz.locator('form[data-action="mail"]').waitFor();
    await gz.fill("#mail-courier", "中国邮政EMS");
    await gz.fill("#mail-waybill", "1151234567890");
    await gz.press("#mail-waybill", "Enter");
    expect(await timelineShows(cs, "ResultMailed")).to.include("1151234567890");
    // Mail delivery is confirmed by the handling region (domain/lifecycle.ts); the window sees it.
    await gz.locator('form[data-action="deliver"]').waitFor();
    await gz.click('form[data-action="deliver"] button');
    await timelineShows(cs, "ResultDelivered");
    await cs.locator("#case-status", { hasText: "已送达" }).waitFor();
    expect(await cs.locator("#case-held-by").textContent()).to.equal("（已结束）");
    await screenshot(cs, "case-timeline");

    expect(
      await cs.locator("#timeline li").evaluateAll((items) => items.map((i) => i.getAttribute("data-type"))),
    ).to.deep.equal([
      "CaseSubmitted",
      "CaseAccepted",
      "SupplementRequested",
      "SupplementProvided",
      "CaseDecided",
      "ResultMailed",
      "ResultDelivered",
    ]);
    expect(await cs.evaluate("window.__sameDocument")).to.equal("intake page loaded once");
    expect(jsonTimelineReads, "the timeline comes from the event stream").to.deep.equal([]);
    const final = await statusAt(t.url("430100"), caseId, "DELIVERED");
    expect(
      final.materials.find((m: { materialCode: string }) => m.materialCode === "CL-CBPZ").sha256,
    ).to.equal(sha256(stamped.buffer));
    expect(errorsOf(cs)).to.deep.equal([]);
    expect(errorsOf(gz)).to.deep.equal([]);
  });

  it("lets the intake window hand over a window-pickup result and mark it delivered", async () => {
    const body = pensionTransfer();
    body.delivery = { method: "WINDOW_PICKUP" };
    const created = await call("POST", `${t.url("430100")}/cases`, body);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const caseId: string = created.body.caseId;
    await statusAt(t.url("440100"), caseId, "FORWARDED");
    for (const action of [{ type: "accept" }, { type: "decide", approved: true }]) {
      expect((await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, action)).status).to.equal(200);
    }
    const cs = await openPage(browser, `${root("430100")}/#/cases/${caseId}`, "clerk");
    await cs.locator("#case-held-by", { hasText: "长沙市（430100）" }).waitFor({ timeout: 15_000 });
    expect(
      await cs.locator("form.action").evaluateAll((f) => f.map((x) => x.getAttribute("data-action"))),
    ).to.deep.equal(["deliver", "note"]);
    await cs.click('form[data-action="deliver"] button');
    await timelineShows(cs, "ResultDelivered");
    await cs.locator("#case-status", { hasText: "已送达" }).waitFor();
    await statusAt(t.url("440100"), caseId, "DELIVERED");
    expect(errorsOf(cs)).to.deep.equal([]);
  });
});
