/**
 * Helpers of the browser tests: the page built from the current sources,
 * Debian's chromium driven by playwright-core, screenshots for the README.
 * Without /usr/bin/chromium the suites are skipped with the reason, or fail
 * when XR_REQUIRE_BROWSER=1 (as .ci/run sets), like the Kafka suites.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { regionOf } from "../helpers/staff.js";

/** Debian's chromium package. */
export const CHROMIUM = "/usr/bin/chromium";
/** Where the README's screenshots live. */
export const SCREENSHOTS = join(PROJECT_ROOT, "docs", "screenshots");

let built = false;

/** Bundles the page from the current sources (once per run), as `npm run build:web` does. */
export function buildWeb(): void {
  if (built) return;
  execFileSync(process.execPath, [join(PROJECT_ROOT, "scripts", "build-web.mjs")], { stdio: "inherit" });
  built = true;
}

/** `describe` for suites that need chromium: skipped without it, failed if XR_REQUIRE_BROWSER=1. */
export function describeBrowser(title: string, body: (this: Mocha.Suite) => void): void {
  describe(title, function () {
    if (existsSync(CHROMIUM)) {
      body.call(this);
      return;
    }
    if (process.env.XR_REQUIRE_BROWSER === "1") {
      it("has chromium (XR_REQUIRE_BROWSER=1)", () => {
        throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
      });
      return;
    }
    it.skip(`needs ${CHROMIUM} (Debian package chromium); not installed`);
  });
}

/** Starts headless chromium with the flags that work on these machines. */
export async function launchBrowser(): Promise<Browser> {
  buildWeb();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

const pageErrors = new WeakMap<Page, string[]>();

/** Script errors `page` has thrown so far (tests expect none). */
export function errorsOf(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

/**
 * A fresh page at 1280×800 in 简体中文 and China Standard Time, recording its
 * script errors, signed in as `role` of the region whose gateway serves `url`
 * (signed in with its development token: the context keeps the session
 * cookie the gateway answers with, as the sign-in form leaves it).
 */
export async function openPage(browser: Browser, url: string, role = "admin"): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const region = regionOf(url);
  if (region) {
    const signIn = await context.request.post(`${new URL(url).origin}/api/v1/session`, {
      data: { token: `dev-${region}-${role}` },
    });
    if (!signIn.ok()) throw new Error(`sign-in as dev-${region}-${role}: HTTP ${signIn.status()}`);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

/** Saves a screenshot of what `page` shows now as docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}
