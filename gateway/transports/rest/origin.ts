/**
 * The cross-site request defence of requests signed in by the page's cookie
 * (issue 19): SameSite=Strict alone let a foreign page's text/plain POST
 * through in browsers and setups where it does not apply. A state-changing
 * request that carries the cookie must say it comes from this gateway's own
 * origin: `Sec-Fetch-Site: same-origin`, which the browser sets and no page
 * can forge, or, from browsers that do not send it, an `Origin` equal to the
 * gateway's own. The same order as Go's `http.CrossOriginProtection`.
 * Bearer tokens need no check: a browser never attaches them by itself.
 */
import type { Request } from "express";
import { ErrorCode, XrError } from "../../domain/errors.js";

/** Methods that change nothing, which need no origin check. */
const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether `method` may change state. */
export function changesState(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** This gateway's origin as the browser sees it (through proxies `XR_TRUST_PROXY` trusts). */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.host}`;
}

function crossOrigin(why: string): XrError {
  return new XrError(
    ErrorCode.PERMISSION_DENIED,
    `cross-origin request refused (${why}): a request signed in by the page's cookie must come from this gateway's own page`,
    { details: [{ path: "Origin", issue: "cross-origin request refused" }] },
  );
}

/** What the request's own headers say of where it comes from: undefined when they say nothing. */
function verdict(req: Request): { readonly sameOrigin: boolean; readonly why: string } | undefined {
  const site = req.get("Sec-Fetch-Site");
  if (site !== undefined) return { sameOrigin: site === "same-origin", why: `Sec-Fetch-Site: ${site}` };
  const origin = req.get("Origin");
  if (origin !== undefined) return { sameOrigin: origin === ownOrigin(req), why: "Origin is another site's" };
  return undefined;
}

/**
 * For a request authenticated by the session cookie: fails with
 * PERMISSION_DENIED (details path `Origin`) unless it comes from this
 * gateway's own origin. A request that says nothing of its origin is refused
 * too: every browser sends one of the two headers on such requests.
 */
export function requireSameOrigin(req: Request): void {
  const v = verdict(req);
  if (!v) throw crossOrigin("neither Sec-Fetch-Site nor Origin");
  if (!v.sameOrigin) throw crossOrigin(v.why);
}

/**
 * For sign-in, which scripts and tools also use without a browser: fails only
 * when the request's headers say it comes from another origin (a foreign page
 * signing the clerk in to an account of its choosing).
 */
export function refuseCrossOrigin(req: Request): void {
  const v = verdict(req);
  if (v && !v.sameOrigin) throw crossOrigin(v.why);
}
