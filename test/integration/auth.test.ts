/**
 * Staff authentication and roles on the REST API: 401 without valid
 * credentials, 403 for another region's token or a role that may not take
 * the step, the page's cookie session, the failed-sign-in rate limit and the
 * security headers. Each test fails if its check is removed.
 */
import { expect } from "chai";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";

describe("staff authentication and roles (REST)", function () {
  this.timeout(20_000);
  let t: TestFederation;
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
  });
  after(async () => {
    await t.stop();
  });
  const as = (region: string, role: string) => ({ authorization: `Bearer dev-${region}-${role}` });

  it("answers 401 with WWW-Authenticate without credentials, and for an unknown token", async () => {
    const none = await call("GET", `${t.url("430100")}/cases`, undefined, { authorization: "" });
    expect(none.status).to.equal(401);
    expect(none.headers.get("www-authenticate")).to.match(/^Bearer /);
    expect(none.body.error.code).to.equal("UNAUTHENTICATED");
    const unknown = await call("GET", `${t.url("430100")}/cases`, undefined, {
      authorization: "Bearer guessed",
    });
    expect(unknown.status).to.equal(401);
    const malformed = await call("GET", `${t.url("430100")}/cases`, undefined, {
      authorization: "Basic eDp5",
    });
    expect(malformed.status).to.equal(401);
  });

  it("answers 403 to another region's token", async () => {
    const r = await call("GET", `${t.url("430100")}/cases`, undefined, as("440100", "admin"));
    expect(r.status).to.equal(403);
    expect(r.body.error.message).to.include("440100");
  });

  it("lets each role do its part only: clerks file, handlers decide, auditors read", async () => {
    const byAuditor = await call(
      "POST",
      `${t.url("430100")}/cases`,
      pensionTransfer(),
      as("430100", "auditor"),
    );
    expect(byAuditor.status).to.equal(403);
    expect(byAuditor.body.error.details[0].path).to.equal("(role)");
    const byHandler = await call(
      "POST",
      `${t.url("430100")}/cases`,
      pensionTransfer(),
      as("430100", "handler"),
    );
    expect(byHandler.status).to.equal(403);
    const byClerk = await call("POST", `${t.url("430100")}/cases`, pensionTransfer(), as("430100", "clerk"));
    expect(byClerk.status).to.equal(201);
    const caseId = byClerk.body.caseId as string;
    await waitForStatus(t, "440100", caseId, "FORWARDED");
    const clerkAccepts = await call(
      "POST",
      `${t.url("440100")}/cases/${caseId}/actions`,
      { type: "accept" },
      as("440100", "clerk"),
    );
    expect(clerkAccepts.status).to.equal(403);
    expect((await call("GET", `${t.url("440100")}/cases/${caseId}`)).body.status).to.equal("FORWARDED");
    const handlerAccepts = await call(
      "POST",
      `${t.url("440100")}/cases/${caseId}/actions`,
      { type: "accept" },
      as("440100", "handler"),
    );
    expect(handlerAccepts.status).to.equal(200);
    const auditorReads = await call(
      "GET",
      `${t.url("440100")}/cases/${caseId}/events`,
      undefined,
      as("440100", "auditor"),
    );
    expect(auditorReads.status).to.equal(200);
  });

  it("signs the page in with an HttpOnly, SameSite=Strict cookie holding a session id, and out again", async () => {
    const bad = await call(
      "POST",
      `${t.url("430100")}/session`,
      { token: "dev-440100-clerk" },
      { authorization: "" },
    );
    expect(bad.status).to.equal(403);
    const r = await call(
      "POST",
      `${t.url("430100")}/session`,
      { token: "dev-430100-clerk" },
      { authorization: "" },
    );
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({
      name: "dev clerk",
      role: "clerk",
      region: "430100",
      operations: ["submit", "upload"],
    });
    const cookie = r.headers.get("set-cookie") ?? "";
    // A random session id, never the token itself (issue 19: sign-out must revoke something).
    expect(cookie)
      .to.match(/^xr_session=[A-Za-z0-9_-]{43};/)
      .and.match(/HttpOnly/)
      .and.match(/SameSite=Strict/);
    expect(cookie).to.not.include("dev-430100-clerk");
    const session = cookie.split(";")[0] as string;
    const me = await call("GET", `${t.url("430100")}/session`, undefined, {
      authorization: "",
      cookie: session,
    });
    expect(me.body.role).to.equal("clerk");
    const listed = await call("GET", `${t.url("430100")}/cases`, undefined, {
      authorization: "",
      cookie: session,
    });
    expect(listed.status).to.equal(200);
    const out = await call("DELETE", `${t.url("430100")}/session`, undefined, {
      authorization: "",
      cookie: session,
      "sec-fetch-site": "same-origin",
    });
    expect(out.headers.get("set-cookie")).to.match(/^xr_session=;/);
    const after = await call("GET", `${t.url("430100")}/session`, undefined, {
      authorization: "",
      cookie: session,
    });
    expect(after.status).to.equal(401);
  });

  it("keeps health, readiness and metrics open, and sends security headers", async () => {
    const root = t.url("430100").replace(/\/api\/v1$/, "");
    for (const path of ["/healthz", "/readyz", "/metrics"]) {
      const r = await fetch(`${root}${path}`);
      expect(r.status, path).to.equal(200);
    }
    const r = await call("GET", `${t.url("430100")}/cases`);
    expect(r.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(r.headers.get("content-security-policy")).to.include("default-src 'self'");
    expect(r.headers.get("x-frame-options")).to.equal("SAMEORIGIN");
    expect(r.headers.get("strict-transport-security")).to.match(/max-age=/);
  });

  it("rate-limits failed sign-ins per address (429 after 50 in 15 minutes); signed-in work is never refused", async () => {
    // A gateway of its own: the limiter counts per gateway, and the tests above failed some sign-ins.
    const fresh = await startTestFederation(["440100"]);
    const api = fresh.url("440100");
    try {
      await limited(api);
    } finally {
      await fresh.stop();
    }
  });

  async function limited(api: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      const ok = await call("GET", `${api}/regions`);
      expect(ok.status).to.equal(200);
    }
    // A busy window: many signed-in requests in flight at once are not failed sign-ins.
    const busy = await Promise.all(Array.from({ length: 120 }, () => call("GET", `${api}/cases?limit=1`)));
    expect(busy.map((r) => r.status).filter((s) => s !== 200)).to.deep.equal([]);
    for (let i = 0; i < 50; i++) {
      const wrong = await call("GET", `${api}/cases`, undefined, { authorization: `Bearer wrong-${i}` });
      expect(wrong.status).to.equal(401);
    }
    const refused = await call("GET", `${api}/cases`, undefined, { authorization: "Bearer wrong-51" });
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal("TOO_MANY_REQUESTS");
    expect(Number(refused.headers.get("retry-after"))).to.be.within(1, 15 * 60);
    // Over the limit, the right token is still let in (issue 19: no office-wide lockout); a wrong one is not.
    expect((await call("GET", `${api}/cases`)).status).to.equal(200);
    expect(
      (await call("GET", `${api}/cases`, undefined, { authorization: "Bearer wrong-52" })).status,
    ).to.equal(429);
  }
});
