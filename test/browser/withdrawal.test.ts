/**
 * Withdrawal on the window page: 长沙's window asks (申请撤回), 广州's desk sees the request and answers
 * (确认撤回 / 不予撤回), and the refusal's reason shows in both timelines, the handling gateway's own
 * refusal of a request that came after the decision included.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { statusAt } from "../helpers/scenario.js";
import { describeBrowser, errorsOf, launchBrowser, openPage } from "./browser.js";

describeBrowser("window page: withdrawal asked and answered", function () {
  this.timeout(90_000);
  let t: TestFederation;
  let browser: Browser;
  const pages: Page[] = [];

  const acceptedCase = async () => {
    const r = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const id = r.body.caseId as string;
    await statusAt(t.url("440100"), id, "FORWARDED");
    await call("POST", `${t.url("440100")}/cases/${id}/actions`, { type: "accept" });
    await statusAt(t.url("430100"), id, "ACCEPTED");
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
  const forms = (page: Page) =>
    page.locator("form.action").evaluateAll((f) => f.map((x) => x.getAttribute("data-action")));

  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(["430100", "440100"]), launchBrowser()]);
  });
  after(async () => {
    for (const p of pages) expect(errorsOf(p)).to.deep.equal([]);
    await browser?.close();
    await t?.stop();
  });

  it("the window asks, the desk refuses with its reason, and both timelines show it", async () => {
    const id = await acceptedCase();
    const cs = await open("430100", id, "clerk");
    const withdraw = cs.locator('form[data-action="withdraw"]');
    expect(await withdraw.locator("h4").textContent()).to.equal("申请撤回");
    await cs.fill("#withdraw-reason", "申请人想改为线下办理");
    await withdraw.locator("button").click();
    await cs.locator("#case-withdrawal").waitFor();
    expect(await cs.textContent("#case-withdrawal")).to.include("申请人想改为线下办理");
    expect(await cs.textContent("#case-status")).to.equal("已受理");
    // Waiting for the answer, the window can only leave a note.
    await cs.locator('form[data-action="withdraw"]').waitFor({ state: "detached" });
    expect(await forms(cs)).to.deep.equal(["note"]);

    const gz = await open("440100", id, "handler");
    await gz.locator('form[data-action="confirm-withdrawal"]').waitFor({ timeout: 15_000 });
    // In the order the gateway lists the steps (domain/steps.ts): the answers first, notes last.
    expect(await forms(gz)).to.deep.equal(["confirm-withdrawal", "refuse-withdrawal", "note"]);
    expect(await gz.locator('form[data-action="confirm-withdrawal"] h4').textContent()).to.equal("确认撤回");
    expect(await gz.locator('form[data-action="refuse-withdrawal"] h4').textContent()).to.equal("不予撤回");
    await gz.fill("#refuse-withdrawal-reason", "审查已完成，当日即可办结");
    await gz.locator('form[data-action="refuse-withdrawal"] button').click();
    await gz.locator('form[data-action="decide"]').waitFor();

    const refused = cs.locator('#timeline li[data-type="WithdrawalRefused"]');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.locator(".what").textContent()).to.equal("不予撤回");
    expect(await refused.locator(".detail").textContent()).to.equal("审查已完成，当日即可办结");
    expect(await cs.locator('#timeline li[data-type="WithdrawalRequested"] .what').textContent()).to.equal(
      "申请撤回",
    );
    await cs.locator("#case-withdrawal").waitFor({ state: "detached" });
  });

  it("the desk confirms: 已撤回 on the window", async () => {
    const id = await acceptedCase();
    await call("POST", `${t.url("430100")}/cases/${id}/actions`, {
      type: "withdraw",
      reason: "申请人不再需要",
    });
    const gz = await open("440100", id, "handler");
    await gz.locator('form[data-action="confirm-withdrawal"]').waitFor({ timeout: 15_000 });
    await gz.locator('form[data-action="confirm-withdrawal"] button').click();
    await gz.locator("#case-status", { hasText: "已撤回" }).waitFor();
    const cs = await open("430100", id, "clerk");
    await cs.locator("#case-status", { hasText: "已撤回" }).waitFor({ timeout: 15_000 });
    expect(await cs.locator('#timeline li[data-type="WithdrawalConfirmed"] .what').textContent()).to.equal(
      "确认撤回",
    );
  });

  it("a request that came after the decision shows the gateway's own refusal, naming the status", async () => {
    const id = await acceptedCase();
    const csRegion = t.fed.regions.get("430100");
    await csRegion?.pauseInbox();
    try {
      await call("POST", `${t.url("440100")}/cases/${id}/actions`, { type: "decide", approved: true });
      await call("POST", `${t.url("430100")}/cases/${id}/actions`, {
        type: "withdraw",
        reason: "申请人已现场办理",
      });
    } finally {
      await csRegion?.resumeInbox();
    }
    const cs = await open("430100", id, "clerk");
    const refused = cs.locator('#timeline li[data-type="WithdrawalRefused"]');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.locator(".detail").textContent()).to.equal(
      "撤回申请到达前办件已处理（已办结），不予撤回",
    );
    expect(await cs.textContent("#case-status")).to.equal("已办结");
  });
});
