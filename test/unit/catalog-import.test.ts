/**
 * `xr catalog import`: a city's new export is verified with the region's
 * checks, compared with the installed catalog, and only then written into
 * adapters/<region>/, whole; a dry run or a refused export writes nothing.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { formatDiff } from "../../gateway/tools/catalog-diff.js";
import { importCatalog } from "../../gateway/tools/catalog-import.js";
import { passed } from "../../gateway/tools/conformance/report.js";
import { type RegionFixture, regionFixture } from "../helpers/region-fixture.js";

const INSTALLED = "adapters/430181/catalog.yaml";

describe("xr catalog import", () => {
  let fx: RegionFixture;
  let installed: string;
  beforeEach(() => {
    fx = regionFixture();
    installed = fx.read(INSTALLED);
  });
  afterEach(() => fx.remove());

  /** A new export of 浏阳's catalog: `edit` applied to the installed one, under a new version. */
  function newExport(edit: (text: string) => string): string {
    const text = edit(installed.replace(/^version: .*$/m, 'version: "2026.12-1"'));
    fx.write("export.yaml", text);
    return text;
  }

  const run = (dryRun: boolean) =>
    importCatalog({
      file: join(fx.dir, "export.yaml"),
      region: "430181",
      configDir: fx.configDir,
      adaptersDir: fx.adaptersDir,
      dryRun,
      cwd: fx.dir,
    });

  it("shows the diff on a dry run and writes nothing; without it, installs the export whole", async () => {
    const text = newExport((t) => t.replace("promisedDays: 14", "promisedDays: 12"));
    const dry = await run(true);
    expect(passed(dry.report)).to.equal(true);
    expect(dry.written).to.equal(undefined);
    expect(fx.read(INSTALLED)).to.equal(installed);
    const lines = formatDiff("430181", dry.diff ?? expect.fail("no diff"));
    expect(lines[0]).to.match(/^catalog 430181: .* → 2026\.12-1$/);
    expect(lines.some((l) => /^~ XR-SB-001 .*promisedDays 14 → 12/.test(l))).to.equal(true, lines.join("\n"));
    expect(lines.at(-1)).to.equal("0 added, 0 removed, 1 changed");

    const done = await run(false);
    expect(done.written).to.equal(join(fx.adaptersDir, "430181", "catalog.yaml"));
    expect(fx.read(INSTALLED)).to.equal(text);
    expect(readdirSync(join(fx.adaptersDir, "430181")).sort()).to.deep.equal([
      "catalog.yaml",
      "mapping.yaml",
    ]);
  });

  it("refuses an export that does not verify, and writes nothing", async () => {
    newExport((t) => t.replace("promisedDays: 14", "promisedDays: 40"));
    const r = await run(false);
    expect(passed(r.report)).to.equal(false);
    expect(r.diff).to.equal(undefined);
    expect(r.written).to.equal(undefined);
    expect(r.report.findings.map((f) => f.message)).to.include(
      "promises 40 working days for XR-SB-001, more than the federation's 15",
    );
    expect(fx.read(INSTALLED)).to.equal(installed);
  });

  it("as a command: exit 0 with the diff, exit 1 and the report when refused", () => {
    const xr = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "gateway/cli/xr.ts", "catalog", "import", ...args], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        env: { ...process.env, XR_CONFIG_DIR: fx.configDir, XR_ADAPTERS_DIR: fx.adaptersDir },
      });
    const file = join(fx.dir, "export.yaml");
    newExport((t) => t.replace("promisedDays: 14", "promisedDays: 12"));
    const dry = xr(file, "--region", "430181", "--dry-run");
    expect(dry.status, dry.stderr).to.equal(0);
    expect(dry.stdout).to.match(/~ XR-SB-001 .*promisedDays 14 → 12/);
    expect(dry.stdout).to.include("dry run: nothing written");
    expect(fx.read(INSTALLED)).to.equal(installed);

    newExport((t) => t.replace("promisedDays: 14", "promisedDays: 40"));
    const bad = xr(file, "--region", "430181");
    expect(bad.status).to.equal(1);
    expect(bad.stdout).to.include("FAILED");
    expect(bad.stdout).to.include("nothing imported");
    expect(fx.read(INSTALLED)).to.equal(installed);
  });
});
