/** Fills the 长沙 window's intake form with a valid pension-transfer application, as a clerk would. */
import type { Page } from "playwright-core";
import { residentId } from "../helpers/fixtures.js";

/** A small "scan" with a real PDF header and content distinct per label. */
export function scan(label: string): { name: string; mimeType: string; buffer: Buffer } {
  const buffer = Buffer.from(`%PDF-1.4\n% ${label}\n${"0".repeat(2048)}\n%%EOF\n`);
  return { name: `${label}.pdf`, mimeType: "application/pdf", buffer };
}

/** Picks 广州's 基本养老保险关系转移接续 through the catalog search. */
export async function chooseMatter(page: Page): Promise<void> {
  await page.selectOption("#handling-region", "440100");
  await page.fill("#matter-q", "养老");
  await page.press("#matter-q", "Enter");
  await page.getByRole("radio", { name: /基本养老保险关系转移接续/ }).check();
}

/** Uploads a scan for each required material and waits for its digest. */
export async function attachMaterials(page: Page): Promise<void> {
  for (const code of ["CL-SFZ", "CL-CBPZ"]) {
    await page.setInputFiles(`#intake-material-${code}`, scan(code));
    await page.locator(`#intake-material-${code} ~ .digest code.sha256`).waitFor();
  }
}

/** Fills every field with valid values: matter, person applicant, materials, mail delivery. */
export async function fillValidIntake(page: Page): Promise<void> {
  await chooseMatter(page);
  await page.fill("#person-name", "李秀英");
  await page.fill("#person-id", residentId());
  await page.fill("#person-mobile", "13807311234");
  await attachMaterials(page);
  await page.fill("#mail-recipient", "李秀英");
  await page.fill("#mail-mobile", "13807311234");
  await page.fill("#mail-address", "湖南省长沙市岳麓区麓山南路932号");
  await page.fill("#mail-postal", "410012");
}

/** The message shown next to the field `selector` ("" when none). */
export async function issueOf(page: Page, selector: string): Promise<string> {
  const issue = page.locator(`.field:has(> ${selector}) > .issue, ${selector}.field > .issue`);
  return (await issue.count()) === 0 ? "" : ((await issue.first().textContent()) ?? "");
}
