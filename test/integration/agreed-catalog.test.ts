/**
 * Agreements shape the catalog (issue 16): a window listing a partner's matters learns, per matter, the modes
 * its region may file it in, `?mode=` keeps only those, and a case outside the agreement is refused before
 * any material is looked at (no scan needs to be uploaded to learn it), changing nothing.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import type { HandlingMode } from "../../gateway/domain/case.js";
import type { Matter } from "../../gateway/domain/matter.js";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { authFor } from "../helpers/staff.js";

interface ListedMatter {
  code: string;
  modes: HandlingMode[];
  allowedModes: HandlingMode[];
}

describe("agreements shape the catalog a window is offered", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let cs: string;
  let agreed: ReadonlyMap<string, ReadonlySet<string>>;
  let gzMatters: Matter[];
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    cs = t.url("430100");
    agreed = t.fed.config.federation.agreements.get("430100>440100")?.matters ?? new Map();
    gzMatters = [...(t.fed.config.catalogs.get("440100")?.matters ?? [])];
  });
  after(async () => {
    await t.stop();
  });

  /** Every matter of `query` at the 长沙 window, page by page. */
  async function listAll(query: string, pageSize = 7): Promise<ListedMatter[]> {
    const out: ListedMatter[] = [];
    let token = "";
    for (let pages = 0; pages < 100; pages++) {
      const r = await call(
        "GET",
        `${cs}/regions/440100/matters?pageSize=${pageSize}${query}${token ? `&pageToken=${token}` : ""}`,
      );
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.matters.length).to.be.at.most(pageSize);
      out.push(...r.body.matters);
      token = r.body.nextPageToken;
      if (!token) return out;
    }
    throw new Error("the listing did not end");
  }

  it("names, per matter, the modes the 长沙 → 广州 agreement allows", async () => {
    const all = await listAll("", 500);
    expect(all.map((m) => m.code)).to.deep.equal(gzMatters.map((m) => m.code));
    for (const m of all) {
      const expected = m.modes.filter((mode) => agreed.get(m.code)?.has(mode));
      expect(m.allowedModes, m.code).to.deep.equal(expected);
    }
    // The fixture leaves matters out of the agreement, else this test would prove nothing.
    expect(all.filter((m) => m.allowedModes.length === 0)).to.have.length.above(0);
  });

  it("?mode=REMOTE_INTAKE keeps only the matters agreed for it, across pages", async () => {
    const remote = await listAll("&mode=REMOTE_INTAKE", 4);
    const expected = gzMatters
      .filter((m) => m.modes.includes("REMOTE_INTAKE") && agreed.get(m.code)?.has("REMOTE_INTAKE"))
      .map((m) => m.code);
    const offeredByMatterAlone = gzMatters.filter((m) => m.modes.includes("REMOTE_INTAKE")).length;
    expect(expected.length).to.be.above(0).and.below(offeredByMatterAlone);
    expect(remote.map((m) => m.code)).to.deep.equal(expected);
    for (const m of remote) expect(m.allowedModes).to.include("REMOTE_INTAKE");
    // A search narrows the same way.
    const found = await listAll(`&mode=REMOTE_INTAKE&q=${encodeURIComponent("养老")}`);
    for (const m of found) expect(agreed.get(m.code)?.has("REMOTE_INTAKE"), m.code).to.equal(true);
  });

  it("lists the region's own matters with every mode but REMOTE_INTAKE", async () => {
    const r = await call("GET", `${cs}/regions/430100/matters?pageSize=3`);
    expect(r.status).to.equal(200);
    for (const m of r.body.matters as ListedMatter[]) {
      expect(m.allowedModes).to.deep.equal(m.modes.filter((x) => x !== "REMOTE_INTAKE"));
    }
  });

  describe("a case outside the agreement is refused before its materials are looked at", () => {
    async function snapshot() {
      const [a, b] = await Promise.all([
        call("GET", `${cs}/cases?limit=500`),
        call("GET", `${t.url("440100")}/cases?limit=500`),
      ]);
      const pending = await t.fed.regions.get("430100")?.context.store.pendingOutbox(10);
      return { cs: a.body.cases.length, gz: b.body.cases.length, records: t.bus.recordCount(), pending };
    }

    /** Submits `body` as a 长沙 clerk without uploading anything first (unlike `call`). */
    async function submitWithoutUploads(body: unknown) {
      const res = await fetch(`${cs}/cases`, {
        method: "POST",
        headers: { ...authFor(cs, "clerk"), "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    }

    /** A material entry naming a scan that was never uploaded. */
    const neverUploaded = (materialCode: string) => ({
      materialCode,
      name: "扫描件",
      sha256: createHash("sha256").update(`never uploaded ${materialCode}`).digest("hex"),
      sizeBytes: "1024",
      mediaType: "application/pdf",
    });

    it("a matter the agreement leaves out: 403 at matterCode, though no scan was uploaded", async () => {
      const outside = gzMatters.find(
        (m) => !agreed.has(m.code) && m.applicant === "PERSON" && m.modes.includes("REMOTE_INTAKE"),
      );
      if (!outside) throw new Error("fixture: the agreement should leave some 广州 matter out");
      const before = await snapshot();
      // Not even the required materials are named: the agreement is what the clerk must hear about.
      const r = await submitWithoutUploads({
        ...pensionTransfer(),
        matterCode: outside.code,
        materials: [neverUploaded("CL-SFZ")],
      });
      expect(r.status, JSON.stringify(r.body)).to.equal(403);
      expect(r.body.error.code).to.equal("PERMISSION_DENIED");
      expect(r.body.error.details).to.deep.equal([
        {
          path: "matterCode",
          issue: `matter ${outside.code} is not in the cooperation agreement 430100 → 440100`,
        },
      ]);
      await new Promise((res) => setTimeout(res, 100));
      expect(await snapshot()).to.deep.equal(before);
    });

    it("a mode the agreement leaves out for an agreed matter: 403 at mode, before the materials", async () => {
      const narrowed = gzMatters.find((m) =>
        m.modes.some(
          (mode) => mode !== "MULTI_REGION" && agreed.has(m.code) && !agreed.get(m.code)?.has(mode),
        ),
      );
      if (!narrowed)
        throw new Error("fixture: some agreed matter should be agreed in fewer modes than it has");
      const mode = narrowed.modes.find((x) => x !== "MULTI_REGION" && !agreed.get(narrowed.code)?.has(x));
      const before = await snapshot();
      const r = await submitWithoutUploads({
        ...pensionTransfer(),
        mode,
        matterCode: narrowed.code,
        materials: [neverUploaded("CL-NONE")],
      });
      expect(r.status, JSON.stringify(r.body)).to.equal(403);
      expect(r.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(["mode"]);
      expect(await snapshot()).to.deep.equal(before);
    });

    it("an agreed case is still checked for its materials (the order changed, not the checks)", async () => {
      const r = await submitWithoutUploads({ ...pensionTransfer(), materials: [neverUploaded("CL-SFZ")] });
      expect(r.status, JSON.stringify(r.body)).to.equal(400);
      expect(r.body.error.details.map((d: { path: string }) => d.path)).to.include("materials");
    });
  });

  describe("answers in Chinese when Accept-Language prefers it, in English otherwise (one catalogue)", () => {
    const outsideBody = () => {
      const outside = gzMatters.find(
        (m) => !agreed.has(m.code) && m.applicant === "PERSON" && m.modes.includes("REMOTE_INTAKE"),
      ) as Matter;
      return { ...pensionTransfer(), matterCode: outside.code, materials: [] as unknown[] };
    };

    async function refused(url: string, body: unknown, headers: Record<string, string>) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        language: res.headers.get("content-language"),
        body: (await res.json()) as any,
      };
    }

    it("an agreement refusal, in zh-CN with the regions' names, or in English", async () => {
      const body = outsideBody();
      const code = body.matterCode;
      const zh = await refused(`${cs}/cases`, body, {
        ...authFor(cs, "clerk"),
        "accept-language": "zh-CN,zh;q=0.9,en;q=0.5",
      });
      expect(zh.status).to.equal(403);
      expect(zh.language).to.equal("zh-CN");
      expect(zh.body.error.message).to.equal(`事项 ${code} 不在长沙市→广州市跨域通办合作协议范围内`);
      expect(zh.body.error.details).to.deep.equal([
        {
          path: "matterCode",
          issue: `matter ${code} is not in the cooperation agreement 430100 → 440100`,
          message: zh.body.error.message,
        },
      ]);
      for (const headers of [{ "accept-language": "en-US,en;q=0.9,zh;q=0.5" }, {}]) {
        const en = await refused(`${cs}/cases`, body, { ...authFor(cs, "clerk"), ...headers });
        expect(en.status).to.equal(403);
        expect(en.language).to.equal("en");
        expect(en.body.error.message).to.equal(
          `matterCode: matter ${code} is not in the cooperation agreement 430100 → 440100`,
        );
        expect(en.body.error.details).to.deep.equal([
          { path: "matterCode", issue: `matter ${code} is not in the cooperation agreement 430100 → 440100` },
        ]);
      }
    });

    it("a role refusal, in zh-CN or in English", async () => {
      const gz = t.url("440100");
      const url = `${gz}/cases/01JNOSUCHCASE0000000000000/actions`;
      const zh = await refused(
        url,
        { type: "accept" },
        { ...authFor(gz, "clerk"), "accept-language": "zh-CN" },
      );
      expect(zh.status).to.equal(403);
      expect(zh.body.error.message).to.equal("窗口收件员不能办理「受理」，请由有权限的人员操作");
      const en = await refused(url, { type: "accept" }, { ...authFor(gz, "clerk"), "accept-language": "en" });
      expect(en.body.error.message).to.equal("role clerk may not accept");
      expect(en.body.error.details).to.deep.equal([{ path: "(role)", issue: "clerk may not act:accept" }]);
    });
  });
});
