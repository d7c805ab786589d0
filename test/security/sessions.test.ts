/**
 * Issue 19, the page's session findings: the session cookie held the raw,
 * permanent staff token (sign-out revoked nothing), and nothing but SameSite
 * stood against cross-site requests (`POST /api/v1/materials` took a
 * text/plain POST from a foreign Origin: 201). Now the cookie carries a
 * random session id kept (hashed) in the ledger, which expires, dies at
 * sign-out and with its token; every state-changing request signed in by
 * cookie must come from the gateway's own origin; and each route takes only
 * its content types (415 otherwise).
 */
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { tokenHash } from "../../gateway/config/staff.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { type FederationHandle, startFederation } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { call, logSink, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { createTestDatabase, describePostgres, dropTestDatabase } from "../helpers/postgres.js";
import { TEST_HOLIDAYS } from "../helpers/test-calendar.js";

const REGION = "440100";
const noCredentials = { authorization: "" };

/** Signs in with `token`; the `name=value` of the session cookie and the whole Set-Cookie header. */
async function signIn(
  api: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<{ cookie: string; setCookie: string }> {
  const r = await call("POST", `${api}/session`, { token }, { ...noCredentials, ...headers });
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  const setCookie = r.headers.get("set-cookie") ?? "";
  return { cookie: setCookie.split(";")[0] ?? "", setCookie };
}

/** Request headers of the window page itself, signed in by its cookie. */
function sameOrigin(api: string, cookie: string): Record<string, string> {
  return { ...noCredentials, cookie, origin: new URL(api).origin, "sec-fetch-site": "same-origin" };
}

describe("security: the page's session (issue 19)", function () {
  this.timeout(60_000);
  let t: TestFederation;
  let api: string;
  before(async () => {
    t = await startTestFederation([REGION], { trustProxy: ["loopback"] });
    api = t.url(REGION);
  });
  after(async () => {
    await t?.stop();
  });

  it("keeps a random session id in the cookie, never the staff token", async () => {
    const token = `dev-${REGION}-clerk`;
    const a = await signIn(api, token);
    const b = await signIn(api, token);
    expect(a.setCookie)
      .to.match(/^xr_session=/)
      .and.match(/HttpOnly/)
      .and.match(/SameSite=Strict/);
    expect(a.setCookie).to.match(/Max-Age=\d+/);
    const id = a.cookie.slice("xr_session=".length);
    expect(id).to.not.include(token);
    expect(id).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(b.cookie).to.not.equal(a.cookie);
    const me = await call("GET", `${api}/session`, undefined, { ...noCredentials, cookie: a.cookie });
    expect(me.status).to.equal(200);
    expect(me.body).to.deep.equal({
      name: "dev clerk",
      role: "clerk",
      region: REGION,
      operations: ["submit", "upload"],
    });
  });

  it("sets Secure on the cookie when served over TLS (X-Forwarded-Proto from a trusted proxy)", async () => {
    const tls = await signIn(api, `dev-${REGION}-clerk`, { "x-forwarded-proto": "https" });
    expect(tls.setCookie).to.match(/;\s*Secure/i);
    const plain = await signIn(api, `dev-${REGION}-clerk`);
    expect(plain.setCookie).to.not.match(/;\s*Secure/i);
  });

  it("revokes the session at sign-out: the old cookie is 401 afterwards", async () => {
    const { cookie } = await signIn(api, `dev-${REGION}-clerk`);
    expect((await call("GET", `${api}/cases`, undefined, { ...noCredentials, cookie })).status).to.equal(200);
    const out = await call("DELETE", `${api}/session`, undefined, sameOrigin(api, cookie));
    expect(out.status).to.equal(204);
    expect(out.headers.get("set-cookie")).to.match(/^xr_session=;/);
    // A copy of the cookie kept from before (a stolen one, or a shared machine's) is dead.
    const again = await call("GET", `${api}/cases`, undefined, { ...noCredentials, cookie });
    expect(again.status).to.equal(401);
    expect(again.body.error.code).to.equal("UNAUTHENTICATED");
    const who = await call("GET", `${api}/session`, undefined, { ...noCredentials, cookie });
    expect(who.status).to.equal(401);
  });

  it("refuses a foreign origin's text/plain POST to /api/v1/materials signed in by cookie, storing nothing", async () => {
    const { cookie } = await signIn(api, `dev-${REGION}-clerk`);
    const bytes = Buffer.from(`forged upload ${Date.now()}`);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    // What an <form enctype="text/plain"> or a no-cors fetch on another site sends.
    const r = await fetch(`${api}/materials`, {
      method: "POST",
      headers: {
        cookie,
        origin: "http://evil.example",
        "sec-fetch-site": "cross-site",
        "content-type": "text/plain",
      },
      body: bytes,
    });
    expect(r.status).to.equal(403);
    const body = (await r.json()) as { error: { code: string; details: Array<{ path: string }> } };
    expect(body.error.code).to.equal("PERMISSION_DENIED");
    expect(body.error.details[0]?.path).to.equal("Origin");
    expect(await t.fed.regions.get(REGION)?.context.materials.stat(sha256)).to.equal(undefined);
  });

  it("checks Origin / Sec-Fetch-Site on every state-changing request signed in by cookie", async () => {
    const { cookie } = await signIn(api, `dev-${REGION}-clerk`);
    const post = (headers: Record<string, string>) =>
      fetch(`${api}/materials`, {
        method: "POST",
        headers: { cookie, "content-type": "application/pdf", ...headers },
        body: Buffer.from(`%PDF-1.4 scan ${Math.random()}`),
      });
    // Same site is not same origin: a sibling host may be someone else's.
    expect((await post({ "sec-fetch-site": "same-site" })).status).to.equal(403);
    expect((await post({ origin: "http://evil.example" })).status).to.equal(403);
    expect((await post({ origin: "null" })).status).to.equal(403);
    // Neither header: no browser sends that, so it is not the page; refused rather than guessed.
    expect((await post({})).status).to.equal(403);
    // The page itself.
    expect((await post({ "sec-fetch-site": "same-origin" })).status).to.equal(201);
    expect((await post({ origin: new URL(api).origin })).status).to.equal(201);
    // A case, and an action, from a foreign origin with the cookie: refused before anything is done.
    const filed = await call("POST", `${api}/cases`, pensionTransfer(), {
      ...noCredentials,
      cookie,
      origin: "http://evil.example",
      "sec-fetch-site": "cross-site",
    });
    expect(filed.status).to.equal(403);
    // Sign-out from a foreign page is refused too (the session stays).
    const out = await call("DELETE", `${api}/session`, undefined, {
      ...noCredentials,
      cookie,
      "sec-fetch-site": "cross-site",
    });
    expect(out.status).to.equal(403);
    expect((await call("GET", `${api}/session`, undefined, { ...noCredentials, cookie })).status).to.equal(
      200,
    );
    // A sign-in posted from a foreign page (login CSRF) is refused.
    const foreignSignIn = await call(
      "POST",
      `${api}/session`,
      { token: `dev-${REGION}-clerk` },
      { ...noCredentials, origin: "http://evil.example", "sec-fetch-site": "cross-site" },
    );
    expect(foreignSignIn.status).to.equal(403);
    // Bearer tokens are not sent by browsers on their own: no origin check for them.
    const scripted = await fetch(`${api}/materials`, {
      method: "POST",
      headers: { authorization: `Bearer dev-${REGION}-clerk`, "content-type": "application/pdf" },
      body: Buffer.from(`%PDF-1.4 scripted ${Math.random()}`),
    });
    expect(scripted.status).to.equal(201);
  });

  it("takes only each route's content types: 415 UNSUPPORTED_MEDIA_TYPE otherwise", async () => {
    const clerk = { authorization: `Bearer dev-${REGION}-clerk` };
    const send = (path: string, contentType: string | undefined, body: string) =>
      fetch(`${api}${path}`, {
        method: "POST",
        headers: { ...clerk, ...(contentType ? { "content-type": contentType } : {}) },
        body,
      });
    const refusals: Array<[string, string | undefined, string]> = [
      ["/materials", "text/plain", "not a scan"],
      ["/materials", "application/x-www-form-urlencoded", "a=b"],
      ["/materials", "multipart/form-data; boundary=x", "--x--"],
      ["/cases", "text/plain", JSON.stringify(pensionTransfer())],
      ["/cases/XR-NOPE/actions", "application/x-www-form-urlencoded", "type=accept"],
      ["/cases/XR-NOPE/actions", undefined, '{"type":"accept"}'],
      ["/session", "text/plain", `{"token":"dev-${REGION}-clerk"}`],
    ];
    for (const [path, type, body] of refusals) {
      const r = await send(path, type, body);
      expect(r.status, `${path} ${type}`).to.equal(415);
      const e = ((await r.json()) as { error: { code: string; details: Array<{ path: string }> } }).error;
      expect(e.code, path).to.equal("UNSUPPORTED_MEDIA_TYPE");
      expect(e.details[0]?.path, path).to.equal("Content-Type");
    }
    const scan = await send("/materials", "application/pdf", `%PDF-1.4 ${Math.random()}`);
    expect(scan.status).to.equal(201);
    const jpeg = await send("/materials", "image/jpeg", `jpeg ${Math.random()}`);
    expect(jpeg.status).to.equal(201);
  });
});

/** A copy of config/ whose staff.yaml also holds `extra` (one line per token). */
function configWith(extra: Array<{ token: string; role: string; region: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), "xr-config-"));
  cpSync(join(PROJECT_ROOT, "config"), dir, { recursive: true });
  const lines = extra
    .map((e) => `  - { name: 测试, role: ${e.role}, region: "${e.region}", sha256: ${tokenHash(e.token)} }`)
    .join("\n");
  writeFileSync(join(dir, "staff.yaml"), `devTokens: true\ntokens:${extra.length ? `\n${lines}` : " []"}\n`);
  return dir;
}

