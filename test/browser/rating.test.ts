/**
 * 好差评 on the window page (issue 18 item 4): after delivery, 长沙's window clerk records the applicant's
 * 非常不满意 rating (level, tags, words; a missing level is refused next to its field), 广州's handler sees the
 * 整改 task with its due date and answers it, and the answer shows at 长沙 in the case and its timeline.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { statusAt } from "../helpers/scenario.js";
import { describeBrowser, errorsOf, launchBrowser, openPage, screenshot } from "./browser.js";

describeBrowser("window page: 好差评 recorded at the window, 整改 answered at the desk", function () {
  this.timeout(90_000);
  let t: TestFederation;
  let browser: Browser;
  const pages: Page[] = [];

  const deliveredCase = async () => {
    const r = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const id = r.body.caseId as string;
    await statusAt(t.url("440100"), id, "FORWARDED");
    for (const step of [
      { type: "accept" },
      { type: "decide", approved: true },
      { type: "mail", courier: "中国邮政EMS", waybillNo: "1151234567890" },
      { type: "deliver" },
    ]) {
      const done = await call("POST", `${t.url("440100")}/cases/${id}/actions`, step);
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
    }
    await statusAt(t.url("430100"), id, "DELIVERED");
    return id;
  };
  const open = async (region: string, caseId: string, role: string) => {
    const page = await openPage(
      browser,
      `${t.url(region).replace(/\/api\/v1$/, "")}/#/cases/${caseId}`,
      role,
    );
    pages.push(page);
    await page.locator("#timeline li").first().waitFor();
    return page;
  };

  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(["430100", "440100"]), launchBrowser()]);
  });
  after(async () => {
    for (const p of pages) expect(errorsOf(p)).to.deep.equal([]);
    await browser?.close();
    await t?.stop();
  });

  it("the clerk records a 非常不满意 rating; 广州 answers the 整改; 长沙 shows the answer", async () => {
    const id = await deliveredCase();
    const cs = await open("430100", id, "clerk");
    const form = cs.locator('form[data-action="rate"]');
    await form.waitFor({ timeout: 15_000 });
    expect(await form.locator("h4").textContent()).to.equal("代录好差评");
    // Without a level the gateway refuses, next to the level's field, and nothing is recorded.
    await form.locator("button").click();
    await form.locator('[data-path="ratingLevel"][aria-invalid="true"]').waitFor();
    expect(await cs.locator("#timeline li").count()).to.equal(5);
    // A fresh page for the screenshot of the form as the clerk fills it in.
    await cs.reload();
    await form.waitFor({ timeout: 15_000 });
    await form.locator('input[name="rating-level"][value="VERY_DISSATISFIED"]').check();
    await form.locator('input[name="rating-tag"][value="等待时间长"]').check();
    await form.locator('input[name="rating-tag"][value="材料反复提交"]').check();
    await cs.fill("#rate-text", "材料清单前后说法不一，来回跑了三趟");
    await form.scrollIntoViewIfNeeded();
    await screenshot(cs, "rating-form");
    await form.locator("button").click();
    const rated = cs.locator('#timeline li[data-type="CaseRated"]');
    await rated.waitFor({ timeout: 15_000 });
    expect(await rated.locator(".what").textContent()).to.equal("好差评");
    expect(await rated.locator(".detail").textContent()).to.include(
      "非常不满意（窗口代录）；等待时间长、材料反复提交",
    );
    expect(await cs.textContent("#case-rating")).to.include("非常不满意");
    expect(await cs.textContent("#case-rectification")).to.match(/待办理地反馈（期限 \d{4}-\d{2}-\d{2}）/);
    // Rated once: the window offers no second rating.
    await form.waitFor({ state: "detached" });

    const gz = await open("440100", id, "handler");
    const answer = gz.locator('form[data-action="answer-rectification"]');
    await answer.waitFor({ timeout: 15_000 });
    expect(await gz.textContent("#case-rectification")).to.include("待办理地反馈");
    await gz.fill("#rectification-answer", "已约谈窗口负责人，材料清单改为一次性告知，并电话回访申请人");
    await answer.locator("button").click();
    await answer.waitFor({ state: "detached" });

    const back = cs.locator('#timeline li[data-type="RectificationAnswered"]');
    await back.waitFor({ timeout: 15_000 });
    expect(await back.locator(".what").textContent()).to.equal("整改情况反馈");
    expect(await back.locator(".detail").textContent()).to.include("材料清单改为一次性告知");
    await cs.locator("#case-rectification", { hasText: "已反馈" }).waitFor({ timeout: 15_000 });
    expect(await cs.textContent("#case-rectification")).to.include("材料清单改为一次性告知");
    await cs.locator("#case-summary").scrollIntoViewIfNeeded();
    await screenshot(cs, "rating");
  });
});
