import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import iconv from "iconv-lite";
import { type LoadedConfig, loadConfig } from "../../gateway/config/load.js";
import type { CaseState } from "../../gateway/domain/case.js";
import type { RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext, RegionAdapter } from "../../gateway/ports/adapter.js";
import { organizationCase, PERSON_ID, personCase } from "../helpers/cases.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const REGIONS = ["430100", "440100"] as const;

let config: LoadedConfig;

before(async () => {
  config = await loadConfig(join(root, "config"), join(root, "adapters"));
});

interface Loaded {
  adapter: RegionAdapter;
  ctx: CatalogContext;
  catalog: RegionCatalog;
}

function region(code: string): Loaded {
  const entry = config.adapters.get(code);
  const catalog = config.catalogs.get(code);
  if (!entry || !catalog) expect.fail(`region ${code} has no adapter or catalog`);
  return { ...entry, catalog };
}

/** A person case as it would stand after acceptance, a supplement request and a decision. */
function decidedPersonCase(): CaseState {
  return personCase({
    status: "DECIDED",
    approved: true,
    reason: "准予转移，请留意邮寄",
    requestedMaterialCodes: ["CL-SQB"],
    updatedAt: "2026-11-12T07:45:10.000Z",
    version: 5,
  });
}

/** A MULTI_REGION organization case with a subtask and a supplement request, not yet decided. */
function openOrganizationCase(): CaseState {
  return organizationCase({
    mode: "MULTI_REGION",
    matterCode: "XR-SC-001",
    matterName: "企业开办",
    collaboratingRegions: ["430100"],
    status: "SUPPLEMENT_REQUESTED",
    subtasks: [
      {
        subtaskId: "ST-1",
        region: "430100",
        description: "核查原住所登记信息",
        completed: true,
        note: "已核查，无异常",
      },
    ],
    reason: "公司章程缺少股东签字",
    requestedMaterialCodes: ["CL-GSZC"],
    version: 4,
  });
}

describe("adapters: loading the federation", () => {
  it("loads both regions with an adapter and a catalog", () => {
    for (const code of REGIONS) {
      expect(config.adapters.get(code)?.adapter.regionCode, code).to.equal(code);
      expect(config.catalogs.get(code)?.regionCode, code).to.equal(code);
    }
  });
});

for (const code of REGIONS) {
  describe(`adapters: ${code} catalog`, () => {
    it("has at least 30 matters in shared terms", () => {
      const { catalog } = region(code);
      expect(catalog.matters.length).to.be.at.least(30);
      for (const m of catalog.matters) {
        expect(m.code).to.match(/^XR-[A-Z]{2,3}-\d{3}$/);
        expect(m.regionCode).to.equal(code);
        expect(m.modes.length, m.code).to.be.greaterThan(0);
      }
    });

    it("maps every matter's localCode back to the same shared code (local ↔ shared round trip)", () => {
      const { catalog, ctx } = region(code);
      for (const m of catalog.matters) {
        expect(catalog.byLocalCode.get(m.localCode)?.code, m.localCode).to.equal(m.code);
        expect(catalog.byCode.get(m.code)?.localCode, m.code).to.equal(m.localCode);
        expect(ctx.mapping.matters.get(m.localCode), m.localCode).to.equal(m.code);
      }
      expect(catalog.byLocalCode.size).to.equal(catalog.matters.length);
      expect(catalog.byCode.size).to.equal(catalog.matters.length);
    });

    it("offers the fixtures' matters and materials (so the round trips below translate codes)", () => {
      const { catalog, ctx } = region(code);
      for (const matter of ["XR-SB-001", "XR-SC-001", "XR-SC-002"])
        expect(catalog.byCode.has(matter), matter).to.equal(true);
      for (const mat of ["CL-SFZ", "CL-CBPZ", "CL-SQB", "CL-YYZZ", "CL-BGJY", "CL-GSZC"]) {
        expect(ctx.mapping.localMaterials.has(mat), mat).to.equal(true);
      }
    });

    const cases: Array<[string, () => CaseState]> = [
      ["a submitted person case", () => personCase()],
      ["a decided person case (approved, with requested materials)", decidedPersonCase],
      ["an organization case (window pickup)", () => organizationCase()],
      ["a MULTI_REGION organization case with a subtask", openOrganizationCase],
      ["a denied case", () => personCase({ status: "DECIDED", approved: false, reason: "参保记录不符" })],
    ];
    for (const [what, make] of cases) {
      it(`caseFromLocal(caseToLocal(c)) deep-equals c for ${what}`, () => {
        const { adapter, ctx, catalog } = region(code);
        const c = make();
        const local = adapter.caseToLocal(c, catalog, ctx);
        expect(adapter.caseFromLocal(local, catalog, ctx)).to.deep.equal(c);
      });
    }
  });
}

describe("adapters: 430100 local record", () => {
  it("is UTF-8 JSON with Chinese keys and local codes", () => {
    const { adapter, ctx, catalog } = region("430100");
    const c = personCase();
    const record = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(adapter.caseToLocal(c, catalog, ctx)),
    );
    expect(record).to.include.keys("办件编号", "事项编码", "申请人", "申请材料", "办件状态");
    expect(record).to.not.have.property("caseId");
    expect(record.办件编号).to.equal(c.caseId);
    expect(record.事项编码).to.equal(catalog.byCode.get("XR-SB-001")?.localCode);
    expect(record.事项编码).to.match(/^430100-/);
    expect(record.申请人.姓名).to.equal("李建国");
    expect(record.申请材料[0].材料编码).to.equal("430100-CL-001");
    expect(record.办件状态).to.equal("已收件");
  });
});

describe("adapters: 440100 local record", () => {
  it("is GBK-encoded CSV: not valid UTF-8, and GBK decoding shows the applicant's name", () => {
    const { adapter, ctx, catalog } = region("440100");
    const c = personCase();
    const bytes = adapter.caseToLocal(c, catalog, ctx);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).to.throw(TypeError);
    const text = iconv.decode(Buffer.from(bytes), "gbk");
    expect(text).to.include("李建国");
    expect(text).to.include(catalog.byCode.get("XR-SB-001")?.localCode ?? "(missing)");
    expect(text.split("\r\n")[0]).to.include("办件编号").and.to.include("申请人名称");
  });

  it("never silently alters a name GBK cannot encode (王𠮷, U+20BB7): it refuses or round-trips exactly", () => {
    // 𠮷 is a real surname variant; the REST contract accepts it, GBK has no code for it.
    const { adapter, ctx, catalog } = region("440100");
    const c = personCase({
      applicant: { person: { name: "王𠮷", idNumber: PERSON_ID, mobile: "13874561234" } },
    });
    let bytes: Uint8Array;
    try {
      bytes = adapter.caseToLocal(c, catalog, ctx);
    } catch {
      return; // refusing to encode is acceptable
    }
    expect(adapter.caseFromLocal(bytes, catalog, ctx).applicant).to.deep.equal(c.applicant);
  });

  it("GBK-encodes an organization's name too", () => {
    const { adapter, ctx, catalog } = region("440100");
    const bytes = adapter.caseToLocal(organizationCase(), catalog, ctx);
    expect(iconv.decode(Buffer.from(bytes), "gbk")).to.include("广州市天河区粤湘贸易有限公司");
    expect(Buffer.from(bytes).includes(Buffer.from("广州市", "utf8"))).to.equal(false);
  });
});
