/**
 * Issue 16 item 1: a party's staff open a case's scans over REST. The handling
 * region serves the copy it fetched from the intake region, with the media
 * type, the Chinese file name (RFC 6266 `filename*`), byte ranges and no
 * caching; only materials the case names are served; every opening is
 * recorded in the region's ledger and listed to its auditors only.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { parse as parseDisposition } from "content-disposition";
import { call, eventually, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { FIXTURE_FILES, pensionTransfer } from "../helpers/fixtures.js";
import { authFor } from "../helpers/staff.js";

describe("materials: a party's staff open a case's scans", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let caseId: string;
  let scan: { sha256: string; name: string };
  let bytes: Buffer;
  const open = (region: string, id: string, sha256: string, role = "handler", headers = {}) =>
    fetch(`${t.url(region)}/cases/${id}/materials/${sha256}`, {
      headers: { ...authFor(t.url(region), role), ...headers },
    });

  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    const body = pensionTransfer();
    const r = await call("POST", `${t.url("430100")}/cases`, body);
    expect(r.status).to.equal(201);
    caseId = r.body.caseId;
    scan = body.materials[0];
    bytes = FIXTURE_FILES.get(scan.sha256) as Buffer;
    // 广州 has the case once its inbox applied it, and the scan once the fetcher brought it over gRPC.
    await eventually(async () => {
      const res = await open("440100", caseId, scan.sha256);
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    }, "广州 to hold the scan");
  });
  after(async () => {
    await t?.stop();
  });

  it("serves the handling region's copy: its type, its Chinese name inline, no cache, the same bytes", async () => {
    const r = await open("440100", caseId, scan.sha256);
    expect(r.status).to.equal(200);
    expect(r.headers.get("content-type")).to.match(/^application\/pdf/);
    const disposition = r.headers.get("content-disposition") ?? "";
    expect(disposition).to.contain("filename*=UTF-8''%E5%B1%85%E6%B0%91%E8%BA%AB%E4%BB%BD%E8%AF%81.pdf");
    expect(parseDisposition(disposition)).to.deep.include({ type: "inline" });
    expect(parseDisposition(disposition).parameters.filename).to.equal("居民身份证.pdf");
    expect(r.headers.get("cache-control")).to.equal("private, no-store");
    expect(r.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(r.headers.get("accept-ranges")).to.equal("bytes");
    const got = Buffer.from(await r.arrayBuffer());
    expect(createHash("sha256").update(got).digest("hex")).to.equal(scan.sha256);
  });

  it("answers a Range with 206 and only those bytes", async () => {
    const r = await open("440100", caseId, scan.sha256, "handler", { range: "bytes=0-7" });
    expect(r.status).to.equal(206);
    expect(r.headers.get("content-range")).to.equal(`bytes 0-7/${bytes.byteLength}`);
    expect(Buffer.from(await r.arrayBuffer()).equals(bytes.subarray(0, 8))).to.equal(true);
  });

  it("offers a type the browser does not show (TIFF) as a download, at the intake window too", async () => {
    const tiff = Buffer.from("II*\u0000 户口簿 扫描");
    const up = await fetch(`${t.url("430100")}/materials`, {
      method: "POST",
      headers: { "content-type": "image/tiff", ...authFor(t.url("430100"), "clerk") },
      body: tiff,
    });
    const stored = (await up.json()) as { sha256: string; sizeBytes: string };
    const body = pensionTransfer();
    body.materials[0] = { ...body.materials[0], ...stored, mediaType: "image/tiff", name: "户口簿" };
    const c = await call("POST", `${t.url("430100")}/cases`, body);
    expect(c.status).to.equal(201);
    const r = await open("430100", c.body.caseId, stored.sha256, "clerk");
    expect(r.status).to.equal(200);
    expect(r.headers.get("content-type")).to.equal("image/tiff");
    const disposition = parseDisposition(r.headers.get("content-disposition") ?? "");
    expect(disposition.type).to.equal("attachment");
    expect(disposition.parameters.filename).to.equal("户口簿.tif");
    await r.arrayBuffer();
  });

  it("serves only what the case names: another case's file, a malformed digest and an unknown case are refused", async () => {
    const other = pensionTransfer();
    const tiffCase = (await call("GET", `${t.url("430100")}/cases`)).body.cases.find(
      (c: { caseId: string; materials: Array<{ sha256: string; mediaType: string }> }) =>
        c.materials.some((m) => m.mediaType === "image/tiff"),
    );
    const notOfThisCase = tiffCase.materials[0].sha256;
    const r1 = await open("430100", caseId, notOfThisCase, "clerk");
    expect(r1.status).to.equal(404);
    expect(((await r1.json()) as { error: { details: unknown } }).error.details).to.deep.equal([
      { path: "sha256", issue: "not a material of this case" },
    ]);
    const r2 = await open("430100", caseId, "ABC", "clerk");
    expect(r2.status).to.equal(400);
    expect(
      ((await r2.json()) as { error: { details: Array<{ path: string }> } }).error.details[0]?.path,
    ).to.equal("sha256");
    const r3 = await open("430100", "01JXXXXXXXXXXXXXXXXXXXXXXX", other.materials[0].sha256, "clerk");
    expect(r3.status).to.equal(404);
    await r3.arrayBuffer();
    // Nothing was served, so nothing was recorded for these.
    const listed = await call("GET", `${t.url("430100")}/cases/${caseId}/material-openings`, undefined, {
      authorization: "Bearer dev-430100-auditor",
    });
    expect(listed.body.openings).to.deep.equal([]);
  });

  it("refuses a request without credentials, and one with another region's token", async () => {
    const r = await fetch(`${t.url("440100")}/cases/${caseId}/materials/${scan.sha256}`);
    expect(r.status).to.equal(401);
    await r.arrayBuffer();
    const foreign = await fetch(`${t.url("440100")}/cases/${caseId}/materials/${scan.sha256}`, {
      headers: { authorization: "Bearer dev-430100-handler" },
    });
    expect([401, 403]).to.include(foreign.status);
    await foreign.arrayBuffer();
  });

  it("records every opening (staff member, role, time, digest, range) and lists it to auditors only", async () => {
    const listed = await call("GET", `${t.url("440100")}/cases/${caseId}/material-openings`, undefined, {
      authorization: "Bearer dev-440100-auditor",
    });
    expect(listed.status).to.equal(200);
    const openings = listed.body.openings as Array<Record<string, string>>;
    // The before() poll's successful GET, the whole file, the range.
    expect(openings.length).to.be.at.least(3);
    for (const o of openings) {
      expect(o).to.include({ caseId, sha256: scan.sha256, staffRole: "handler" });
      expect(o.staffName).to.be.a("string").and.not.equal("");
      expect(Date.parse(o.openedAt ?? "")).to.be.a("number").and.not.NaN;
    }
    expect(openings.map((o) => o.range)).to.include("bytes=0-7");
    // The other region's ledger records its own staff's openings, not these.
    const there = await call("GET", `${t.url("430100")}/cases/${caseId}/material-openings`, undefined, {
      authorization: "Bearer dev-430100-auditor",
    });
    expect(there.body.openings).to.deep.equal([]);
    for (const role of ["handler", "clerk"]) {
      const refused = await call("GET", `${t.url("440100")}/cases/${caseId}/material-openings`, undefined, {
        authorization: `Bearer dev-440100-${role}`,
      });
      expect(refused.status, role).to.equal(403);
    }
  });
});
