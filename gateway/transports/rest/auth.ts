/**
 * Staff authentication on the REST API and the window page: a bearer token
 * (`Authorization: Bearer …`, or the page's HttpOnly session cookie holding
 * the same token), looked up by its sha256 in config/staff.yaml; 401
 * without valid credentials, 403 for another region's token or a role that
 * may not take the step. Failed attempts are rate-limited per address.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { MemoryStore } from "express-rate-limit";
import { type StaffDirectory, tokenHash } from "../../config/staff.js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import { type Operation, permits, type StaffMember } from "../../domain/staff.js";

/** Name of the window page's session cookie. */
export const SESSION_COOKIE = "xr_session";

function unauthenticated(message: string): XrError {
  return new XrError(ErrorCode.UNAUTHENTICATED, message, {
    details: [{ path: "Authorization", issue: message }],
  });
}

/** The staff member a token belongs to on this region's gateway. */
function lookUp(staff: StaffDirectory, region: string, token: string, today: string): StaffMember {
  const found = staff.get(tokenHash(token));
  if (!found) throw unauthenticated("unknown token");
  if (found.expires && today > found.expires) throw unauthenticated(`the token expired on ${found.expires}`);
  if (found.region !== region) {
    throw new XrError(
      ErrorCode.PERMISSION_DENIED,
      `the token is for ${found.region}'s gateway, not ${region}'s`,
      {
        details: [{ path: "Authorization", issue: "another region's token" }],
      },
    );
  }
  return { name: found.name, role: found.role, region: found.region };
}

function presented(req: Request): string | undefined {
  const header = req.get("Authorization");
  if (header !== undefined) {
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
    if (!m) throw unauthenticated("Authorization must be `Bearer <token>`");
    return m[1];
  }
  const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
  return cookie || undefined;
}

/** Middleware: sets `res.locals.staff`, or fails with 401/403. */
export function authenticate(staff: StaffDirectory, region: string, today: () => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = presented(req);
    if (token === undefined) {
      res.set("WWW-Authenticate", 'Bearer realm="xr-gateway"');
      throw unauthenticated("sign in: send Authorization: Bearer <token>");
    }
    res.locals.staff = lookUp(staff, region, token, today());
    next();
  };
}

/** Fails with 403 unless the signed-in staff member's role may perform `op`. */
export function authorize(res: Response, op: Operation): void {
  const who = res.locals.staff as StaffMember | undefined;
  if (!who) throw unauthenticated("sign in first");
  if (!permits(who.role, op)) {
    throw new XrError(ErrorCode.PERMISSION_DENIED, `a ${who.role} may not ${op.replace("act:", "")}`, {
      details: [{ path: "(role)", issue: `${who.role} may not ${op}` }],
    });
  }
}

/**
 * Limits per client address how many requests may fail authentication, to
 * slow token guessing. Only answers 401/403 are counted, once they are sent;
 * requests in flight are not (counting them and taking successes back, as a
 * plain rate limiter does, refuses a busy window's 51st concurrent request).
 * An address over the limit is refused everything until its window passes.
 */
export function failedAuthLimiter(max: number, windowMs: number): RequestHandler {
  const store = new MemoryStore();
  store.init({ windowMs } as Parameters<MemoryStore["init"]>[0]);
  return (req, res, next) => {
    const key = req.ip ?? req.socket.remoteAddress ?? "";
    store.get(key).then((seen) => {
      if (seen && seen.totalHits >= max) {
        const wait = Math.max(1, Math.ceil(((seen.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
        res.setHeader("Retry-After", String(wait));
        next(
          new XrError(
            ErrorCode.TOO_MANY_REQUESTS,
            "too many failed sign-ins from this address; try again later",
            {
              details: [{ path: "(client)", issue: "rate limited" }],
            },
          ),
        );
        return;
      }
      res.on("finish", () => {
        if (res.statusCode === 401 || res.statusCode === 403) void store.increment(key);
      });
      next();
    }, next);
  };
}

/**
 * `POST /api/v1/session` (sign in: `{ "token" }` → HttpOnly cookie),
 * `GET` (who am I) and `DELETE` (sign out), for the window page.
 */
export function sessionRouter(staff: StaffDirectory, region: string, today: () => string): express.Router {
  const r = express.Router();
  r.post("/session", express.json({ limit: "4kb" }), (req, res) => {
    const token = (req.body as { token?: unknown } | undefined)?.token;
    if (typeof token !== "string" || token.length === 0 || token.length > 512) {
      throw XrError.invalid("token", "is required");
    }
    const who = lookUp(staff, region, token, today());
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "strict", path: "/", secure: req.secure });
    res.json(who);
  });
  r.get("/session", (req, res) => {
    const token = presented(req);
    if (token === undefined) throw unauthenticated("not signed in");
    res.json(lookUp(staff, region, token, today()));
  });
  r.delete("/session", (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.status(204).end();
  });
  return r;
}
