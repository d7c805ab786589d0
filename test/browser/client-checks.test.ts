/**
 * The page's own checks, the very functions of gateway/domain/ids.ts bundled
 * into it: each bad value is flagged as it is typed, blocks the submit (no
 * request leaves the page), and is shown next to its field.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { creditCodeCheckChar, residentIdCheckChar } from "../../gateway/domain/ids.js";
import { startTestFederation, type TestFederation } from "../helpers/federation.js";
import { creditCode, residentId } from "../helpers/fixtures.js";
import { describeBrowser, errorsOf, launchBrowser, openPage } from "./browser.js";
import { fillValidIntake, issueOf } from "./intake-form.js";

/** `value` with its last (check) character replaced by a wrong one. */
function wrongCheck(value: string, right: string): string {
  return value.slice(0, -1) + (right === "1" ? "2" : "1");
}

describeBrowser("window page: client-side checks block submit", function () {
  this.timeout(90_000);
  let t: TestFederation;
  let browser: Browser;
  let page: Page;
  let posts: string[];
  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });
  beforeEach(async () => {
    page = await openPage(browser, `${t.url("430100").replace(/\/api\/v1$/, "")}/#/intake`, "clerk");
    posts = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/api/v1/cases")) posts.push(r.url());
    });
    await fillValidIntake(page);
  });
  afterEach(async () => {
    expect(errorsOf(page)).to.deep.equal([]);
    await page.context().close();
  });

  const id = residentId();
  const idCheck = residentIdCheckChar(id.slice(0, 17));
  const badMobile = "12807311234";
  for (const [title, field, bad, message] of [
    [
      "a resident ID with a wrong check character",
      "#person-id",
      wrongCheck(id, idCheck),
      `校验位错误（按前 17 位应为 ${idCheck}）`,
    ],
    [
      "a resident ID with an impossible birth date",
      "#person-id",
      `43010419860231${id.slice(14)}`,
      "出生日期不存在",
    ],
    ["an applicant mobile number", "#person-mobile", badMobile, "应为 13–19 开头的 11 位手机号码"],
    ["a recipient mobile number", "#mail-mobile", "1380731123", "应为 13–19 开头的 11 位手机号码"],
    ["a postal code", "#mail-postal", "41001A", "应为 6 位邮政编码"],
  ] as const) {
    it(`blocks ${title} with the message next to the field`, async () => {
      await page.fill(field, bad);
      await page.locator(field).blur();
      // Flagged as typed, before any submit.
      expect(await issueOf(page, field)).to.equal(message);
      await page.click("#intake-submit");
      expect(await issueOf(page, field)).to.equal(message);
      expect(await page.getAttribute(field, "aria-invalid")).to.equal("true");
      // The first bad field gets the focus, so the clerk types the fix straight away.
      expect(await page.evaluate("document.activeElement.id")).to.equal(field.slice(1));
      expect(await page.locator("#view-intake").isVisible()).to.equal(true);
      expect(posts, "no request leaves the page").to.deep.equal([]);
    });
  }

  it("blocks a credit code with a wrong check character for an organisation applicant", async () => {
    const code = creditCode();
    const right = creditCodeCheckChar(code.slice(0, 17));
    await page.check('input[name="applicant-kind"][value="organization"]');
    await page.fill("#org-name", "广州市穗华贸易有限公司");
    await page.fill("#org-rep", "陈立新");
    await page.fill("#org-code", wrongCheck(code, right));
    await page.press("#org-code", "Enter");
    expect(await issueOf(page, "#org-code")).to.equal(`校验位错误（按前 17 位应为 ${right}）`);
    expect(posts).to.deep.equal([]);
    // Corrected (in lower case, which the page upper-cases), the message goes as the clerk types.
    await page.fill("#org-code", code.toLowerCase());
    expect(await issueOf(page, "#org-code")).to.equal("");
    expect(await page.inputValue("#org-code")).to.equal(code);
  });

  it("lets the corrected form through: the checks block only bad values", async () => {
    await page.fill("#person-id", wrongCheck(id, idCheck));
    await page.click("#intake-submit");
    expect(posts).to.deep.equal([]);
    await page.fill("#person-id", id.slice(0, 17) + idCheck.toLowerCase());
    expect(await issueOf(page, "#person-id")).to.equal("");
    await page.click("#intake-submit");
    await page.locator("#view-receipt").waitFor();
    expect(posts).to.have.length(1);
  });
});
