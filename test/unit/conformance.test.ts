/**
 * The conformance kit (`xr adapter verify`) against the shipped regions and
 * against deliberately broken catalogs, mappings and adapters: each breakage
 * produces its own specific report line, naming the file and line (or record).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import iconv from "iconv-lite";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { findingLine, formatReport, passed, type Report } from "../../gateway/tools/conformance/report.js";
import { scaffoldRegion } from "../../gateway/tools/conformance/scaffold.js";
import { verifyRegion } from "../../gateway/tools/conformance/verify.js";
import { type RegionFixture, regionFixture } from "../helpers/region-fixture.js";

const SHIPPED = ["430100", "440100", "420100", "360100", "430181"];

/** 1-based line of the first line of `text` matching `re` after line `from`. */
function lineOf(text: string, re: RegExp, from = 0): number {
  const lines = text.split("\n");
  for (let i = from; i < lines.length; i++) if (re.test(lines[i] ?? "")) return i + 1;
  throw new Error(`no line matches ${re}`);
}

function lines(r: Report): string[] {
  return r.findings.map(findingLine);
}

describe("conformance kit: the shipped regions", () => {
  for (const code of SHIPPED) {
    it(`passes ${code} with no errors`, async () => {
      const r = await verifyRegion(code, {
        configDir: `${PROJECT_ROOT}/config`,
        adaptersDir: `${PROJECT_ROOT}/adapters`,
        cwd: PROJECT_ROOT,
      });
      expect(passed(r), formatReport(r)).to.equal(true);
      expect(r.skipped).to.deep.equal([]);
      expect(formatReport(r)).to.match(/sample cases round-trip both ways without loss: \d+ sample cases/);
    });
  }
});

