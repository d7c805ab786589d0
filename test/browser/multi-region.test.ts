/**
 * Issue 16's 多地联办 scenario on the pages alone: a 长沙 clerk takes in a 户口迁移 case that 广州 leads
 * with 武汉 collaborating; the 广州 desk accepts it, assigns 武汉 a subtask and reassigns it; 武汉's desk
 * takes up and completes the new one; 广州's 办结 waits for it (saying so) and then decides; the 长沙
 * window hands the result over. Every party's timeline names who took each step.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { material, residentId } from "../helpers/fixtures.js";
import { statusAt } from "../helpers/scenario.js";
import { describeBrowser, errorsOf, launchBrowser, openPage, screenshot } from "./browser.js";
import { scan } from "./intake-form.js";

const CS = "430100";
const GZ = "440100";
const WH = "420100";

async function timelineShows(page: Page, type: string, nth = 0): Promise<string> {
  const item = page.locator(`#timeline li[data-type="${type}"]`).nth(nth);
  await item.waitFor({ timeout: 15_000 });
  return (await item.textContent()) ?? "";
}

describeBrowser("window page: 多地联办 长沙 → 广州 with 武汉 collaborating, on the pages alone", function () {
  this.timeout(180_000);
  let t: TestFederation;
  let browser: Browser;
  const root = (region: string) => t.url(region).replace(/\/api\/v1$/, "");
  before(async () => {
    [t, browser] = await Promise.all([startTestFederation([CS, GZ, WH]), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("takes the case from intake through a reassigned subtask to 办结 and pickup", async () => {
    const cs = await openPage(browser, `${root(CS)}/#/intake`, "clerk");

    // 收件: 多地联办 mode, 武汉 as collaborator, the 户口迁移 matter 广州 offers for it.
    await cs.selectOption("#handling-region", GZ);
    await cs.check('input[name="intake-mode"][value="MULTI_REGION"]');
    await cs.locator("#collaborators-field").waitFor();
    await cs.fill("#matter-q", "户口");
    await cs.press("#matter-q", "Enter");
    await cs.getByRole("radio", { name: /户口迁移/ }).check();
    await cs.fill("#person-name", "陈志强");
    await cs.fill("#person-id", residentId("430111", "19920815", "057"));
    await cs.fill("#person-mobile", "15973112233");
    const required = await cs
      .locator("#materials input[type=file][required], #materials input[type=file]")
      .evaluateAll((inputs) => inputs.map((i) => i.id));
    for (const id of required) {
      await cs.setInputFiles(`#${id}`, scan(id));
      await cs.locator(`#${id} ~ .digest code.sha256`).waitFor();
    }
    await cs.check('input[name="delivery"][value="WINDOW_PICKUP"]');
    // Without a 协办地 the gateway refuses, and the page says so in Chinese next to the choice.
    await cs.click("#intake-submit");
    const noCollaborator = cs.locator("#collaborators-field > .issue");
    await noCollaborator.waitFor();
    expect(await noCollaborator.textContent()).to.equal("多地联办须至少选择一个协办地区");
    await cs.check(`input[name="collaborator"][value="${WH}"]`);
    await cs.click("#intake-submit");
    await cs.locator("#view-receipt").waitFor();
    const caseId = (await cs.locator(".receipt dd code").first().textContent()) ?? "";
    const filed = (await call("GET", `${t.url(CS)}/cases/${caseId}`)).body;
    expect(filed).to.include({ mode: "MULTI_REGION", handlingRegion: GZ });
    expect(filed.collaboratingRegions).to.deep.equal([WH]);
    await cs.click("#receipt-progress");
    expect(await timelineShows(cs, "CaseSubmitted")).to.include(`经办人 dev clerk（dev-${CS}-clerk）`);

    // 广州 (lead): accepts, then assigns 武汉 a part; 办结 is not offered and the page says why.
    await statusAt(t.url(GZ), caseId, "FORWARDED");
    const gz = await openPage(browser, `${root(GZ)}/#/cases/${caseId}`, "handler");
    await gz.locator('form[data-action="accept"]').waitFor({ timeout: 15_000 });
    await gz.click('form[data-action="accept"] button');
    const assign = gz.locator('form[data-action="assign-subtask"]');
    await assign.waitFor({ timeout: 15_000 });
    expect(await gz.locator("#case-collab").textContent()).to.include("尚未分派联办任务");
    await gz.selectOption("#subtask-region", WH);
    await gz.fill("#subtask-description", "核对迁出信息");
    await assign.locator("button").click();
    expect(await timelineShows(gz, "SubtaskAssigned")).to.include("分派给 武汉市（420100）：核对迁出信息");
    const gate = gz.locator('#decide-gate[data-blocked="true"]');
    await gate.waitFor();
    expect(await gate.textContent())
      .to.include("武汉市（420100）")
      .and.include("待领办");
    expect(await gz.locator('form[data-action="decide"]').count()).to.equal(0);
    const first = (await call("GET", `${t.url(GZ)}/cases/${caseId}`)).body.subtasks[0].subtaskId as string;

    // The description was incomplete: the lead reassigns the part to 武汉 with a better one.
    const reassign = gz.locator(`form[data-action="reassign-subtask"][data-subtask-id="${first}"]`);
    await reassign.waitFor();
    await gz.selectOption(`#reassign-region-${first}`, WH);
    await gz.fill(`#reassign-description-${first}`, "办理户口迁出登记并出具户口迁移证");
    await gz.fill(`#reassign-reason-${first}`, "任务说明不全");
    await reassign.locator("button").click();
    expect(await timelineShows(gz, "SubtaskReassigned")).to.include("任务说明不全");
    await gz.locator(`li.subtask[data-subtask-id="${first}"][data-state="reassigned"]`).waitFor();
    const second = (await call("GET", `${t.url(GZ)}/cases/${caseId}`)).body.subtasks[1].subtaskId as string;

    // 武汉 (collaborator): sees only its own steps; takes the new subtask up and completes it.
    await statusAt(t.url(WH), caseId, "ACCEPTED");
    const wh = await openPage(browser, `${root(WH)}/#/cases/${caseId}`, "handler");
    const takeUp = wh.locator(`form[data-action="take-up-subtask"][data-subtask-id="${second}"]`);
    await takeUp.waitFor({ timeout: 15_000 });
    expect(await wh.locator(`form[data-subtask-id="${first}"]`).count()).to.equal(0);
    expect(
      await wh.locator('form[data-action="assign-subtask"], form[data-action="cancel-subtask"]').count(),
    ).to.equal(0);
    await takeUp.locator("button").click();
    await gz
      .locator(`li.subtask[data-subtask-id="${second}"][data-state="taken-up"]`)
      .waitFor({ timeout: 15_000 });
    const complete = wh.locator(`form[data-action="complete-subtask"][data-subtask-id="${second}"]`);
    await complete.waitFor();
    await wh.fill(`#complete-note-${second}`, "已办理迁出，迁移证编号 鄂0112345");
    await complete.locator("button").click();
    expect(await timelineShows(wh, "SubtaskCompleted")).to.include(
      "经办人 dev handler（dev-420100-handler）",
    );

    // 广州: every subtask done or withdrawn, so 办结 is offered.
    await gz.locator('#decide-gate[data-blocked="false"]').waitFor({ timeout: 15_000 });
    await gz.locator('form[data-action="decide"]').waitFor();
    await screenshot(gz, "multi-region-case", true);
    await gz.click('form[data-action="decide"] button');

    // 长沙: window pickup, handed over at the intake window.
    await cs.locator('form[data-action="deliver"]').waitFor({ timeout: 15_000 });
    await cs.click('form[data-action="deliver"] button');
    await statusAt(t.url(WH), caseId, "DELIVERED");

    // Every party's timeline: the same steps, each naming its 经办人 and what was assigned to whom.
    const steps = [
      "CaseSubmitted",
      "CaseAccepted",
      "SubtaskAssigned",
      "SubtaskReassigned",
      "SubtaskTakenUp",
      "SubtaskCompleted",
      "CaseDecided",
      "ResultDelivered",
    ];
    for (const page of [cs, gz, wh]) {
      await timelineShows(page, "ResultDelivered");
      const items = await page
        .locator("#timeline li")
        .evaluateAll((li) =>
          li.map((x) => [x.getAttribute("data-type"), x.querySelector(".actor")?.textContent]),
        );
      expect(items.map(([type]) => type)).to.deep.equal(steps);
      for (const [, actor] of items)
        expect(actor).to.match(/^经办人 dev (clerk|handler)（dev-\d{6}-(clerk|handler)）$/);
    }
    expect(await timelineShows(cs, "SubtaskReassigned")).to.include("改派给 武汉市（420100）");
    for (const page of [cs, gz, wh]) expect(errorsOf(page)).to.deep.equal([]);
  });
});

describeBrowser("window page: the lead sees a stalled collaborator", function () {
  this.timeout(120_000);
  let t: TestFederation;
  let browser: Browser;
  const root = (region: string) => t.url(region).replace(/\/api\/v1$/, "");
  before(async () => {
    [t, browser] = await Promise.all([
      startTestFederation([CS, GZ, WH], { subtaskTakeUpHours: 0.3 / 3600 }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("marks a subtask not taken up in time at the lead, and not at the collaborator", async () => {
    const created = await call("POST", `${t.url(CS)}/cases`, {
      mode: "MULTI_REGION",
      matterCode: "XR-HJ-001",
      intakeRegion: CS,
      handlingRegion: GZ,
      collaboratingRegions: [WH],
      applicant: {
        person: { name: "陈志强", idNumber: residentId("430111", "19920815", "057"), mobile: "15973112233" },
      },
      materials: [material("CL-SFZ", "居民身份证"), material("CL-HKB", "居民户口簿")],
      delivery: { method: "WINDOW_PICKUP" },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.caseId as string;
    await statusAt(t.url(GZ), id, "FORWARDED");
    for (const action of [
      { type: "accept" },
      { type: "assign-subtask", region: WH, description: "核对迁出信息" },
    ])
      expect((await call("POST", `${t.url(GZ)}/cases/${id}/actions`, action)).status).to.equal(200);
    await statusAt(t.url(WH), id, "ACCEPTED");
    await new Promise((r) => setTimeout(r, 500));
    const gz = await openPage(browser, `${root(GZ)}/#/cases/${id}`, "handler");
    const badge = gz.locator('li.subtask [data-stall="take-up-overdue"]');
    await badge.waitFor({ timeout: 15_000 });
    expect(await badge.textContent()).to.equal("超时未领办");
    expect(await gz.locator('#decide-gate[data-blocked="true"]').textContent()).to.include("待领办");
    const wh = await openPage(browser, `${root(WH)}/#/cases/${id}`, "handler");
    await wh.locator('form[data-action="take-up-subtask"]').waitFor({ timeout: 15_000 });
    expect(await wh.locator("[data-stall]").count()).to.equal(0);
    expect(errorsOf(gz)).to.deep.equal([]);
    expect(errorsOf(wh)).to.deep.equal([]);
  });
});
