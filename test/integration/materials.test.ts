/**
 * POST /api/v1/materials and the content-addressed store behind it: the
 * sha256 comes back, identical bytes are one file, bad uploads leave nothing
 * behind, and a case may only name materials the intake region holds.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import { FsMaterialStore } from "../../gateway/store/fs/material-files.js";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { authFor } from "../helpers/staff.js";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> {
  yield* parts;
}

describe("materials: upload at intake", function () {
  this.timeout(20_000);
  let t: TestFederation;
  before(async () => {
    // 广州 too: 长沙 checks a case against the handling region's catalog, which it pulls from 广州.
    t = await startTestFederation(["430100", "440100"]);
  });
  after(async () => {
    await t?.stop();
  });

  const post = (bytes: Buffer | string, type?: string) =>
    fetch(`${t.url("430100")}/materials`, {
      method: "POST",
      headers: { ...(type ? { "content-type": type } : {}), ...authFor(t.url("430100"), "clerk") },
      body: bytes,
    });

  it("stores the bytes and answers their sha256, size and media type; the same bytes again are the same file", async () => {
    const scan = Buffer.from("%PDF-1.4 营业执照 副本\n".repeat(100));
    const first = await post(scan, "application/pdf");
    expect(first.status).to.equal(201);
    expect(await first.json()).to.deep.equal({
      sha256: sha256(scan),
      sizeBytes: String(scan.byteLength),
      mediaType: "application/pdf",
    });
    const again = await post(scan, "application/pdf; charset=binary");
    expect(((await again.json()) as { sha256: string }).sha256).to.equal(sha256(scan));
    const dir = join(t.dataDir, "430100", "materials", sha256(scan).slice(0, 2));
    expect(readdirSync(dir).filter((f) => !f.endsWith(".json"))).to.deep.equal([sha256(scan)]);
  });

  it("refuses an upload without a media type, naming the header", async () => {
    const r = await fetch(`${t.url("430100")}/materials`, {
      method: "POST",
      headers: authFor(t.url("430100"), "clerk"),
      body: new Uint8Array([1, 2, 3]),
    });
    // 415 since issue 19: each route takes only its content types.
    expect(r.status).to.equal(415);
    const body = (await r.json()) as { error: { code: string; details: Array<{ path: string }> } };
    expect(body.error.code).to.equal("UNSUPPORTED_MEDIA_TYPE");
    expect(body.error.details[0]?.path).to.equal("Content-Type");
  });

  it("refuses a case that names a material with the wrong size, and records nothing", async () => {
    const scan = Buffer.from("%PDF-1.4 居民身份证\n");
    const up = (await (await post(scan, "application/pdf")).json()) as { sha256: string };
    const body = pensionTransfer();
    body.materials[0] = { ...body.materials[0], sha256: up.sha256, sizeBytes: String(scan.byteLength + 1) };
    const before = (await call("GET", `${t.url("430100")}/cases`)).body.cases.length;
    const r = await call("POST", `${t.url("430100")}/cases`, body);
    expect(r.status).to.equal(400);
    expect(r.body.error.details).to.deep.equal([
      { path: "materials[0].sizeBytes", issue: `the uploaded file has ${scan.byteLength} bytes` },
    ]);
    expect((await call("GET", `${t.url("430100")}/cases`)).body.cases.length).to.equal(before);
  });
  it("refuses one uploaded file named as two different materials, naming the second, and records nothing", async () => {
    const scan = Buffer.from("%PDF-1.4 居民身份证 正反面\n");
    const up = (await (await post(scan, "application/pdf")).json()) as { sha256: string; sizeBytes: string };
    const body = pensionTransfer();
    body.materials = body.materials.map((m: Record<string, unknown>) => ({ ...m, ...up }));
    const before = (await call("GET", `${t.url("430100")}/cases`)).body.cases.length;
    const r = await call("POST", `${t.url("430100")}/cases`, body);
    expect(r.status).to.equal(400);
    expect(r.body.error.details).to.deep.equal([
      { path: "materials[1].sha256", issue: "is the same file as materials[0]" },
    ]);
    expect((await call("GET", `${t.url("430100")}/cases`)).body.cases.length).to.equal(before);
  });
});

describe("materials: the filesystem store", () => {
  const dir = mkdtempSync(join(tmpdir(), "xr-materials-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new FsMaterialStore(dir);

  it("refuses more than maxBytes with PAYLOAD_TOO_LARGE and keeps no partial file", async () => {
    const err = await store
      .put(chunks(Buffer.alloc(600), Buffer.alloc(600)), { mediaType: "image/jpeg", maxBytes: 1000 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(XrError);
    expect((err as XrError).code).to.equal(ErrorCode.PAYLOAD_TOO_LARGE);
    expect(readdirSync(join(dir, "tmp"))).to.deep.equal([]);
  });

  it("keeps a fetched copy only when its bytes match the expected sha256", async () => {
    const bytes = Buffer.from("真的扫描件");
    const err = await store
      .put(chunks(bytes), {
        mediaType: "application/pdf",
        maxBytes: 1e6,
        expectSha256: sha256(Buffer.from("x")),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as XrError).code).to.equal(ErrorCode.INVALID_ARGUMENT);
    expect(await store.stat(sha256(bytes))).to.equal(undefined);
    expect(readdirSync(join(dir, "tmp"))).to.deep.equal([]);
    const ok = await store.put(chunks(bytes), {
      mediaType: "application/pdf",
      maxBytes: 1e6,
      expectSha256: sha256(bytes),
    });
    expect(ok.sha256).to.equal(sha256(bytes));
    let read = Buffer.alloc(0);
    for await (const c of store.read(ok.sha256, 4)) read = Buffer.concat([read, c]);
    expect(read.equals(bytes)).to.equal(true);
  });
});
