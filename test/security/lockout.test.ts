/**
 * Issue 19, finding 1 ("office-wide lockout"): the failed-sign-in limiter
 * counted every 401 and 403, so refused-but-authenticated requests, the
 * page's own `GET /api/v1/session` before sign-in and CORS preflights locked
 * a whole window office (one NAT address) out, valid tokens included. Now it
 * counts only failed credential checks, per address and per credential, and
 * never refuses a request whose credentials are good. `XR_TRUST_PROXY` says
 * which proxies' `X-Forwarded-For` names the client.
 */
import { expect } from "chai";
import { ConfigError } from "../../gateway/config/load.js";
import { optionsFromEnv } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";

const REGION = "440100";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const noCredentials = { authorization: "" };

/** A gateway of its own for each test: the limiter counts per gateway process. */
async function withGateway(
  body: (api: string, t: TestFederation) => Promise<void>,
  trustProxy?: readonly string[],
): Promise<void> {
  const t = await startTestFederation([REGION], trustProxy === undefined ? {} : { trustProxy });
  try {
    await body(t.url(REGION), t);
  } finally {
    await t.stop();
  }
}

/** The staff member's own valid work: a read with a bearer token, and a sign-in of the page. */
async function validWorkSucceeds(api: string): Promise<void> {
  const read = await call("GET", `${api}/cases?limit=1`, undefined, bearer(`dev-${REGION}-clerk`));
  expect(read.status, JSON.stringify(read.body)).to.equal(200);
  const signIn = await call("POST", `${api}/session`, { token: `dev-${REGION}-handler` }, noCredentials);
  expect(signIn.status, JSON.stringify(signIn.body)).to.equal(200);
}

describe("security: no office-wide lockout by the failed-sign-in limiter (issue 19, finding 1)", function () {
  this.timeout(60_000);

  it("60 authenticated but refused requests (role, another region's token) do not lock the address out", async () => {
    await withGateway(async (api) => {
      for (let i = 0; i < 30; i++) {
        // An auditor may not act on a case: 403 for the role, with a genuine token.
        const role = await call(
          "POST",
          `${api}/cases/XR-NOPE/actions`,
          { type: "accept" },
          bearer(`dev-${REGION}-auditor`),
        );
        expect(role.status).to.equal(403);
        const otherRegion = await call("GET", `${api}/cases`, undefined, bearer("dev-430100-admin"));
        expect(otherRegion.status).to.equal(403);
      }
      await validWorkSucceeds(api);
    });
  });

  it("60 unauthenticated GET /api/v1/session (the page before sign-in, or <img> tags) do not count", async () => {
    await withGateway(async (api) => {
      for (let i = 0; i < 60; i++) {
        const r = await call("GET", `${api}/session`, undefined, noCredentials);
        expect(r.status).to.equal(401);
      }
      await validWorkSucceeds(api);
    });
  });

  it("60 CORS preflights do not count", async () => {
    await withGateway(async (api) => {
      for (let i = 0; i < 60; i++) {
        const r = await fetch(`${api}/cases`, {
          method: "OPTIONS",
          headers: {
            Origin: "http://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
          },
        });
        expect(r.status).to.be.oneOf([204, 401, 404]);
        expect(r.headers.get("access-control-allow-origin")).to.equal(null);
      }
      await validWorkSucceeds(api);
    });
  });

  it("limits failed sign-ins with bad tokens (429 after 50), yet never refuses a valid credential", async () => {
    await withGateway(async (api) => {
      for (let i = 0; i < 25; i++) {
        const signIn = await call("POST", `${api}/session`, { token: `guess-${i}` }, noCredentials);
        expect(signIn.status).to.equal(401);
        const bearerGuess = await call("GET", `${api}/cases`, undefined, bearer(`guess-b-${i}`));
        expect(bearerGuess.status).to.equal(401);
      }
      const refused = await call("POST", `${api}/session`, { token: "guess-51" }, noCredentials);
      expect(refused.status).to.equal(429);
      expect(refused.body.error.code).to.equal("TOO_MANY_REQUESTS");
      expect(Number(refused.headers.get("retry-after"))).to.be.within(1, 15 * 60);
      const refusedBearer = await call("GET", `${api}/cases`, undefined, bearer("guess-52"));
      expect(refusedBearer.status).to.equal(429);
      // The staff member behind the same address, with a valid token, works on.
      await validWorkSucceeds(api);
    });
  });

  it("counts per credential too: one bad token from many addresses is limited (XR_TRUST_PROXY=loopback)", async () => {
    await withGateway(
      async (api) => {
        const from = (address: string, token: string) =>
          call("GET", `${api}/cases`, undefined, { ...bearer(token), "x-forwarded-for": address });
        for (let i = 0; i < 50; i++)
          expect((await from(`10.0.0.${i + 1}`, "revoked-token")).status).to.equal(401);
        // The same credential from a new address: limited by its own count.
        expect((await from("10.0.1.1", "revoked-token")).status).to.equal(429);
        // Another bad token from another address: neither is over its limit.
        expect((await from("10.0.1.2", "another-guess")).status).to.equal(401);
        // One address over its limit does not limit its neighbour.
        for (let i = 0; i < 50; i++) expect((await from("10.0.2.1", `g-${i}`)).status).to.equal(401);
        expect((await from("10.0.2.1", "g-x")).status).to.equal(429);
        expect((await from("10.0.2.2", "g-y")).status).to.equal(401);
        // And the address over its limit still gets its valid requests through.
        expect((await from("10.0.2.1", `dev-${REGION}-clerk`)).status).to.equal(200);
      },
      ["loopback"],
    );
  });

  it("ignores X-Forwarded-For unless XR_TRUST_PROXY trusts the proxy (a client cannot pick its address)", async () => {
    await withGateway(async (api) => {
      for (let i = 0; i < 50; i++) {
        const r = await call("GET", `${api}/cases`, undefined, {
          ...bearer(`spoof-${i}`),
          "x-forwarded-for": `10.9.0.${i + 1}`,
        });
        expect(r.status).to.equal(401);
      }
      const r = await call("GET", `${api}/cases`, undefined, {
        ...bearer("spoof-x"),
        "x-forwarded-for": "10.9.1.1",
      });
      expect(r.status).to.equal(429);
    });
  });

  it("reads XR_TRUST_PROXY: hop counts and address lists; `true` (trust anyone) is refused", () => {
    const log = createLogger("silent");
    expect(optionsFromEnv({}, log).trustProxy).to.equal(undefined);
    expect(optionsFromEnv({ XR_TRUST_PROXY: "1" }, log).trustProxy).to.equal(1);
    expect(optionsFromEnv({ XR_TRUST_PROXY: "loopback, 10.0.0.0/8,::1" }, log).trustProxy).to.deep.equal([
      "loopback",
      "10.0.0.0/8",
      "::1",
    ]);
    for (const bad of ["true", "yes", "10.0.0.300", "10.0.0.0/33", "-1"]) {
      expect(() => optionsFromEnv({ XR_TRUST_PROXY: bad }, log), bad)
        .to.throw(ConfigError)
        .with.property("message")
        .that.includes("XR_TRUST_PROXY");
    }
  });
});