describe("conformance kit: broken regions", () => {
  let fx: RegionFixture;
  beforeEach(() => {
    fx = regionFixture();
  });
  afterEach(() => fx.remove());
  const verify = (code: string) =>
    verifyRegion(code, { configDir: fx.configDir, adaptersDir: fx.adaptersDir, cwd: fx.dir });

  it("missing field: names the catalog line of the record and the field", async () => {
    fx.edit("adapters/430181/catalog.yaml", "    department: 浏阳市医疗保障局\n", "");
    const record = lineOf(fx.read("adapters/430181/catalog.yaml"), /localCode: LY-YB-/);
    const r = await verify("430181");
    expect(passed(r)).to.equal(false);
    expect(lines(r)).to.include(
      `ERROR adapters/430181/catalog.yaml line ${record}: matters.4.department: is missing → give the department that decides the matter (实施部门)`,
    );
    expect(formatReport(r)).to.match(/✘ catalog parses: the adapter could not read it/);
  });

  it("duplicate local code in a declarative catalog: names both lines", async () => {
    fx.edit("adapters/430181/catalog.yaml", "localCode: LY-RS-0022", "localCode: LY-RS-0011");
    const text = fx.read("adapters/430181/catalog.yaml");
    const first = lineOf(text, /localCode: LY-RS-0011/);
    const second = lineOf(text, /localCode: LY-RS-0011/, first);
    const r = await verify("430181");
    expect(lines(r)).to.include(
      `ERROR adapters/430181/catalog.yaml line ${second}: localCode LY-RS-0011 is listed twice (first at catalog.yaml line ${first}) → give each matter its own code`,
    );
  });

  it("duplicate local code in a coded adapter's catalog (430100 JSON): names the record", async () => {
    fx.edit("adapters/430100/catalog.json", `"事项编码": "430100-GA-0112"`, `"事项编码": "430100-GA-0105"`);
    const r = await verify("430100");
    const line = lineOf(fx.read("adapters/430100/catalog.json"), /430100-GA-0105/);
    expect(lines(r)).to.include(
      `ERROR adapters/430100/catalog.json line ${line} (430100-GA-0105): duplicate local code: 430100-GA-0105 is used by 2 matters → give each matter its own local code`,
    );
    expect(passed(r)).to.equal(false);
  });

  it("unmapped agreed matter: names the agreement's line and what to add", async () => {
    fx.edit("adapters/430181/mapping.yaml", /\s+"LY-RS-0011": XR-SB-001[^\n]*/, "");
    const agreements = fx.read("config/agreements.yaml");
    const line = lineOf(agreements, /XR-SB-001/, lineOf(agreements, /to: "430181"/));
    const r = await verify("430181");
    expect(lines(r)).to.include(
      `ERROR config/agreements.yaml line ${line}: unmapped agreed matter: XR-SB-001 (基本养老保险关系转移接续) is agreed with 430100 but mapping.yaml maps no local code to it → add "<local code>": XR-SB-001 under matters in adapters/430181/mapping.yaml, and the matter to the catalog`,
    );
  });

  it("mapping collision: two local codes for one shared code, both lines named", async () => {
    fx.edit("adapters/430181/mapping.yaml", `"LYCL-003": CL-SQB`, `"LYCL-003": CL-SFZ`);
    const text = fx.read("adapters/430181/mapping.yaml");
    const r = await verify("430181");
    expect(lines(r)).to.include(
      `ERROR adapters/430181/mapping.yaml line ${lineOf(text, /"LYCL-003"/)}: collision: CL-SFZ is mapped from both "LYCL-001" (adapters/430181/mapping.yaml line ${lineOf(text, /"LYCL-001"/)}) and "LYCL-003" → map each shared code from one local code only; remove or correct one of the two`,
    );
  });

  it("stale mapping lines: a local matter and a local material the catalog does not have fail verify", async () => {
    fx.edit(
      "adapters/430181/mapping.yaml",
      '  "LY-ZG-0012": XR-BDC-002 # 不动产登记资料查询\n',
      '  "LY-ZG-0012": XR-BDC-002 # 不动产登记资料查询\n  "LY-ZG-0099": XR-BDC-003\n',
    );
    fx.edit("adapters/430181/mapping.yaml", /\n$/, '\n  "LYCL-099": CL-GFHT\n');
    const text = fx.read("adapters/430181/mapping.yaml");
    const r = await verify("430181");
    expect(passed(r)).to.equal(false);
    expect(lines(r)).to.include(
      `ERROR adapters/430181/mapping.yaml line ${lineOf(text, /LY-ZG-0099/)}: stale mapping: matters.LY-ZG-0099 names a local matter the catalog does not list → remove the line, or add the matter to the catalog`,
    );
    expect(lines(r)).to.include(
      `ERROR adapters/430181/mapping.yaml line ${lineOf(text, /LYCL-099/)}: stale mapping: materials.LYCL-099 (CL-GFHT) is not in the catalog, and no matter offered or taken in here has it → remove the line, or add the material to the matters that need it`,
    );
  });

  it("an agreement with a region outside the federation: names the agreement's line", async () => {
    fx.edit(
      "config/agreements.yaml",
      '  - from: "430181"   # 浏阳市 收件\n    to: "430100"',
      '  - from: "430181"   # 浏阳市 收件\n    to: "430199"',
    );
    const line = lineOf(fx.read("config/agreements.yaml"), /from: "430181"/);
    const r = await verify("430181");
    expect(passed(r)).to.equal(false);
    expect(lines(r)).to.include(
      `ERROR config/agreements.yaml line ${line}: the agreement 430181 → 430199 names 430199, which is not a federation member → add the region to config/federation.yaml or correct the agreement`,
    );
  });

  it("mojibake from a wrong encoding: a UTF-8 export where 广州 reads GBK", async () => {
    // The same export, saved as UTF-8 by a tool that "helpfully" converted it.
    const utf8 = iconv.decode(readFileSync(`${PROJECT_ROOT}/adapters/440100/catalog.csv`), "gb18030");
    fx.write("adapters/440100/catalog.csv", utf8);
    const r = await verify("440100");
    expect(lines(r)).to.include(
      `ERROR adapters/440100/catalog.csv line 1: mojibake: "浜嬮」浠ｇ爜" reads as UTF-8 text decoded as GBK (meant "事项代码"); the file is not gb18030 → export the catalog as GBK / GB 18030, the encoding the adapter reads`,
    );
    expect(passed(r)).to.equal(false);
  });

  it("mojibake kept in a file: a name once opened with the wrong encoding", async () => {
    const garbled = iconv.decode(Buffer.from("个人社保权益记录查询", "utf8"), "gbk");
    fx.edit("adapters/430181/catalog.yaml", "name: 个人社保权益记录查询", `name: ${garbled}`);
    const line = lineOf(fx.read("adapters/430181/catalog.yaml"), /LY-RS-0022/);
    const r = await verify("430181");
    expect(lines(r)).to.include(
      `ERROR adapters/430181/catalog.yaml line ${line} (LY-RS-0022): mojibake in LY-RS-0022 name "${garbled}": reads as UTF-8 text decoded as GBK (meant "个人社保权益记录查询") → read the file in the encoding it was exported in (e.g. GBK vs UTF-8), or re-export it`,
    );
  });

  it("a GBK file where UTF-8 is expected: names the first bad line", async () => {
    fx.write("adapters/430181/catalog.yaml", iconv.encode(fx.read("adapters/430181/catalog.yaml"), "gbk"));
    const r = await verify("430181");
    expect(lines(r)).to.include(
      "ERROR adapters/430181/catalog.yaml line 1: not valid UTF-8; it reads as GBK/GB 18030: re-save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8) → export the catalog as UTF-8, the encoding the adapter reads",
    );
  });

  it("a case field lost in translation: names the field and both values", async () => {
    const lossy = pathToFileURL(`${PROJECT_ROOT}/test/helpers/lossy-adapter.ts`).href;
    fx.write("adapters/430181/adapter.ts", `export { default } from "${lossy}";\n`);
    const r = await verify("430181");
    expect(lines(r)).to.include(
      `ERROR sample case "XR-SB-001 submitted": case field delivery.postalCode lost in translation: sent "410012", got back "" → write delivery.postalCode in caseToLocal and read it back in caseFromLocal`,
    );
    expect(r.kind).to.equal("adapter.ts reading catalog.yaml, mapping.yaml");
  });

  it("420100's XML: the export's own namespace prefix is accepted, malformed XML is named by line", async () => {
    fx.edit("adapters/420100/catalog.xml", /sx:/g, "q:");
    fx.edit("adapters/420100/catalog.xml", "xmlns:sx=", "xmlns:q=");
    expect(passed(await verify("420100"))).to.equal(true);
    fx.edit("adapters/420100/catalog.xml", "</q:Org>", "</q:Orgg>");
    const line = lineOf(fx.read("adapters/420100/catalog.xml"), /<\/q:Orgg>/);
    const r = await verify("420100");
    expect(
      lines(r).some((l) =>
        l.startsWith(`ERROR adapters/420100/catalog.xml line ${line}: Expected closing tag`),
      ),
    ).to.equal(true, lines(r).join("\n"));
  });

  it("xr adapter verify exits 1 on a failure and 0 on a pass, printing the report", () => {
    const run = () =>
      spawnSync(process.execPath, ["--import", "tsx", "gateway/cli/xr.ts", "adapter", "verify", "430181"], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        env: { ...process.env, XR_CONFIG_DIR: fx.configDir, XR_ADAPTERS_DIR: fx.adaptersDir },
      });
    const ok = run();
    expect(ok.status, ok.stderr).to.equal(0);
    expect(ok.stdout).to.include("PASSED");
    fx.edit("adapters/430181/catalog.yaml", "promisedDays: 14", "promisedDays: 40");
    const bad = run();
    expect(bad.status).to.equal(1);
    expect(bad.stdout).to.match(
      /ERROR .*catalog\.yaml line \d+: promises 40 working days for XR-SB-001, more than the federation's 15/,
    );
    expect(bad.stdout).to.include("FAILED");
  });
});

