/**
 * One click on 提交 is one submit attempt (issue 16, item 9): right after an invalid value in the last field
 * (its message appears as the field loses focus, and must not move the button from under the pointer), and on
 * an empty form (every empty required field is flagged at the first click, not the second).
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { startTestFederation, type TestFederation } from "../helpers/federation.js";
import { describeBrowser, errorsOf, launchBrowser, openPage } from "./browser.js";
import { chooseMatter, fillValidIntake, issueOf } from "./intake-form.js";

describeBrowser("window page: one click on 提交 is one submit attempt", function () {
  this.timeout(90_000);
  let t: TestFederation;
  let browser: Browser;
  let page: Page;
  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(["430100", "440100"]), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });
  beforeEach(async () => {
    page = await openPage(browser, `${t.url("430100").replace(/\/api\/v1$/, "")}/#/intake`, "clerk");
  });
  afterEach(async () => {
    expect(errorsOf(page)).to.deep.equal([]);
    await page.context().close();
  });

  it("flags every empty required field at the first click", async () => {
    await chooseMatter(page);
    await page.click("#intake-submit");
    expect(await issueOf(page, "#person-name")).to.equal("必填");
    expect(await issueOf(page, "#person-id")).to.equal("必填");
    expect(await issueOf(page, "#mail-postal")).to.equal("必填");
  });

  it("keeps the button in place when the last field's message appears on the click's blur", async () => {
    await fillValidIntake(page);
    await page.fill("#mail-postal", "4100");
    await page.focus("#mail-postal");
    // Where the button is in the document (not the viewport: a submit may scroll to a flagged field).
    const top = () =>
      page
        .locator("#intake-submit")
        .evaluate(
          (b) =>
            b.getBoundingClientRect().top +
            (b.ownerDocument.defaultView as unknown as { scrollY: number }).scrollY,
        );
    const before = await top();
    // What a mousedown on the button does first: the field loses focus and shows its message.
    await page.locator("#mail-postal").blur();
    expect(await issueOf(page, "#mail-postal")).to.equal("应为 6 位邮政编码");
    expect(await top()).to.equal(before);
  });

  it("takes the click right after an invalid value in the last field", async () => {
    await fillValidIntake(page);
    await page.fill("#person-mobile", "");
    // Typed, not yet left: the message appears on the blur the click itself causes.
    await page.fill("#mail-postal", "4100");
    await page.locator("#intake-submit").scrollIntoViewIfNeeded();
    await page.focus("#mail-postal");
    const box = await page.locator("#intake-submit").boundingBox();
    if (!box) throw new Error("the button is not shown");
    // Pressed near its top edge, where a button pushed down by a new line would no longer be under the pointer.
    await page.mouse.click(box.x + box.width / 2, box.y + 3);
    expect(await issueOf(page, "#mail-postal")).to.equal("应为 6 位邮政编码");
    // The submit ran: it flagged the emptied field far above, which no blur touched.
    expect(await issueOf(page, "#person-mobile")).to.equal("必填");
  });
});
