/**
 * Staff authentication on the REST API and the window page: a bearer token
 * (`Authorization: Bearer …`), looked up by its sha256 in config/staff.yaml,
 * or the page's HttpOnly session cookie, which carries a random session id
 * kept (as its sha256) in the ledger: it expires, ends at sign-out, and dies
 * with the token it was signed in with. 401 without valid credentials, 403
 * for another region's token, a role that may not take the step, or a
 * cookie-signed state change from another origin. Failed credential checks
 * are limited per address and per credential (limiter.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import { type StaffDirectory, tokenHash } from "../../config/staff.js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import { type Operation, permits, type StaffMember } from "../../domain/staff.js";
import type { SessionStore } from "../../ports/sessions.js";
import type { CredentialLimiter } from "./limiter.js";
import { JSON_TYPES, requireMediaType } from "./media-types.js";
import { changesState, refuseCrossOrigin, requireSameOrigin } from "./origin.js";

/** Name of the window page's session cookie. */
export const SESSION_COOKIE = "xr_session";

/** How long a sign-in lasts: one working day, after which the page asks for the token again. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

/** What authentication needs of the region. */
export interface AuthSettings {
  /** Staff tokens (config/staff.yaml). */
  readonly staff: StaffDirectory;
  readonly region: string;
  /** Today in China Standard Time (tokens expire by date). */
  readonly today: () => string;
  readonly now: () => Date;
  readonly sessions: SessionStore;
  readonly limiter: CredentialLimiter;
}

function unauthenticated(message: string, path = "Authorization"): XrError {
  return new XrError(ErrorCode.UNAUTHENTICATED, message, { details: [{ path, issue: message }] });
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** The staff member a token hash belongs to on this region's gateway. */
function lookUp(a: AuthSettings, hash: string): StaffMember {
  const found = a.staff.get(hash);
  if (!found) throw unauthenticated("unknown token");
  if (found.expires && a.today() > found.expires) {
    throw unauthenticated(`the token expired on ${found.expires}`);
  }
  if (found.region !== a.region) {
    throw new XrError(
      ErrorCode.PERMISSION_DENIED,
      `the token is for ${found.region}'s gateway, not ${a.region}'s`,
      { details: [{ path: "Authorization", issue: "another region's token" }] },
    );
  }
  return { id: found.id, name: found.name, role: found.role, region: found.region };
}

/** Who is signed in, as `/session` answers (the staff id stays on the events the member takes). */
function signedIn(who: StaffMember): Pick<StaffMember, "name" | "role" | "region"> {
  return { name: who.name, role: who.role, region: who.region };
}

/** A failed credential check: counted, or turned into the limiter's 429 once over the limit. */
async function failedCheck(a: AuthSettings, req: Request, res: Response, hash: string, err: unknown) {
  if (err instanceof XrError && err.code === ErrorCode.UNAUTHENTICATED) {
    const limited = await a.limiter.failed(req, hash);
    if (limited) {
      res.setHeader("Retry-After", String(limited.retryAfter));
      return limited.error;
    }
  }
  return err;
}

/** Checks a presented token (a bearer token or a sign-in); only failures reach the limiter. */
async function checkToken(a: AuthSettings, req: Request, res: Response, token: string): Promise<StaffMember> {
  const hash = tokenHash(token);
  try {
    return lookUp(a, hash);
  } catch (err) {
    throw await failedCheck(a, req, res, hash, err);
  }
}

/** Checks `Authorization: Bearer <token>`; a malformed header is a failed check too. */
async function checkBearer(
  a: AuthSettings,
  req: Request,
  res: Response,
  header: string,
): Promise<StaffMember> {
  const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  if (m?.[1]) return checkToken(a, req, res, m[1]);
  throw await failedCheck(
    a,
    req,
    res,
    tokenHash(header),
    unauthenticated("Authorization must be `Bearer <token>`"),
  );
}

function sessionCookie(req: Request): string | undefined {
  const id = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
  return id || undefined;
}

function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: "/" });
}

/**
 * The staff member of a session cookie. An unknown, ended or expired session
 * is 401 and the cookie is cleared; a session whose token was revoked (its
 * line removed from staff.yaml) or expired is ended with every other session
 * of that token. Session ids are 256 random bits: not worth counting guesses of.
 */