describe("xr adapter scaffold", () => {
  let fx: RegionFixture;
  beforeEach(() => {
    fx = regionFixture();
  });
  afterEach(() => fx.remove());

  it("creates commented templates that verify refuses until they are filled in, and refuses to overwrite", async () => {
    const done = scaffoldRegion({
      code: "430200",
      name: "株洲市",
      adaptersDir: fx.adaptersDir,
      configDir: fx.configDir,
      register: true,
    });
    expect(done.registered).to.deep.equal({ http: 8432, grpc: 9432 });
    expect(fx.read("adapters/430200/catalog.yaml")).to.include(
      "# One entry per matter. Every field is required.",
    );
    expect(fx.read("config/federation.yaml")).to.include(
      '  - code: "430200"\n    name: 株洲市\n    http: { host: 127.0.0.1, port: 8432 }',
    );
    const r = await verifyRegion("430200", {
      configDir: fx.configDir,
      adaptersDir: fx.adaptersDir,
      cwd: fx.dir,
    });
    expect(lines(r)).to.include(
      "ERROR adapters/430200/catalog.yaml: no matter of the catalog is in shared terms → list the city's matters in the catalog and map their local codes in mapping.yaml",
    );
    expect(() =>
      scaffoldRegion({
        code: "430200",
        adaptersDir: fx.adaptersDir,
        configDir: fx.configDir,
        register: false,
      }),
    ).to.throw(/already exist; nothing was changed/);
  });
});
