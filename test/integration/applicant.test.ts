/**
 * Issue 18, items 1 and 2: applicants sign in with OpenID Connect ID tokens (the development identity
 * provider over real HTTP, checked with jose against its JWKS), apply FULL_ONLINE straight to the handling
 * region, follow, supplement and see their own cases only. A real federation of two gateways on 127.0.0.1.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { generateKeyPair, SignJWT } from "jose";
import { DEV_IDENTITIES, type DevIdentityProvider } from "../../gateway/identity/dev-provider.js";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { authFor } from "../helpers/staff.js";

const LI_XIUYING = 0;
const WANG_FANG = 2;
const COMPANY = 3;

/** A browser-like client of the applicant routes: its own cookie, and the page's own origin on changes. */
class Applicant {
  cookie = "";
  constructor(readonly base: string) {}

  get origin(): string {
    return new URL(this.base).origin;
  }

  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { "accept-language": "zh-CN", origin: this.origin, ...headers };
    if (this.cookie) h.cookie = this.cookie;
    let payload: Uint8Array | string | null = null;
    if (body instanceof Uint8Array) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await fetch(`${this.base}/apply${path}`, { method, headers: h, body: payload });
    const set = res.headers.get("set-cookie");
    if (set?.startsWith("xr_applicant=")) this.cookie = set.split(";")[0] ?? "";
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  signIn(idToken: string) {
    return this.send("POST", "/session", { idToken });
  }

