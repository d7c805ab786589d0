/**
 * docs/onboarding.md, followed as a new integration engineer would: scaffold
 * 430200 株洲市 with the `xr` command, fill in the files with the guide's own
 * blocks, verify, then exchange one case with 430100 长沙 end to end. Runs in
 * a temporary copy of config/ and adapters/ (XR_CONFIG_DIR, XR_ADAPTERS_DIR).
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { call } from "../helpers/federation.js";
import { type FixtureFederation, startFixtureFederation } from "../helpers/fixture-federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { type RegionFixture, regionFixture } from "../helpers/region-fixture.js";
import { statusAt } from "../helpers/scenario.js";

/** The guide's YAML blocks that say where they go: `# file: <path>` or `# append to: <path>`. */
function guideBlocks(): Array<{ how: "file" | "append to"; path: string; text: string }> {
  const guide = readFileSync(join(PROJECT_ROOT, "docs/onboarding.md"), "utf8");
  return [...guide.matchAll(/```yaml\n# (file|append to): (\S+)\n([\s\S]*?)```/g)].map((m) => ({
    how: m[1] as "file" | "append to",
    path: m[2] ?? "",
    text: m[3] ?? "",
  }));
}

/** The guide's shell command of a step, run as `xr` with the fixture's directories. */
function xr(fx: RegionFixture, args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "gateway/cli/xr.ts", ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, XR_CONFIG_DIR: fx.configDir, XR_ADAPTERS_DIR: fx.adaptersDir },
  });
}

describe("onboarding a sixth region (430200 株洲市) by docs/onboarding.md", () => {
  let fx: RegionFixture;
  let t: FixtureFederation | undefined;
  before(() => {
    fx = regionFixture();
  });
  after(async () => {
    await t?.stop();
    fx.remove();
  });

  it("scaffolds the region with the guide's command", () => {
    const guide = readFileSync(join(PROJECT_ROOT, "docs/onboarding.md"), "utf8");
    const command = /npm run xr -- (adapter scaffold 430200[^\n]*)/.exec(guide)?.[1];
    expect(command, "the guide's scaffold command").to.equal(
      "adapter scaffold 430200 --name 株洲市 --register",
    );
    const r = xr(fx, (command ?? "").split(" "));
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include("added     430200");
    // Before it is filled in, verify refuses it, saying what to do.
    const before = xr(fx, ["adapter", "verify", "430200"]);
    expect(before.status).to.equal(1);
    expect(before.stdout).to.include("no matter of the catalog is in shared terms");
  });

  it("fills in the files from the guide and verifies", () => {
    const blocks = guideBlocks();
    expect(blocks.map((b) => `${b.how} ${b.path}`)).to.deep.equal([
      "file adapters/430200/catalog.yaml",
      "file adapters/430200/mapping.yaml",
      "append to config/agreements.yaml",
    ]);
    for (const b of blocks) {
      const target = join(fx.dir, b.path);
      if (b.how === "file") writeFileSync(target, b.text);
      else appendFileSync(target, b.text);
    }
    const r = xr(fx, ["adapter", "verify", "430200"]);
    expect(r.status, r.stdout).to.equal(0);
    expect(r.stdout).to.include(
      "xr adapter verify 430200 (株洲市): declarative: catalog.yaml + mapping.yaml",
    );
    expect(r.stdout).to.match(/✔ catalog parses: 2 matters in shared terms, version ZZ-2026\.11/);
    expect(r.stdout).to.include("PASSED");
  });

  it("exchanges one case with 430100 from intake to delivery", async function () {
    this.timeout(60_000);
    t = await startFixtureFederation(fx, ["430100", "430200"]);
    const cs = t.url("430100");
    const zz = t.url("430200");
    const matters = await call("GET", `${zz}/regions/430200/matters?q=XR-SB-001`);
    expect(matters.body.catalogVersion).to.equal("ZZ-2026.11");
    expect(matters.body.matters[0].localCode).to.equal("ZZRS-0101");
    const submitted = await call("POST", `${cs}/cases`, { ...pensionTransfer(), handlingRegion: "430200" });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(201);
    const id = submitted.body.caseId;
    expect(submitted.body.promisedDays).to.equal(12);
    await statusAt(zz, id, "FORWARDED");
    for (const action of [
      { type: "accept" },
      { type: "decide", approved: true },
      { type: "mail", courier: "中国邮政EMS", waybillNo: "1151234567890" },
      { type: "deliver" },
    ]) {
      const r = await call("POST", `${zz}/cases/${id}/actions`, action);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    }
    const home = await statusAt(cs, id, "DELIVERED");
    expect(home.handlingRegion).to.equal("430200");
    expect(home.catalogVersion).to.equal("ZZ-2026.11");
  });
});
