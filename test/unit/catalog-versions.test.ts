/** Catalog versions: the diff of two exports, and the history a gateway keeps. */
import { join } from "node:path";
import { expect } from "chai";
import { indexCatalog, type RegionCatalog } from "../../gateway/domain/matter.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { SqliteCatalogStore } from "../../gateway/store/sqlite/catalogs.js";
import { diffCatalogs, formatDiff } from "../../gateway/tools/catalog-diff.js";
import { readCatalogFile } from "../../gateway/tools/catalog-file.js";
import { Catalogs } from "../../gateway/usecases/catalogs.js";
import { type RegionFixture, regionFixture } from "../helpers/region-fixture.js";

describe("xr catalog diff", () => {
  let fx: RegionFixture;
  beforeEach(() => {
    fx = regionFixture();
  });
  afterEach(() => fx.remove());

  it("lists added, removed and changed matters: materials, promised days, modes", async () => {
    const path = "adapters/430181/catalog.yaml";
    const before = await readCatalogFile(join(fx.dir, path), "430181", fx.configDir, fx.adaptersDir);
    fx.edit(path, 'version: "LY-2026.10"', 'version: "LY-2026.12"');
    // XR-SB-001: fewer days, one mode fewer, the optional application form dropped.
    fx.edit(
      path,
      "promisedDays: 14\n    modes: [全程网办, 异地代收代办]",
      "promisedDays: 9\n    modes: [异地代收代办]",
    );
    fx.edit(path, /\n {6}- \{ localCode: LYCL-003, name: 申请表, required: false \}/, "");
    // XR-BDC-002 withdrawn from the catalog (unmapped = local only).
    fx.edit("adapters/430181/mapping.yaml", /\n {2}"LY-ZG-\d+": XR-BDC-002[^\n]*/, "");
    // XR-SC-005 added: 企业注销登记.
    fx.edit(
      path,
      "  # Local only",
      "  - localCode: LY-SJ-0099\n    name: 企业注销登记\n    department: 浏阳市市场监督管理局\n    promisedDays: 3\n    modes: [全程网办]\n    materials:\n      - { localCode: LYCL-030, name: 营业执照, required: true }\n      - { localCode: LYCL-031, name: 申请书, required: true }\n      - { localCode: LYCL-032, name: 清算报告, required: true }\n  # Local only",
    );
    fx.edit(
      "adapters/430181/mapping.yaml",
      "materials:\n",
      '  "LY-SJ-0099": XR-SC-005\nmaterials:\n  "LYCL-030": CL-YYZZ\n  "LYCL-031": CL-SQB\n  "LYCL-032": CL-QSBG\n',
    );
    const after = await readCatalogFile(join(fx.dir, path), "430181", fx.configDir, fx.adaptersDir);
    const d = diffCatalogs(before, after);
    expect(d.added.map((m) => m.code)).to.deep.equal(["XR-SC-005"]);
    expect(d.changed.map((c) => [c.code, c.changes])).to.deep.equal([
      ["XR-SB-001", ["promisedDays 14 → 9", "modes -FULL_ONLINE", "materials -CL-SQB"]],
    ]);
    const lines = formatDiff("430181", d);
    expect(lines[0]).to.equal("catalog 430181: LY-2026.10 → LY-2026.12");
    expect(lines).to.include("- XR-BDC-002 不动产登记资料查询 (LY-ZG-0012)");
    expect(lines.at(-1)).to.equal("1 added, 1 removed, 1 changed");
  });

  it("reads a coded region's export (广州 GBK CSV) and finds nothing between a file and itself", async () => {
    const file = join(PROJECT_ROOT, "adapters/440100/catalog.csv");
    const a = await readCatalogFile(
      file,
      "440100",
      join(PROJECT_ROOT, "config"),
      join(PROJECT_ROOT, "adapters"),
    );
    const d = diffCatalogs(a, a);
    expect([d.added.length, d.removed.length, d.changed.length]).to.deep.equal([0, 0, 0]);
  });
});

describe("a region's own catalog over time", () => {
  const catalog = (version: string): RegionCatalog => indexCatalog("360100", version, []);

  it("serves the newest version and keeps earlier ones for cases filed under them", async () => {
    const catalogs = await Catalogs.open(catalog("v1"), new SqliteCatalogStore(":memory:"));
    catalogs.publishOwn(catalog("v2"));
    expect(catalogs.own.version).to.equal("v2");
    expect(catalogs.held("360100")?.version).to.equal("v2");
    expect(catalogs.ownAt("v1").version).to.equal("v1");
    for (let i = 3; i <= 12; i++) catalogs.publishOwn(catalog(`v${i}`));
    expect(catalogs.ownAt("v1").version, "only the last versions are kept; else the current").to.equal("v12");
    expect(catalogs.ownAt("v4").version).to.equal("v4");
    await catalogs.close();
  });
});
