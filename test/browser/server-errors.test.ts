/**
 * What only the gateway can refuse (or what slipped past the page) comes back
 * as `details[].path`; the page shows each issue next to the field that path
 * names, in Chinese.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { startTestFederation, type TestFederation } from "../helpers/federation.js";
import { creditCode } from "../helpers/fixtures.js";
import { describeBrowser, errorsOf, launchBrowser, openPage } from "./browser.js";
import { fillValidIntake, issueOf } from "./intake-form.js";

describeBrowser("window page: the gateway's refusals land next to the right field", function () {
  this.timeout(90_000);
  let t: TestFederation;
  let browser: Browser;
  let page: Page;
  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });
  beforeEach(async () => {
    page = await openPage(browser, `${t.url("430100").replace(/\/api\/v1$/, "")}/#/intake`, "clerk");
    await fillValidIntake(page);
  });
  afterEach(async () => {
    expect(errorsOf(page)).to.deep.equal([]);
    await page.context().close();
  });

  it("shows that the matter is for a person next to the applicant choice (checkSubmission)", async () => {
    // The catalog the page sees does not say who may apply; only the gateway knows.
    await page.check('input[name="applicant-kind"][value="organization"]');
    await page.fill("#org-name", "广州市穗华贸易有限公司");
    await page.fill("#org-code", creditCode());
    await page.fill("#org-rep", "陈立新");
    const answer = page.waitForResponse(
      (r) => r.url().endsWith("/api/v1/cases") && r.request().method() === "POST",
    );
    await page.click("#intake-submit");
    const res = await answer;
    expect(res.status()).to.equal(400);
    expect((await res.json()).error.details).to.deep.equal([
      // The page asks in Chinese (Accept-Language: zh-CN): the detail comes worded from the one catalogue.
      { path: "applicant", issue: "matter XR-SB-001 is for a person", message: "该事项的申请人须为个人" },
    ]);
    expect(await issueOf(page, "#applicant-kind")).to.equal("该事项的申请人须为个人");
    expect(await page.getAttribute("#applicant-kind", "aria-invalid")).to.equal("true");
    expect(await page.textContent("#intake-error")).to.equal("网关拒绝了申请，请按各项提示修改。");
    expect(await page.locator("#view-intake").isVisible()).to.equal(true);
  });

  it("maps a nested path (delivery.postalCode) onto its field when the page's check is bypassed", async () => {
    // A stale or tampered client: the body leaves with a bad postal code the page never saw.
    await page.route("**/api/v1/cases", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      const body = route.request().postDataJSON();
      body.delivery.postalCode = "41O012";
      body.applicant.person.name = "  ";
      return route.continue({ postData: JSON.stringify(body) });
    });
    await page.click("#intake-submit");
    await page.locator("#mail-postal[aria-invalid='true']").waitFor();
    expect(await issueOf(page, "#mail-postal")).to.equal("应为 6 位邮政编码");
    expect(await issueOf(page, "#person-name")).to.equal("必填");
    expect(await issueOf(page, "#person-id")).to.equal("");
  });
});
