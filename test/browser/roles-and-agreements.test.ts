/**
 * The window page offers what the gateway would take (issue 16, items 2 and 3): the 长沙 window is offered only
 * the 广州 matters the 长沙 → 广州 agreement covers for remote intake, and a 广州 clerk is not shown 受理 as a
 * form but as a handler's step, with the reason in Chinese; the handler gets the form.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { describeBrowser, errorsOf, launchBrowser, openPage, screenshot } from "./browser.js";

describeBrowser("window page: agreements and roles shape what is offered", function () {
  this.timeout(90_000);
  let t: TestFederation;
  let browser: Browser;
  const pages: Page[] = [];
  const site = (region: string) => t.url(region).replace(/\/api\/v1$/, "");
  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(["430100", "440100"]), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) {
      expect(errorsOf(page)).to.deep.equal([]);
      await page.context().close();
    }
  });
  const open = async (region: string, hash: string, role: string) => {
    const page = await openPage(browser, `${site(region)}/${hash}`, role);
    pages.push(page);
    return page;
  };

  it("offers the 长沙 clerk only the 广州 matters agreed for 异地代收代办", async () => {
    const agreed = t.fed.config.federation.agreements.get("430100>440100")?.matters;
    const gz = [...(t.fed.config.catalogs.get("440100")?.matters ?? [])];
    const expected = gz
      .filter((m) => m.modes.includes("REMOTE_INTAKE") && agreed?.get(m.code)?.has("REMOTE_INTAKE"))
      .map((m) => m.code);
    const outside = gz.find((m) => m.modes.includes("REMOTE_INTAKE") && !agreed?.has(m.code));
    if (!outside) throw new Error("fixture: the agreement should leave some 广州 remote-intake matter out");

    const page = await open("430100", "#/intake", "clerk");
    await page.selectOption("#handling-region", "440100");
    await page.locator('#matter-results input[name="matter"]').first().waitFor();
    const offered = await page
      .locator('#matter-results input[name="matter"]')
      .evaluateAll((els) => els.map((el) => (el as unknown as { value: string }).value));
    expect(offered).to.deep.equal(expected);
    expect(offered).not.to.include(outside.code);

    // Looked for by its code, the matter outside the agreement is not offered either.
    await page.fill("#matter-q", outside.code);
    await page.press("#matter-q", "Enter");
    await page.getByText("没有找到可异地代收的事项。").waitFor();
    expect(await page.locator('#matter-results input[name="matter"]').count()).to.equal(0);
  });

  it("shows a 广州 clerk 受理 as the handler's step, with no form; the handler gets the form", async () => {
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    const caseId = created.body.caseId as string;
    await waitForStatus(t, "440100", caseId, "FORWARDED");
    const hash = `#/cases/${encodeURIComponent(caseId)}`;

    const clerk = await open("440100", hash, "clerk");
    const waiting = clerk.locator('.steps-not-offered li[data-step="accept"]');
    await waiting.waitFor();
    expect(await waiting.textContent()).to.equal("受理：此步骤须由办理人员操作");
    expect(await clerk.locator('form[data-action="accept"]').count()).to.equal(0);
    expect(await clerk.locator('form[data-action="reject"]').count()).to.equal(0);
    await screenshot(clerk, "case-steps-by-role", true);
    // The 广州 clerk keeps the intake form: intake is a clerk's work at every window.
    await clerk.goto(`${site("440100")}/#/intake`);
    expect(await clerk.locator("#intake-form").isVisible()).to.equal(true);

    const handler = await open("440100", hash, "handler");
    await handler.locator('form[data-action="accept"]').waitFor();
    expect(await handler.locator('.steps-not-offered li[data-step="accept"]').count()).to.equal(0);
    // Handlers take no intake: the form is not shown, the reason is.
    await handler.goto(`${site("440100")}/#/intake`);
    await handler.locator("#intake-not-offered").waitFor();
    expect(await handler.locator("#intake-form").isVisible()).to.equal(false);
    expect(await handler.locator("#intake-not-offered").textContent()).to.match(/办理.*不能办理收件/);

    // At 长沙 the clerk sees 受理 as 广州's turn.
    const window = await open("430100", hash, "clerk");
    const turn = window.locator('.steps-not-offered li[data-step="accept"]');
    await turn.waitFor();
    expect(await turn.textContent()).to.equal("受理：现由广州市办理");
    await window.locator('form[data-action="withdraw"]').waitFor();
  });
});