async function fromSession(a: AuthSettings, res: Response, id: string): Promise<StaffMember> {
  const session =
    id.length <= 64 ? await a.sessions.findSession(sha256(id), a.now().toISOString()) : undefined;
  if (!session) {
    clearSessionCookie(res);
    throw unauthenticated("the session ended or expired: sign in again", "Cookie");
  }
  try {
    return lookUp(a, session.tokenHash);
  } catch {
    await a.sessions.endSessionsOf(session.tokenHash);
    clearSessionCookie(res);
    throw unauthenticated("the session's token was revoked or expired: sign in again", "Cookie");
  }
}

/**
 * Middleware: sets `res.locals.staff`, or fails with 401/403 (429 for a
 * failing token once its address or itself is over the limit). A
 * state-changing request signed in by cookie must come from this gateway's
 * own origin.
 */
export function authenticate(a: AuthSettings) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get("Authorization");
    if (header !== undefined) {
      res.locals.staff = await checkBearer(a, req, res, header);
      next();
      return;
    }
    const id = sessionCookie(req);
    if (id === undefined) {
      res.set("WWW-Authenticate", 'Bearer realm="xr-gateway"');
      throw unauthenticated("sign in: send Authorization: Bearer <token>");
    }
    if (changesState(req.method)) requireSameOrigin(req);
    res.locals.staff = await fromSession(a, res, id);
    next();
  };
}

/** Fails with 403 unless the signed-in staff member's role may perform `op`. */
export function authorize(res: Response, op: Operation): void {
  const who = res.locals.staff as StaffMember | undefined;
  if (!who) throw unauthenticated("sign in first");
  if (!permits(who.role, op)) {
    throw new XrError(ErrorCode.PERMISSION_DENIED, `role ${who.role} may not ${op.replace("act:", "")}`, {
      details: [{ path: "(role)", issue: `${who.role} may not ${op}` }],
    });
  }
}

/** Operations besides a case's steps that the page offers only to roles that may perform them. */
const PAGE_OPERATIONS = ["submit", "upload", "stats"] as const satisfies readonly Operation[];

/**
 * The staff member as the session routes answer: with `operations`, those of {@link PAGE_OPERATIONS} the role
 * permits, so the page shows the intake form only to those the gateway would take it from (issue 16).
 */
function staffJson(who: StaffMember) {
  return { ...signedIn(who), operations: PAGE_OPERATIONS.filter((op) => permits(who.role, op)) };
}

/**
 * `POST /api/v1/session` (sign in: `{ "token" }` → a new session in an
 * HttpOnly cookie), `GET` (who am I) and `DELETE` (sign out: the session
 * ends), for the window page.
 */
export function sessionRouter(a: AuthSettings): express.Router {
  const r = express.Router();
  const jsonOnly = (req: Request, _res: Response, next: NextFunction) => {
    refuseCrossOrigin(req);
    requireMediaType(req, JSON_TYPES);
    next();
  };
  r.post("/session", jsonOnly, express.json({ limit: "4kb" }), async (req, res) => {
    const token = (req.body as { token?: unknown } | undefined)?.token;
    if (typeof token !== "string" || token.length === 0 || token.length > 512) {
      throw XrError.invalid("token", "is required");
    }
    const who = await checkToken(a, req, res, token);
    const previous = sessionCookie(req);
    if (previous !== undefined) await a.sessions.endSession(sha256(previous));
    const id = randomBytes(32).toString("base64url");
    const now = a.now();
    await a.sessions.saveSession({
      idHash: sha256(id),
      tokenHash: tokenHash(token),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    });
    // Secure when the page is served over TLS (req.secure follows X-Forwarded-Proto from trusted proxies).
    res.cookie(SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: "strict",
      path: "/",
      secure: req.secure,
      maxAge: SESSION_TTL_MS,
    });
    res.json(staffJson(who));
  });
  r.get("/session", async (req, res) => {
    const header = req.get("Authorization");
    if (header !== undefined) {
      res.json(staffJson(await checkBearer(a, req, res, header)));
      return;
    }
    const id = sessionCookie(req);
    // Not a failed credential check: the page asks this before anyone signed in.
    if (id === undefined) throw unauthenticated("not signed in");
    res.json(staffJson(await fromSession(a, res, id)));
  });
  r.delete("/session", async (req, res) => {
    const id = sessionCookie(req);
    if (id !== undefined) {
      requireSameOrigin(req);
      await a.sessions.endSession(sha256(id));
    }
    clearSessionCookie(res);
    res.status(204).end();
  });
  return r;
}
