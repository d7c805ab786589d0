/**
 * The applicant page at a phone's viewport (issue 18): sign in through the development identity provider's
 * own page, apply FULL_ONLINE, upload, get asked for 补正 (the handler's side over REST), supplement, follow
 * the case to delivery and read the decision; rate it (好差评) and read the handling region's 整改 answer;
 * another applicant's page does not show the case.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { describeBrowser, launchBrowser, screenshot } from "./browser.js";

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describeBrowser("applicant page: 全程网办 on a phone", function () {
  this.timeout(120_000);
  let t: TestFederation;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let caseId = "";
  let first: { page: Page; errors: string[] } | undefined;

  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    browser = await launchBrowser();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.stop();
  });

  const origin = () => t.url("430100").replace(/\/api\/v1$/, "");
  const handler = (body: unknown) => call("POST", `${t.url("440100")}/cases/${caseId}/actions`, body);

  /** A phone signed in as the development identity labelled `who`, through the provider's page. */
  const signIn = async (who: string): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser.newContext({ ...PHONE, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/.test(m.text())) errors.push(m.text());
    });
    await page.goto(`${origin()}/apply/`);
    await page.locator("#signin-link").waitFor();
    if (who === "李秀英（个人）") await screenshot(page, "apply-signin");
    await page.locator("#signin-link").click();
    await page.getByRole("link", { name: who }).click();
    await page.locator("#view-list:not([hidden])").waitFor();
    return { page, errors };
  };

  const scan = (name: string) => ({
    name,
    mimeType: "application/pdf",
    buffer: Buffer.from(`%PDF-1.4 ${name} ${Math.random()}\n`),
  });

  it("signs in, applies FULL_ONLINE with uploads, supplements when asked and follows the case to delivery", async () => {
    const { page, errors } = await signIn("李秀英（个人）");
    first = { page, errors };
    expect(await page.locator("#who").textContent()).to.equal("李秀英（个人）");
    await page.locator("#new-link").click();
    await page.locator("#apply-region").selectOption("440100");
    await page.locator('input[name="matter"][value="XR-SB-001"]').check();
    await page.locator("#file-CL-SFZ").setInputFiles(scan("sfz.pdf"));
    await page.locator("#file-CL-CBPZ").setInputFiles(scan("cbpz.pdf"));
    await page.locator('[data-state="CL-SFZ"]', { hasText: "已上传" }).waitFor();
    await page.locator('[data-state="CL-CBPZ"]', { hasText: "已上传" }).waitFor();
    await page.locator("#apply-mobile").fill("13807311234");
    await screenshot(page, "apply-form", true);
    await page.locator("#apply-submit").click();
    await page.locator("#view-case:not([hidden])").waitFor();
    caseId = /#\/case\/(\w+)/.exec(page.url())?.[1] ?? "";
    expect(caseId).to.not.equal("");
    const there = await waitForStatus(t, "440100", caseId, "FORWARDED");
    expect(there.mode).to.equal("FULL_ONLINE");
    expect(there.applicant.person.name).to.equal("李秀英");

    expect((await handler({ type: "accept" })).status).to.equal(200);
    expect(
      (
        await handler({
          type: "request-supplement",
          reason: "参保缴费凭证不清晰，请重新上传",
          materialCodes: ["CL-CBPZ"],
        })
      ).status,
    ).to.equal(200);
    await eventually(
      async () => {
        await page.reload();
        await page.locator("#case-summary dd").first().waitFor();
        return (await page.locator("#supplement-asked").count()) > 0 ? true : undefined;
      },
      "the page to ask for 补正",
      15_000,
    );
    await page.locator("#file-CL-CBPZ").setInputFiles(scan("cbpz-2.pdf"));
    await page.locator('[data-state="CL-CBPZ"]', { hasText: "已上传" }).waitFor();
    await screenshot(page, "apply-supplement", true);
    await page.locator("#supplement-submit").click();
    await page.locator('[data-status="ACCEPTED"]').waitFor();
    await waitForStatus(t, "440100", caseId, "ACCEPTED");

    expect(
      (await handler({ type: "decide", approved: true, reason: "符合转移接续条件，准予办理" })).status,
    ).to.equal(200);
    expect((await handler({ type: "deliver" })).status).to.equal(200);
    await eventually(
      async () => {
        await page.reload();
        await page.locator("#case-summary dd").first().waitFor();
        return (await page.locator('[data-status="DELIVERED"]').count()) > 0 ? true : undefined;
      },
      "the page to show the delivery",
      15_000,
    );
    expect(await page.locator("#decision").textContent()).to.contain("准予办理");
    expect(await page.locator('#case-timeline [data-event="SupplementRequested"]').count()).to.equal(1);
    expect(await page.locator('#case-timeline [data-event="ResultDelivered"]').count()).to.equal(1);
    await screenshot(page, "apply-delivered", true);
    await page.goto(`${origin()}/apply/#/`);
    await page.locator(`[data-case="${caseId}"]`).waitFor();
    await screenshot(page, "apply-list");
    expect(errors).to.deep.equal([]);
  });

  it("rates the delivered case on the page (非常不满意) and then reads 广州's 整改 answer", async () => {
    if (!first) throw new Error("the first test did not sign in");
    const { page, errors } = first;
    await page.goto(`${origin()}/apply/#/case/${caseId}`);
    await page.reload();
    await page.locator("#rating-form").waitFor();
    expect(await page.locator('input[name="rating-level"]').count()).to.equal(5);
    expect(await page.locator("#rating-form").textContent()).to.contain("非常不满意");
    // No level chosen: named on the page, nothing sent.
    await page.locator("#rating-submit").click();
    await page.locator('#rating-issues [data-path="level"]').waitFor();
    await page.locator('input[name="rating-level"][value="VERY_DISSATISFIED"]').check();
    await page.locator('input[name="rating-tag"][value="等待时间长"]').check();
    await page.locator('input[name="rating-tag"][value="告知不清楚"]').check();
    await page.locator("#rating-text").fill("补正要求一开始没有说清楚，多跑了一趟");
    await screenshot(page, "apply-rating-form", true);
    await page.locator("#rating-submit").click();
    await page.locator("#rating-done").waitFor();
    expect(await page.locator("#rating-level").textContent()).to.equal("非常不满意");
    expect(await page.locator("#rating-form").count(), "一次一评: the form is gone").to.equal(0);
    expect(await page.locator("#rectification").textContent()).to.match(/应于 \d{4}-\d{2}-\d{2} 前反馈/);

    const gz = (path: string, body?: unknown) =>
      call(body ? "POST" : "GET", `${t.url("440100")}/cases/${caseId}${path}`, body, {
        authorization: "Bearer dev-440100-handler",
      });
    const there = await eventually(async () => {
      const c = await gz("");
      return c.body.rating ? c.body : undefined;
    }, "广州 to hold the rating");
    expect(there.rating).to.deep.include({ level: "VERY_DISSATISFIED", channel: "APPLICANT" });
    const answer = "已将补正材料清单改为一次性告知，并电话回访申请人";
    const answered = await gz("/actions", { type: "answer-rectification", note: answer });
    expect(answered.status, JSON.stringify(answered.body)).to.equal(200);
    await eventually(
      async () => {
        await page.reload();
        await page.locator("#case-summary dd").first().waitFor();
        return (await page.locator("#rectification-answer").count()) > 0 ? true : undefined;
      },
      "the page to show the 整改 answer",
      15_000,
    );
    expect(await page.locator("#rectification-answer").textContent()).to.equal(answer);
    expect(await page.locator("#rectification").textContent()).to.contain("整改情况");
    await screenshot(page, "apply-rating", true);
    expect(errors).to.deep.equal([]);
  });

  it("does not show the case to another applicant (王芳): not found, as for an unknown case", async () => {
    const { page, errors } = await signIn("王芳（个人）");
    expect(await page.locator(`[data-case="${caseId}"]`).count()).to.equal(0);
    await page.goto(`${origin()}/apply/#/case/${caseId}`);
    await page.reload();
    await page.locator("#page-error:not([hidden])").waitFor();
    expect(await page.locator("#page-error").textContent()).to.contain("没有找到");
    expect(await page.locator("#view-case").isHidden()).to.equal(true);
    expect(errors).to.deep.equal([]);
  });
});