  async upload(materialCode: string, name: string) {
    const bytes = Buffer.from(`%PDF-1.4 applicant scan ${materialCode} ${Math.random()}\n`);
    const r = await this.send("POST", "/materials", new Uint8Array(bytes), {
      "content-type": "application/pdf",
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body.sha256).to.equal(createHash("sha256").update(bytes).digest("hex"));
    return {
      materialCode,
      name,
      sha256: r.body.sha256,
      sizeBytes: r.body.sizeBytes,
      mediaType: "application/pdf",
    };
  }
}

describe("applicants (issue 18): sign-in with ID tokens, 全程网办", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let idp: DevIdentityProvider;
  const api = () => t.url("430100");

  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    const p = t.fed.devIdentityProviders.get("430100");
    if (!p) throw new Error("430100 has no development identity provider");
    idp = p;
  });
  after(async () => {
    await t?.stop();
  });

  it("warns at start that applicants sign in with the development identity provider", () => {
    const warned = t.logs.some(
      (l) => l.level === 40 && /development identity provider/.test(String(l.msg)) && l.region === "430100",
    );
    expect(warned).to.equal(true);
  });

  it("serves its JWKS on 127.0.0.1 and hands out tokens the gateway accepts", async () => {
    expect(idp.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const jwks = (await (await fetch(idp.jwksUrl)).json()) as { keys: Array<{ kty: string; d?: string }> };
    expect(jwks.keys).to.have.length(1);
    expect(jwks.keys[0]?.d, "no private part").to.equal(undefined);
    const { idToken } = (await (await fetch(`${idp.url}/token?who=${LI_XIUYING}`)).json()) as {
      idToken: string;
    };
    const a = new Applicant(api());
    const r = await a.signIn(idToken);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.deep.include({ kind: "person", name: "李秀英" });
    expect(r.body.idNumber).to.match(/^4301\*+\d{3}[\dX]$/);
    expect(r.headers.get("set-cookie")).to.match(/^xr_applicant=[^;]+;.*HttpOnly.*SameSite=Strict/i);
    expect((await a.send("GET", "/session")).body.name).to.equal("李秀英");
  });

  const refusedWith = async (idToken: string, issue: string, zh: string) => {
    const r = await new Applicant(api()).signIn(idToken);
    expect(r.status, JSON.stringify(r.body)).to.equal(401);
    expect(r.body.error.code).to.equal("UNAUTHENTICATED");
    expect(r.body.error.details).to.deep.equal([{ path: "idToken", issue, message: zh }]);
    expect(r.headers.get("set-cookie")).to.equal(null);
  };

  it("refuses a forged token (signed with another key under the provider's key id), naming the signature", async () => {
    const genuine = await idp.token(LI_XIUYING);
    const header = JSON.parse(Buffer.from(genuine.split(".")[0] ?? "", "base64url").toString()) as {
      kid: string;
    };
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ ...DEV_IDENTITIES[WANG_FANG]?.claims })
      .setProtectedHeader({ alg: "ES256", kid: header.kid })
      .setIssuer(idp.url)
      .setAudience("xr-gateway-430100")
      .setSubject("dev-2")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    await refusedWith(
      forged,
      "the ID token's signature does not verify",
      "登录凭证的签名校验未通过，请重新登录",
    );
  });

  it("refuses an expired token", async () => {
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const expired = await idp.token(LI_XIUYING, { issuedAt: hourAgo, expiresAt: hourAgo + 600 });
    await refusedWith(expired, "the ID token has expired", "统一身份认证的登录凭证已过期，请重新登录");
  });

  it("refuses a token for another audience", async () => {
    const other = await idp.token(LI_XIUYING, { audience: "some-other-app" });
    await refusedWith(
      other,
      "the ID token is for another audience",
      "登录凭证不是签发给本系统的，请从本页重新登录",
    );
  });

  it("refuses an unsigned (alg none) or malformed token", async () => {
    const [, body] = (await idp.token(LI_XIUYING)).split(".");
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${body}.`;
    await refusedWith(
      none,
      "the ID token is not signed with an accepted algorithm",
      "登录凭证未以认可的算法签名，请重新登录",
    );
    await refusedWith("not-a-jwt", "the ID token is malformed", "登录凭证格式有误，请重新登录");
  });

  it("keeps applicant and staff sessions apart: neither credential opens the other's routes", async () => {
    const staff = await fetch(`${api()}/apply/cases`, { headers: authFor(api(), "admin") });
    expect(staff.status).to.equal(401);
    const a = new Applicant(api());
    await a.signIn(await idp.token(LI_XIUYING));
    const asStaff = await fetch(`${api()}/cases`, { headers: { cookie: a.cookie } });
    expect(asStaff.status).to.equal(401);
    const signedOut = new Applicant(api());
    expect((await signedOut.send("GET", "/cases")).status).to.equal(401);
  });

  it("documents the applicant paths in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${api()}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const p of ["/api/v1/apply/session", "/api/v1/apply/cases", "/api/v1/apply/cases/{id}/actions"])
      expect(doc.paths, p).to.have.property(p);
  });

  it("lists only matters the agreements allow FULL_ONLINE from the applicant's region", async () => {
    const a = new Applicant(api());
    await a.signIn(await idp.token(LI_XIUYING));
    const regions = await a.send("GET", "/regions");
    expect(regions.body.regions.map((r: { code: string }) => r.code)).to.include("440100");
    const r = await a.send("GET", "/regions/440100/matters");
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const codes = r.body.matters.map((m: { code: string }) => m.code);
    expect(codes).to.include("XR-SB-001");
    expect(codes, "REMOTE_INTAKE only under the agreement").to.not.include("XR-SB-003");
    for (const m of r.body.matters) expect(m.allowedModes).to.include("FULL_ONLINE");
    expect(codes, "a company's matter is not offered to a resident").to.not.include("XR-SB-006");
    const company = new Applicant(api());
    await company.signIn(await idp.token(COMPANY));
    const theirs = (await company.send("GET", "/regions/440100/matters")).body.matters.map(
      (m: { code: string }) => m.code,
    );
    expect(theirs).to.include("XR-SB-006");
    expect(theirs, "a resident's matter is not offered to a company").to.not.include("XR-SB-001");
  });

  describe("an application", () => {
    const a = new Applicant("");
    const b = new Applicant("");
    let caseId = "";

    before(async () => {
      Object.assign(a, { base: api() });
      Object.assign(b, { base: api() });
      await a.signIn(await idp.token(LI_XIUYING));
      await b.signIn(await idp.token(WANG_FANG));
    });

    it("refuses an applicant in the body: the applicant is the signed-in identity", async () => {
      const r = await a.send("POST", "/cases", {
        handlingRegion: "440100",
        matterCode: "XR-SB-001",
        applicant: { person: { name: "王芳", idNumber: "x", mobile: "" } },
        delivery: { method: "ELECTRONIC" },
      });
      expect(r.status).to.equal(400);
      expect(r.body.error.details[0]).to.deep.include({ path: "applicant" });
      const badMobile = await a.send("POST", "/cases", {
        handlingRegion: "440100",
        matterCode: "XR-SB-001",
        mobile: "12345",
        delivery: { method: "ELECTRONIC" },
      });
      expect(badMobile.status).to.equal(400);
      expect(badMobile.body.error.details[0].path).to.equal("mobile");
      expect((await a.send("GET", "/cases")).body.cases, "nothing recorded").to.deep.equal([]);
    });

    it("goes FULL_ONLINE straight to the handling region with the verified identity", async () => {
      const materials = [await a.upload("CL-SFZ", "居民身份证"), await a.upload("CL-CBPZ", "参保缴费凭证")];
      const r = await a.send(
        "POST",
        "/cases",
        {
          handlingRegion: "440100",
          matterCode: "XR-SB-001",
          materials,
          mobile: "13807311234",
          delivery: { method: "ELECTRONIC" },
        },
        { "idempotency-key": `apply-${Date.now()}` },
      );
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      caseId = r.body.caseId;
      expect(r.body).to.deep.include({
        mode: "FULL_ONLINE",
        intakeRegion: "430100",
        handlingRegion: "440100",
      });
      const there = await waitForStatus(t, "440100", caseId, "FORWARDED");
      expect(there.mode).to.equal("FULL_ONLINE");
      expect(there.applicant.person.name).to.equal("李秀英");
      expect(there.applicant.person.idNumber).to.equal(DEV_IDENTITIES[LI_XIUYING]?.claims.id_number);
      const mine = await a.send("GET", "/cases");
      expect(mine.body.cases.map((c: { caseId: string }) => c.caseId)).to.include(caseId);
    });

    it("is not B's: B gets 404 for the case, its timeline and its steps, and does not list it", async () => {
      for (const [method, path, body] of [
        ["GET", `/cases/${caseId}`, undefined],
        ["GET", `/cases/${caseId}/events`, undefined],
        ["POST", `/cases/${caseId}/actions`, { type: "withdraw", reason: "不办了" }],
      ] as const) {
        const r = await b.send(method, path, body);
        expect(r.status, `${method} ${path}`).to.equal(404);
        expect(r.body.error.details).to.deep.equal([
          { path: "caseId", issue: "unknown case", message: r.body.error.details[0].message },
        ]);
      }
      const unknown = await b.send("GET", "/cases/01JAAAAAAAAAAAAAAAAAAAAAAA");
      expect(unknown.status).to.equal(404);
      expect(
        (await b.send("GET", "/cases")).body.cases.map((c: { caseId: string }) => c.caseId),
      ).to.not.include(caseId);
      const company = new Applicant(api());
      await company.signIn(await idp.token(COMPANY));
      expect((await company.send("GET", `/cases/${caseId}`)).status).to.equal(404);
    });

    it("refuses a cross-origin change signed in by the applicant cookie", async () => {
      const r = await a.send(
        "POST",
        `/cases/${caseId}/actions`,
        { type: "withdraw", reason: "x" },
        {
          origin: "https://evil.example",
        },
      );
      expect(r.status).to.equal(403);
      expect(r.body.error.details[0].path).to.equal("Origin");
    });

    it("refuses staff steps from an applicant", async () => {
      const r = await a.send("POST", `/cases/${caseId}/actions`, { type: "accept" });
      expect(r.status).to.equal(400);
      expect(r.body.error.details[0].path).to.equal("type");
    });

    it("follows 补正 and the decision to delivery: supplement when asked, read the notice", async () => {
      const handler = (body: unknown) => call("POST", `${t.url("440100")}/cases/${caseId}/actions`, body);
      expect((await handler({ type: "accept" })).status).to.equal(200);
      const asked = await handler({
        type: "request-supplement",
        reason: "参保缴费凭证不清晰",
        materialCodes: ["CL-CBPZ"],
      });
      expect(asked.status, JSON.stringify(asked.body)).to.equal(200);
      const seen = await eventually(async () => {
        const r = await a.send("GET", `/cases/${caseId}`);
        return r.body.status === "SUPPLEMENT_REQUESTED" ? r.body : undefined;
      }, "the applicant to see the request for 补正");
      expect(seen.requestedMaterialCodes).to.deep.equal(["CL-CBPZ"]);
      expect(seen.reason).to.equal("参保缴费凭证不清晰");
      const again = await a.upload("CL-CBPZ", "参保缴费凭证");
      const supplied = await a.send("POST", `/cases/${caseId}/actions`, {
        type: "supplement",
        materials: [again],
      });
      expect(supplied.status, JSON.stringify(supplied.body)).to.equal(200);
      await waitForStatus(t, "440100", caseId, "ACCEPTED");
      expect((await handler({ type: "decide", approved: true, reason: "准予办理" })).status).to.equal(200);
      expect((await handler({ type: "deliver" })).status).to.equal(200);
      const done = await eventually(async () => {
        const r = await a.send("GET", `/cases/${caseId}`);
        return r.body.status === "DELIVERED" ? r.body : undefined;
      }, "the applicant to see the delivery");
      expect(done).to.deep.include({ approved: true, reason: "准予办理" });
      expect(done.delivery.method).to.equal("ELECTRONIC");
      const timeline = await a.send("GET", `/cases/${caseId}/events`);
      const types = timeline.body.events.map((e: Record<string, unknown>) =>
        Object.keys(e).find((k) => /^[a-z]+[A-Z]/.test(k) && typeof e[k] === "object"),
      );
      expect(timeline.status).to.equal(200);
      expect(timeline.body.events.length).to.be.greaterThanOrEqual(6);
      expect(types.length).to.equal(timeline.body.events.length);
    });
  });
});