async function start(configDir: string, dataDir: string, databaseUrl?: string): Promise<FederationHandle> {
  return startFederation({
    holidaysFile: TEST_HOLIDAYS,
    configDir,
    adaptersDir: join(PROJECT_ROOT, "adapters"),
    dataDir,
    regions: [REGION],
    ephemeralPorts: true,
    ...(databaseUrl ? { databaseUrl } : {}),
    log: createLogger("debug", logSink([])),
  });
}

const apiOf = (fed: FederationHandle) => `${fed.regions.get(REGION)?.url}/api/v1`;

describe("security: a revoked token's sessions die with it (issue 19)", function () {
  this.timeout(60_000);

  it("a session signed in with a token whose line is removed from staff.yaml is 401 after the restart", async () => {
    const token = "xr_revocable-token-for-the-sessions-test";
    const dataDir = mkdtempSync(join(tmpdir(), "xr-test-"));
    const before = configWith([{ token, role: "clerk", region: REGION }]);
    const after = configWith([]);
    try {
      let fed = await start(before, dataDir);
      const { cookie } = await signIn(apiOf(fed), token);
      const kept = await signIn(apiOf(fed), `dev-${REGION}-clerk`);
      await fed.close();
      // Restarted with the same line: the session, kept in the ledger, still holds.
      fed = await start(before, dataDir);
      expect(
        (await call("GET", `${apiOf(fed)}/session`, undefined, { ...noCredentials, cookie })).status,
      ).to.equal(200);
      await fed.close();
      // The line removed (the token revoked): its sessions die; others' live on.
      fed = await start(after, dataDir);
      try {
        const r = await call("GET", `${apiOf(fed)}/cases`, undefined, { ...noCredentials, cookie });
        expect(r.status).to.equal(401);
        const other = await call("GET", `${apiOf(fed)}/session`, undefined, {
          ...noCredentials,
          cookie: kept.cookie,
        });
        expect(other.status).to.equal(200);
      } finally {
        await fed.close();
      }
    } finally {
      for (const d of [dataDir, before, after]) rmSync(d, { recursive: true, force: true });
    }
  });
});

