/**
 * Issue 16 items 1 and 6 in a real browser: a 广州 handler opens a 长沙 case's
 * PDF scan from the case page (and the opening is on record for auditors);
 * the 广州 window finds a 长沙 case by the number on its receipt and prints
 * the 受理通知书 / 不予受理通知书 once it decided.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import type { Browser, Response } from "playwright-core";
import { STATUS_LABELS } from "../../adapters/sdk/labels.js";
import { call, eventually, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { statusAt } from "../helpers/scenario.js";
import { authFor } from "../helpers/staff.js";
import { describeBrowser, errorsOf, launchBrowser, openPage, screenshot } from "./browser.js";

/** 结果已寄出 as the page names RESULT_MAILED. */
const STATUS_MAILED = STATUS_LABELS.RESULT_MAILED;

/** A one-page PDF a viewer can show: a title line on an A4 page. */
function onePagePdf(title: string): Buffer {
  const text = `BT /F1 28 Tf 72 740 Td (${title}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

describeBrowser("window page: scans a handler opens, receipts, lookup and notices", function () {
  this.timeout(120_000);
  let t: TestFederation;
  let browser: Browser;
  const root = (region: string) => t.url(region).replace(/\/api\/v1$/, "");
  before(async () => {
    [t, browser] = await Promise.all([startTestFederation(["430100", "440100"]), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** A 长沙 case for 广州 whose 居民身份证 is a real one-page PDF; resolves once 广州 holds the scan. */
  async function caseWithPdf(): Promise<{ caseId: string; receiptNo: string; sha256: string }> {
    const pdf = onePagePdf("Scan: ID card (CL-SFZ)");
    const up = await fetch(`${t.url("430100")}/materials`, {
      method: "POST",
      headers: { "content-type": "application/pdf", ...authFor(t.url("430100"), "clerk") },
      body: pdf,
    });
    const stored = (await up.json()) as { sha256: string; sizeBytes: string };
    const body = pensionTransfer();
    body.materials[0] = { ...body.materials[0], ...stored, mediaType: "application/pdf" };
    const created = await call("POST", `${t.url("430100")}/cases`, body);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const file = join(t.dataDir, "440100", "materials", stored.sha256.slice(0, 2), stored.sha256);
    await eventually(async () => (existsSync(file) ? true : undefined), "广州 to fetch the scan");
    expect(createHash("sha256").update(pdf).digest("hex")).to.equal(stored.sha256);
    return { caseId: created.body.caseId, receiptNo: created.body.receiptNo, sha256: stored.sha256 };
  }

  it("a 广州 handler opens the PDF scan from the case page; auditors see who opened it", async () => {
    const { caseId, sha256 } = await caseWithPdf();
    const gz = await openPage(browser, `${root("440100")}/#/cases/${caseId}`, "handler");
    const link = gz.locator(`a.material-open[data-sha256="${sha256}"]`);
    await link.waitFor({ timeout: 15_000 });
    expect(await link.textContent()).to.equal("查看");
    expect(await link.getAttribute("target")).to.equal("_blank");
    const served = new Promise<Response>((resolve) => {
      gz.context().on("response", (r) => {
        if (r.url().includes(`/materials/${sha256}`)) resolve(r);
      });
    });
    const [viewer] = await Promise.all([gz.waitForEvent("popup"), link.click()]);
    const r = await served;
    expect(r.status()).to.be.oneOf([200, 206]);
    const headers = await r.allHeaders();
    expect(headers["content-type"]).to.match(/^application\/pdf/);
    expect(headers["content-disposition"])
      .to.match(/^inline;/)
      .and.include("filename*=UTF-8''");
    await viewer.waitForLoadState();
    await viewer.waitForTimeout(1_000);
    await screenshot(viewer, "material-viewer");
    await viewer.close();
    // The other material (a stand-in PDF too) is offered the same way; a non-shown type would download.
    expect(await gz.locator("a.material-open").count()).to.equal(2);

    const audit = await call("GET", `${t.url("440100")}/cases/${caseId}/material-openings`, undefined, {
      authorization: "Bearer dev-440100-auditor",
    });
    expect(audit.status).to.equal(200);
    expect(audit.body.openings.length).to.be.at.least(1);
    expect(audit.body.openings[0]).to.include({ caseId, sha256, staffRole: "handler" });
    // 广州's auditor sees the record on the case page; the handler's page shows none.
    const auditor = await openPage(browser, `${root("440100")}/#/cases/${caseId}`, "auditor");
    const row = auditor.locator("#case-openings tbody tr").first();
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent())
      .to.include("（办理）")
      .and.include("居民身份证");
    await screenshot(auditor, "material-openings");
    expect(await gz.locator("#case-openings").textContent()).to.equal("");
    expect(errorsOf(auditor)).to.deep.equal([]);
    expect(errorsOf(gz)).to.deep.equal([]);
  });

  it("the 广州 window finds a 长沙 case by its receipt number and prints the 受理通知书", async () => {
    const { caseId, receiptNo } = await caseWithPdf();
    await statusAt(t.url("440100"), caseId, "FORWARDED");
    const gz = await openPage(browser, `${root("440100")}/#/cases`, "clerk");
    // A number of the wrong shape says what a receipt number looks like.
    await gz.fill("#lookup-receipt", "12345");
    await gz.click("#lookup-submit");
    await gz.locator("#lookup-result", { hasText: "20 位编号" }).waitFor();
    await gz.fill("#lookup-receipt", receiptNo.toLowerCase());
    await screenshot(gz, "receipt-lookup");
    await gz.click("#lookup-submit");
    await gz.waitForURL(new RegExp(`#/cases/${caseId}$`));
    await gz.locator("#case-summary", { hasText: receiptNo }).waitFor();
    expect(await gz.locator("#notice-link").count(), "no notice before 受理").to.equal(0);

    expect(
      (await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, { type: "accept" })).status,
    ).to.equal(200);
    await gz.locator("#notice-link", { hasText: "打印受理通知书" }).click({ timeout: 15_000 });
    await gz.locator("#view-notice").waitFor();
    expect(await gz.locator("#notice-title").textContent()).to.equal("受理通知书");
    const accepted = (await call("GET", `${t.url("440100")}/cases/${caseId}`)).body;
    const notice = (await gz.locator("article.notice").textContent()) ?? "";
    expect(notice).to.include(receiptNo).and.include("决定予以受理").and.include("自受理之日起计算");
    expect(notice).to.include("长沙市（430100）跨域通办窗口").and.include("李秀英");
    expect(await gz.locator("#notice-deadline").textContent()).to.equal(accepted.deadline);
    await screenshot(gz, "acceptance-notice");
    expect(errorsOf(gz)).to.deep.equal([]);
  });

  it("after a returned mail the 长沙 window corrects the address on the page; 广州 mails it again", async () => {
    const { caseId } = await caseWithPdf();
    await statusAt(t.url("440100"), caseId, "FORWARDED");
    for (const step of [
      { type: "accept" },
      { type: "decide", approved: true },
      { type: "mail", courier: "中国邮政EMS", waybillNo: "1151234567890" },
      { type: "return", reason: "地址不详，无法投递" },
    ]) {
      expect((await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, step)).status).to.equal(200);
    }
    await statusAt(t.url("430100"), caseId, "RETURNED");
    const cs = await openPage(browser, `${root("430100")}/#/cases/${caseId}`, "clerk");
    const form = cs.locator('form[data-action="correct-delivery"]');
    await form.waitFor({ timeout: 15_000 });
    // Filled in with the address the mail went to.
    expect(await cs.inputValue("#redeliver-address")).to.equal("湖南省长沙市岳麓区麓山南路932号");
    await cs.fill("#redeliver-address", "湖南省长沙市岳麓区麓山南路936号");
    await cs.fill("#redeliver-reason", "门牌号有误，申请人到窗口更正");
    await form.scrollIntoViewIfNeeded();
    await screenshot(cs, "correct-delivery");
    await cs.fill("#redeliver-postal", "41001");
    await form.locator("button").click();
    // The gateway's refusal lands next to the postal code (in Chinese), and nothing was sent.
    await form.locator('[data-path="delivery.postalCode"][aria-invalid="true"]').waitFor();
    await cs.fill("#redeliver-postal", "410012");
    await form.locator("button").click();
    await cs.locator('#timeline li[data-type="DeliveryCorrected"]').waitFor({ timeout: 15_000 });
    expect(await cs.locator('#timeline li[data-type="DeliveryCorrected"]').textContent()).to.include(
      "更正送达地址",
    );
    const gz = await eventually(async () => {
      const r = await call("GET", `${t.url("440100")}/cases/${caseId}`);
      return r.body.delivery.address.endsWith("936号") ? r.body : undefined;
    }, "广州 to hold the corrected address");
    expect(gz.status).to.equal("RETURNED");
    const again = { type: "mail", courier: "中国邮政EMS", waybillNo: "1159999999999" };
    expect((await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, again)).status).to.equal(200);
    await cs.locator("#case-status", { hasText: STATUS_MAILED }).waitFor({ timeout: 15_000 });
    expect(errorsOf(cs)).to.deep.equal([]);
  });

  it("a refused case's notice is the 不予受理通知书 with the reason, at the intake window too", async () => {
    const { caseId } = await caseWithPdf();
    await statusAt(t.url("440100"), caseId, "FORWARDED");
    const refusal = { type: "reject", reason: "申请事项不属于本机关职权范围" };
    expect((await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, refusal)).status).to.equal(200);
    await statusAt(t.url("430100"), caseId, "REJECTED");
    const cs = await openPage(browser, `${root("430100")}/#/notice/${caseId}`, "clerk");
    await cs.locator("#view-notice").waitFor();
    expect(await cs.locator("#notice-title").textContent()).to.equal("不予受理通知书");
    expect(await cs.locator("#notice-reason").textContent()).to.equal(refusal.reason);
    expect(await cs.locator("article.notice").textContent()).to.include("行政复议");
    expect(errorsOf(cs)).to.deep.equal([]);
  });
});
