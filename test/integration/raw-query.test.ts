/**
 * A query string with raw (unencoded) UTF-8, as a hand-typed `?q=养老` in some clients sends it, gets the
 * documented error body naming the query, not a bare 400 (issue 16, item 9); percent-encoded UTF-8 works.
 */
import { request } from "node:http";
import { expect } from "chai";
import { startTestFederation, type TestFederation } from "../helpers/federation.js";
import { authFor } from "../helpers/staff.js";

/** GET `path` with its bytes sent as they are (fetch would percent-encode them). */
function rawGet(base: string, path: string, headers: Record<string, string>) {
  const url = new URL(base);
  return new Promise<{ status: number; body: string; language: string | undefined }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: "GET",
        path: Buffer.from(path, "utf8").toString("latin1"),
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            language: res.headers["content-language"],
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("raw UTF-8 in a query string", function () {
  this.timeout(20_000);
  let t: TestFederation;
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
  });
  after(async () => {
    await t.stop();
  });

  it("is answered with the documented error naming the query, in the asked language", async () => {
    const base = t.url("430100");
    const path = "/api/v1/regions/440100/matters?q=养老";
    const zh = await rawGet(base, path, { ...authFor(base, "clerk"), "accept-language": "zh-CN" });
    expect(zh.status).to.equal(400);
    const body = JSON.parse(zh.body);
    expect(body.error.code).to.equal("INVALID_ARGUMENT");
    expect(body.error.details[0].path).to.equal("(query)");
    expect(body.error.message).to.match(/[\u4e00-\u9fff]/);
    expect(zh.language).to.equal("zh-CN");
    const en = await rawGet(base, path, authFor(base, "clerk"));
    expect(en.status).to.equal(400);
    expect(JSON.parse(en.body).error).to.deep.equal({
      code: "INVALID_ARGUMENT",
      message: "(query): is not percent-encoded UTF-8",
      details: [{ path: "(query)", issue: "is not percent-encoded UTF-8" }],
      origin: "client",
    });
  });

  it("percent-encoded, the same search works", async () => {
    const base = t.url("430100");
    const r = await fetch(`${base}/regions/440100/matters?q=${encodeURIComponent("养老")}`, {
      headers: authFor(base, "clerk"),
    });
    expect(r.status).to.equal(200);
    expect(((await r.json()) as { matters: unknown[] }).matters.length).to.be.above(0);
  });
});
