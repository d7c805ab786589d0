/**
 * Staff sign-in on the page: without a session it shows the sign-in form; a
 * wrong token or another region's token is refused next to the field; the
 * right one opens the window, shows who is signed in, and signing out closes it.
 */
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { startTestFederation, type TestFederation } from "../helpers/federation.js";
import { describeBrowser, launchBrowser, screenshot } from "./browser.js";

describeBrowser("window page: staff sign-in", function () {
  this.timeout(90_000);
  let t: TestFederation;
  let browser: Browser;
  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(["430100", "440100"]), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("asks for a token, refuses wrong ones next to the field, and lets the right one in", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${t.url("430100").replace(/\/api\/v1$/, "")}/`);
    await page.locator('body[data-ready="signin"]').waitFor();
    expect(await page.locator("#view-signin").isVisible()).to.equal(true);
    expect(await page.locator("#view-intake").isVisible()).to.equal(false);

    const token = page.getByLabel("工作人员令牌");
    await token.fill("not-a-token");
    await token.press("Enter");
    await page.locator("#signin-error").waitFor();
    expect(await page.locator("#signin-error").textContent()).to.equal("令牌无效或已过期");
    expect(await token.getAttribute("aria-invalid")).to.equal("true");

    await token.fill("dev-440100-clerk");
    await token.press("Enter");
    await page.getByText("该令牌属于其他地区的网关").waitFor();
    await screenshot(page, "sign-in");

    await token.fill("dev-430100-clerk");
    await token.press("Enter");
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.locator("#staff-name").textContent()).to.equal("dev clerk（窗口收件）");
    expect(await page.locator("#view-intake").isVisible()).to.equal(true);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "xr_session");
    expect(session?.httpOnly).to.equal(true);
    // A session id, not the token (issue 19): signing out must leave nothing usable behind.
    expect(session?.value).to.match(/^[A-Za-z0-9_-]{43}$/);

    await page.locator("#sign-out").click();
    await page.locator('body[data-ready="signin"]').waitFor();
    // The old cookie, replayed by hand, opens nothing.
    const replay = await fetch(`${t.url("430100")}/session`, {
      headers: { cookie: `xr_session=${session?.value}` },
    });
    expect(replay.status).to.equal(401);
    await context.close();
  });
});
