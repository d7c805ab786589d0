/**
 * The development identity provider (issue 18): stands in for the province's unified identity platform on
 * 127.0.0.1, off unless a region's `identity.devProvider` is configured (and announced with a warning, as
 * `devTokens` and `devKeys` are). It signs ID tokens for a few test identities (the test fixtures'
 * applicants) with a key made at start, serves its JWKS, and lets a developer pick an identity:
 *
 * - `GET /jwks.json`: the public key set the gateway verifies with;
 * - `GET /authorize?redirect_uri=…&state=…`: a page listing the identities; choosing one sends the browser
 *   back to `redirect_uri#id_token=…&state=…` (only to a loopback address);
 * - `GET /token?who=<n>`: `{ idToken }` for identity n, for scripts and tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { creditCodeCheckChar, residentIdCheckChar } from "../domain/ids.js";

/** A test identity the development provider signs tokens for. */
export interface DevIdentity {
  readonly label: string;
  readonly claims: Readonly<Record<string, string>>;
}

const rid = (first17: string) => first17 + residentIdCheckChar(first17);
const ccode = (first17: string) => first17 + creditCodeCheckChar(first17);

/** The fixtures' applicants (test/helpers/fixtures.ts and cases.ts), and one more resident. */
export const DEV_IDENTITIES: readonly DevIdentity[] = [
  { label: "李秀英（个人）", claims: { name: "李秀英", id_number: rid("43010419860412231") } },
  { label: "李建国（个人）", claims: { name: "李建国", id_number: rid("43010219900307123") } },
  { label: "王芳（个人）", claims: { name: "王芳", id_number: rid("44010619920815402") } },
  {
    label: "广州市天河区粤湘贸易有限公司（法人）",
    claims: {
      name: "陈晓明",
      org_name: "广州市天河区粤湘贸易有限公司",
      credit_code: ccode("91440101MA59PQ7K3"),
    },
  },
];

/** What a test may change in a development token. */
export interface TokenBending {
  readonly audience?: string;
  /** Seconds since the epoch. */
  readonly issuedAt?: number;
  readonly expiresAt?: number;
}

/** A running development provider. */
export interface DevIdentityProvider {
  /** `http://127.0.0.1:<port>`: the issuer, and where the endpoints are. */
  readonly url: string;
  readonly jwksUrl: string;
  /**
   * An ID token for identity `who` (an index of {@link DEV_IDENTITIES}); `bent` changes its audience or times
   * (in-process only, for tests of refusals: the HTTP endpoints never bend a token).
   */
  token(who: number, bent?: TokenBending): Promise<string>;
  close(): Promise<void>;
}

/** How long a development ID token lasts. */
const TOKEN_SECONDS = 10 * 60;

function isLoopback(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
  } catch {
    return false;
  }
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** Starts the provider for tokens of `audience` on 127.0.0.1:`port` (0: any free port). */
export async function startDevIdentityProvider(audience: string, port: number): Promise<DevIdentityProvider> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const kid = `dev-${Date.now().toString(36)}`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  let url = "";
  const token = (who: number, bent: TokenBending = {}) => {
    const id = DEV_IDENTITIES[who];
    if (!id) throw new Error(`no development identity ${who}`);
    const iat = bent.issuedAt ?? Math.floor(Date.now() / 1000);
    return new SignJWT({ ...id.claims })
      .setProtectedHeader({ alg: "ES256", kid })
      .setIssuer(url)
      .setAudience(bent.audience ?? audience)
      .setSubject(`dev-${who}`)
      .setIssuedAt(iat)
      .setExpirationTime(bent.expiresAt ?? iat + TOKEN_SECONDS)
      .sign(privateKey);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? "/", url);
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (u.pathname === "/jwks.json") return send(200, "application/json", JSON.stringify({ keys: [jwk] }));
    if (u.pathname === "/token") {
      const who = Number(u.searchParams.get("who") ?? "0");
      if (!Number.isInteger(who) || !DEV_IDENTITIES[who]) return send(404, "application/json", "{}");
      return send(200, "application/json", JSON.stringify({ idToken: await token(who) }));
    }
    if (u.pathname === "/authorize") {
      const redirect = u.searchParams.get("redirect_uri") ?? "";
      const state = u.searchParams.get("state") ?? "";
      if (!isLoopback(redirect))
        return send(400, "text/plain; charset=utf-8", "redirect_uri must be a loopback http address");
      const who = u.searchParams.get("who");
      if (who !== null) {
        const n = Number(who);
        if (!Number.isInteger(n) || !DEV_IDENTITIES[n])
          return send(404, "text/plain; charset=utf-8", "no such identity");
        const frag = new URLSearchParams({ id_token: await token(n), state });
        res.writeHead(302, { location: `${redirect}#${frag}`, "cache-control": "no-store" });
        res.end();
        return;
      }
      const links = DEV_IDENTITIES.map((id, i) => {
        const q = new URLSearchParams({ redirect_uri: redirect, state, who: String(i) });
        return `<li><a href="/authorize?${esc(q.toString())}">${esc(id.label)}</a></li>`;
      }).join("");
      return send(
        200,
        "text/html; charset=utf-8",
        `<!doctype html><html lang="zh-CN"><meta name="viewport" content="width=device-width,initial-scale=1"><title>开发用统一身份认证</title><body style="font:16px sans-serif;margin:1rem"><h1 style="font-size:1.2rem">开发用统一身份认证（仅供开发测试）</h1><p>选择一个测试身份登录：</p><ul style="line-height:2.4">${links}</ul></body></html>`,
      );
    }
    send(404, "text/plain; charset=utf-8", "not found");
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    jwksUrl: `${url}/jwks.json`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
