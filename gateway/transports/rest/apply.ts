/**
 * The applicant's REST routes under `/api/v1/apply` (issue 18), mounted before the staff authentication:
 * staff tokens and staff sessions mean nothing here, and an applicant session means nothing to staff routes.
 * Sign-in exchanges a verified ID token of the province's identity platform for an applicant session (its
 * own HttpOnly cookie, kept by hash in the ledger's `applicant_sessions`); a state change signed in by it
 * must come from this gateway's own origin, as for the window page (origin.ts). Thin: the use cases are
 * usecases/applicant.ts.
 *
 * 好差评 (issue 18 item 4): `POST /cases/{id}/rating` is the applicant's own rating (channel APPLICANT), the
 * case guarded by `myCase` like every other applicant route; `GET /rating-options` gives the page the levels
 * and the configured tags.
 */
import { createHash, randomBytes } from "node:crypto";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { answeredCaseToJson, caseToJson, eventToJson, matterToJson } from "../../codec/json.js";
import {
  applicantRatingSchema,
  caseActionSchema,
  parseRequest,
  submitCaseSchema,
} from "../../contract/requests.js";
import { type ApplicantIdentity, mayApplyFor } from "../../domain/applicant.js";
import { cstDate } from "../../domain/calendar.js";
import { HandlingMode } from "../../domain/case.js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import { partnersOf } from "../../domain/matter.js";
import { caseFor } from "../../domain/minimize.js";
import { DEFAULT_RATING_TAGS, RATING_LEVEL_LABELS, RATING_LEVELS } from "../../domain/rating.js";
import type { IdTokenVerifier } from "../../identity/id-token.js";
import type { ApplicantSessionStore } from "../../ports/sessions.js";
import { actAsApplicant, applyOnline, listMyCases, myCase, myCaseEvents } from "../../usecases/applicant.js";
import type { RegionContext } from "../../usecases/context.js";
import { requestMeta } from "../../usecases/idempotency.js";
import { uploadMaterial } from "../../usecases/materials.js";
import { listAgreedMatters } from "../../usecases/queries.js";
import { rateCase } from "../../usecases/rate-case.js";
import { currentTraceparent } from "../../usecases/trace.js";
import { jsonBody } from "./body.js";
import type { CredentialLimiter } from "./limiter.js";
import { JSON_TYPES, requireMediaType, SCAN_TYPES } from "./media-types.js";
import { changesState, refuseCrossOrigin, requireSameOrigin } from "./origin.js";

/** Name of the applicant session cookie (the staff one is `xr_session`). */
export const APPLICANT_COOKIE = "xr_applicant";

/** How long an applicant's sign-in lasts. */
export const APPLICANT_SESSION_TTL_MS = 2 * 60 * 60_000;