describePostgres("security: sessions shared by replicas on PostgreSQL (issue 19)", function () {
  this.timeout(90_000);

  it("a session made on one replica works on the other, and sign-out on either ends it on both", async () => {
    const databaseUrl = await createTestDatabase("xr_sessions");
    const dataDir = mkdtempSync(join(tmpdir(), "xr-test-"));
    const configDir = configWith([]);
    const replicas: FederationHandle[] = [];
    try {
      // One after the other: the first makes the development keys the second then reads.
      replicas.push(await start(configDir, dataDir, databaseUrl));
      replicas.push(await start(configDir, dataDir, databaseUrl));
      const [a, b] = replicas.map(apiOf) as [string, string];
      const { cookie } = await signIn(a, `dev-${REGION}-clerk`);
      const onB = await call("GET", `${b}/session`, undefined, { ...noCredentials, cookie });
      expect(onB.status).to.equal(200);
      expect(onB.body.role).to.equal("clerk");
      const out = await call("DELETE", `${b}/session`, undefined, sameOrigin(b, cookie));
      expect(out.status).to.equal(204);
      expect((await call("GET", `${a}/cases`, undefined, { ...noCredentials, cookie })).status).to.equal(401);
    } finally {
      for (const r of replicas) await r.close();
      await dropTestDatabase(databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(configDir, { recursive: true, force: true });
    }
  });
});