/** What the applicant routes need besides the region's use cases. */
export interface ApplicantSettings {
  /** Checks ID tokens; absent when the region has no applicant sign-in configured. */
  readonly verifier?: IdTokenVerifier | undefined;
  /** Where the page sends the browser to sign in (the platform's, or the development provider's). */
  readonly authorizeUrl?: string | undefined;
  readonly sessions: ApplicantSessionStore;
  readonly limiter: CredentialLimiter;
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

function unauthenticated(issue: string, path = "Cookie"): XrError {
  return new XrError(ErrorCode.UNAUTHENTICATED, issue, { details: [{ path, issue }] });
}

function notConfigured(): XrError {
  const issue = "applicant sign-in is not configured for this region";
  return new XrError(ErrorCode.NOT_FOUND, issue, { details: [{ path: "(region)", issue }] });
}

/** Masks all but the first and last few characters of a number shown back to the page. */
function masked(n: string): string {
  return n.length <= 8 ? "*".repeat(n.length) : `${n.slice(0, 4)}${"*".repeat(n.length - 8)}${n.slice(-4)}`;
}

/** The identity as the page shows it: numbers masked. */
function identityJson(who: ApplicantIdentity) {
  return who.kind === "person"
    ? { kind: who.kind, name: who.name, idNumber: masked(who.idNumber) }
    : {
        kind: who.kind,
        name: who.name,
        creditCode: masked(who.creditCode),
        legalRepresentative: who.legalRepresentative,
      };
}

function cookieOf(req: Request): string | undefined {
  const id = (req.cookies as Record<string, string> | undefined)?.[APPLICANT_COOKIE];
  return id || undefined;
}

/** The signed-in applicant of a request (set by the router's session check). */
export function signedInApplicant(res: Response): ApplicantIdentity {
  const who = res.locals.applicant as ApplicantIdentity | undefined;
  if (!who) throw unauthenticated("sign in first");
  return who;
}

function meta(req: Request) {
  const traceparent = currentTraceparent() || (req.get("traceparent") ?? "");
  return requestMeta(traceparent, req.get("Idempotency-Key"), req.body, "Idempotency-Key");
}

/** Builds the router mounted at `/api/v1/apply`. */
export function applyRouter(ctx: RegionContext, a: ApplicantSettings): express.Router {
  const r = express.Router();
  const now = () => ctx.clock.now();
  const today = () => cstDate(now());
  const ratingTags = ctx.ratingTags ?? DEFAULT_RATING_TAGS;
  const ratingSchema = applicantRatingSchema(ratingTags);

  r.get("/config", (_req, res) => {
    res.json({
      region: ctx.region,
      regionName: ctx.federation.regions.get(ctx.region)?.name ?? ctx.region,
      signIn: a.verifier !== undefined,
      authorizeUrl: a.authorizeUrl ?? "",
    });
  });

  const jsonOnly: RequestHandler = (req, _res, next) => {
    refuseCrossOrigin(req);
    requireMediaType(req, JSON_TYPES);
    next();
  };
  r.post("/session", jsonOnly, express.json({ limit: "16kb" }), async (req, res) => {
    if (!a.verifier) throw notConfigured();
    const idToken = (req.body as { idToken?: unknown } | undefined)?.idToken;
    if (typeof idToken !== "string" || idToken.length === 0 || idToken.length > 8192)
      throw XrError.invalid("idToken", "is required");
    let who: ApplicantIdentity;
    try {
      who = await a.verifier(idToken);
    } catch (err) {
      // Refused tokens count against the address like refused staff tokens (limiter.ts).
      const limited = await a.limiter.failed(req, sha256(idToken));
      if (limited) {
        res.setHeader("Retry-After", String(limited.retryAfter));
        throw limited.error;
      }
      throw err;
    }
    const previous = cookieOf(req);
    if (previous !== undefined) await a.sessions.endApplicantSession(sha256(previous));
    const id = randomBytes(32).toString("base64url");
    const t = now();
    await a.sessions.saveApplicantSession({
      idHash: sha256(id),
      identity: who,
      createdAt: t.toISOString(),
      expiresAt: new Date(t.getTime() + APPLICANT_SESSION_TTL_MS).toISOString(),
    });
    res.cookie(APPLICANT_COOKIE, id, {
      httpOnly: true,
      sameSite: "strict",
      path: "/",
      secure: req.secure,
      maxAge: APPLICANT_SESSION_TTL_MS,
    });
    res.json(identityJson(who));
  });
  r.delete("/session", async (req, res) => {
    const id = cookieOf(req);
    if (id !== undefined) {
      requireSameOrigin(req);
      await a.sessions.endApplicantSession(sha256(id));
    }
    res.clearCookie(APPLICANT_COOKIE, { path: "/" });
    res.status(204).end();
  });

  // Every route below needs a signed-in applicant.
  r.use(async (req: Request, res: Response, next: NextFunction) => {
    if (!a.verifier) throw notConfigured();
    const id = cookieOf(req);
    if (id === undefined) throw unauthenticated("not signed in");
    if (changesState(req.method)) requireSameOrigin(req);
    const session =
      id.length <= 64 ? await a.sessions.findApplicantSession(sha256(id), now().toISOString()) : undefined;
    if (!session) {
      res.clearCookie(APPLICANT_COOKIE, { path: "/" });
      throw unauthenticated("the session ended or expired: sign in again");
    }
    res.locals.applicant = session.identity;
    next();
  });

  r.get("/session", (_req, res) => {
    res.json(identityJson(signedInApplicant(res)));
  });
  // Before the JSON parser: the upload streams to disk as it arrives (the same store the windows use).
  r.post("/materials", async (req, res) => {
    signedInApplicant(res);
    requireMediaType(req, SCAN_TYPES);
    const stored = await uploadMaterial(ctx, req, req.get("Content-Type") ?? "");
    res.status(201).json({ ...stored, sizeBytes: String(stored.sizeBytes) });
  });
  r.use(jsonBody.parse);
  r.use(jsonBody.depth);

  // The regions this region's applicants may apply to: its partners under the agreements.
  r.get("/regions", (_req, res) => {
    const regions = partnersOf(ctx.federation, ctx.region).map((code) => ({
      code,
      name: ctx.federation.regions.get(code)?.name ?? code,
    }));
    res.json({ regions });
  });
  r.get("/regions/:code/matters", async (req, res) => {
    const q = typeof req.query.q === "string" ? req.query.q : undefined;
    const page = await listAgreedMatters(ctx, {
      regionCode: String(req.params.code),
      q,
      mode: HandlingMode.FULL_ONLINE,
      pageSize: 100,
      pageToken: typeof req.query.pageToken === "string" ? req.query.pageToken : undefined,
    });
    // Only matters this sign-in can apply for: a resident is not offered a company's matters, nor the reverse.
    const who = signedInApplicant(res);
    res.json({
      ...page,
      matters: page.matters
        .filter((m) => mayApplyFor(who, m.matter.applicant))
        .map((m) => ({ ...matterToJson(m.matter), allowedModes: [...m.allowedModes] })),
    });
  });
  r.post("/cases", async (req, res) => {
    requireMediaType(req, JSON_TYPES);
    const outcome = await applyOnline(ctx, signedInApplicant(res), req.body, meta(req), (b) =>
      parseRequest(submitCaseSchema, b),
    );
    if (outcome.replayed) res.set("Idempotent-Replayed", "true");
    res.status(201).json(answeredCaseToJson(caseFor(outcome.state, ctx.region)));
  });
  r.get("/cases", async (_req, res) => {
    const t = today();
    res.json({ cases: (await listMyCases(ctx, signedInApplicant(res))).map((c) => caseToJson(c, t)) });
  });
  r.get("/cases/:id", async (req, res) => {
    res.json(caseToJson(await myCase(ctx, signedInApplicant(res), String(req.params.id)), today()));
  });
  r.get("/cases/:id/events", async (req, res) => {
    const t = today();
    const events = await myCaseEvents(ctx, signedInApplicant(res), String(req.params.id));
    res.json({ events: events.map((e) => eventToJson(e, t)) });
  });
  // 好差评 (issue 18 item 4): the levels and the configured tags the page offers (the `rate` step's options).
  r.get("/rating-options", (_req, res) => {
    res.json({
      levels: RATING_LEVELS.map((level) => ({ level, label: RATING_LEVEL_LABELS[level] })),
      tags: [...ratingTags],
    });
  });
  // The applicant rates their own case once: the case is checked first, so another's is an unknown id (404).
  r.post("/cases/:id/rating", async (req, res) => {
    requireMediaType(req, JSON_TYPES);
    const rating = parseRequest(ratingSchema, req.body);
    const id = String(req.params.id);
    await myCase(ctx, signedInApplicant(res), id);
    const outcome = await rateCase(ctx, id, rating, "APPLICANT", meta(req));
    if (outcome.replayed) res.set("Idempotent-Replayed", "true");
    res.json(answeredCaseToJson(caseFor(outcome.state, ctx.region)));
  });
  r.post("/cases/:id/actions", async (req, res) => {
    requireMediaType(req, JSON_TYPES);
    const action = parseRequest(caseActionSchema, req.body);
    const outcome = await actAsApplicant(
      ctx,
      signedInApplicant(res),
      String(req.params.id),
      action,
      meta(req),
    );
    if (outcome.replayed) res.set("Idempotent-Replayed", "true");
    res.json(answeredCaseToJson(caseFor(outcome.state, ctx.region)));
  });
  r.use((req) => {
    throw new XrError(ErrorCode.NOT_FOUND, `no such endpoint: ${req.method} /api/v1/apply${req.path}`);
  });
  return r;
}
