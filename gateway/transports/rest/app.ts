/**
 * The REST API of one region's gateway (the routes the README lists). Thin: it
 * parses, calls a use case, and renders canonical proto3 JSON.
 */
import cookieParser from "cookie-parser";
import express, { type Request, type RequestHandler, type Response } from "express";
import helmet from "helmet";
import type { Registry } from "prom-client";
import { answeredCaseToJson, caseToJson, eventToJson, matterToJson } from "../../codec/json.js";
import { statsCsv } from "../../codec/stats-csv.js";
import type { StaffDirectory } from "../../config/staff.js";
import { caseActionSchema, parseRequest, submitCaseSchema } from "../../contract/requests.js";
import { statsQuerySchema } from "../../contract/stats.js";
import { cstDate } from "../../domain/calendar.js";
import { CaseStatus, HandlingMode } from "../../domain/case.js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import { checkRegionCode } from "../../domain/ids.js";
import { zhIssue } from "../../domain/messages.js";
import { caseFor } from "../../domain/minimize.js";
import { type StaffMember, staffActor } from "../../domain/staff.js";
import type { IdTokenVerifier } from "../../identity/id-token.js";
import type { MaterialOpeningLog } from "../../ports/openings.js";
import type { ApplicantSessionStore, SessionStore } from "../../ports/sessions.js";
import { actOnCase } from "../../usecases/act-on-case.js";
import { type CollaborationSettings, caseCollaboration } from "../../usecases/collaboration.js";
import type { RegionContext, RequestMeta } from "../../usecases/context.js";
import { type CaseOutcome, requestMeta } from "../../usecases/idempotency.js";
import { listOpenings, openMaterial, uploadMaterial } from "../../usecases/materials.js";
import {
  listAgreedMatters,
  listCaseEvents,
  listCaseSteps,
  listCases,
  listRegions,
  readCase,
} from "../../usecases/queries.js";
import { caseStats } from "../../usecases/stats.js";
import { submitCase } from "../../usecases/submit-case.js";
import { currentTraceparent } from "../../usecases/trace.js";
import { webRouter } from "../web/router.js";
import { applyRouter } from "./apply.js";
import { type AuthSettings, authenticate, authorize, sessionRouter } from "./auth.js";
import { jsonBody } from "./body.js";
import { answerLanguage, errorHandler } from "./errors.js";
import { CredentialLimiter } from "./limiter.js";
import { sendMaterial } from "./materials.js";
import { JSON_TYPES, requireMediaType, SCAN_TYPES } from "./media-types.js";
import { openApiDocument } from "./openapi.js";
import { traceScope } from "./trace.js";

/** What the REST app shows besides the use cases. */
export interface RestExtras {
  readonly metrics: Registry;
  /** Whether the region is ready, and the facts behind it (/readyz answers 503 when not). */
  readonly readiness: () => Promise<{ readonly ready: boolean }>;
  /** Staff tokens (config/staff.yaml). */
  readonly staff: StaffDirectory;
  /** The window page's sign-in sessions (the region's ledger, shared by its replicas). */
  readonly sessions: SessionStore;
  /** Applicants' sign-in sessions (issue 18), apart from staff sessions. */
  readonly applicantSessions: ApplicantSessionStore;
  /** Applicants' sign-in (federation.yaml `identity`); absent: `/api/v1/apply` answers that it is not configured. */
  readonly identity?: { readonly verifier: IdTokenVerifier; readonly authorizeUrl: string } | undefined;
  /** Who opened which material (the region's ledger), for its auditors. */
  readonly openings: MaterialOpeningLog;
  /**
   * Express's `trust proxy` (XR_TRUST_PROXY): the number of proxy hops, or the proxies' addresses,
   * whose `X-Forwarded-For` / `-Proto` / `-Host` are believed; absent = none (the socket's address).
   */
  readonly trustProxy?: number | readonly string[] | undefined;
  /** Aborts when the gateway begins to shut down: long-lived streams end then. */
  readonly closing: AbortSignal;
  /** Middleware run before every route (metrics, request logging). */
  readonly before: readonly RequestHandler[];
  /** 多地联办 stall settings (`GET /cases/{id}/collaboration`); absent = no time limit, breakers unknown. */
  readonly collaboration?: CollaborationSettings | undefined;
}

function meta(req: Request, res: Response): RequestMeta {
  // The request's own span (rest/trace.ts), so that its log lines and the events it emits share one trace.
  const traceparent = currentTraceparent() || (req.get("traceparent") ?? "");
  const m = requestMeta(traceparent, req.get("Idempotency-Key"), req.body, "Idempotency-Key");
  // The authenticated staff member (auth.ts) is the 经办人 of whatever the request emits.
  const staff = res.locals.staff as StaffMember | undefined;
  return staff ? { ...m, actor: staffActor(staff) } : m;
}

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw XrError.invalid(name, "must be given once");
  return v;
}

function queryInt(req: Request, name: string, fallback: number, max: number): number {
  const raw = queryString(req, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw XrError.invalid(name, `must be an integer from 0 to ${max}`);
  return n;
}

function oneOf<T extends string>(req: Request, name: string, values: readonly T[]): T | undefined {
  const raw = queryString(req, name);
  if (raw === undefined || raw === "") return undefined;
  if (!values.includes(raw as T)) throw XrError.invalid(name, `must be one of ${values.join(", ")}`);
  return raw as T;
}

/**
 * 201 for a submission, 200 for an action; a replay says so and repeats the first answer. The case is
 * shaped for this region's staff as every read is (a collaborator's staff act too).
 */
function sendOutcome(res: Response, status: 200 | 201, outcome: CaseOutcome, region: string): void {
  if (outcome.replayed) res.set("Idempotent-Replayed", "true");
  res.status(status).json(answeredCaseToJson(caseFor(outcome.state, region)));
}

/** Builds the express app of one hosted region. */
export function createRestApp(ctx: RegionContext, extras: RestExtras): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // The client's address (the failed-credential limiter) and scheme (the Secure cookie, the origin check)
  // come from X-Forwarded-* only through the proxies the operator names.
  app.set(
    "trust proxy",
    typeof extras.trustProxy === "object" ? [...extras.trustProxy] : (extras.trustProxy ?? false),
  );
  app.use(traceScope.open);
  for (const m of extras.before) app.use(m);
  const today = () => cstDate(ctx.clock.now());
  app.use(
    helmet({
      // Everything the window page loads comes from this gateway (no CDN, works offline): the browser
      // refuses anything else. The same policy, and only it, covers the API's answers.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", "data:"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  app.use(cookieParser());
  const limiter = new CredentialLimiter();
  extras.closing.addEventListener("abort", () => limiter.close(), { once: true });
  const auth: AuthSettings = {
    staff: extras.staff,
    region: ctx.region,
    today,
    now: () => ctx.clock.now(),
    sessions: extras.sessions,
    limiter,
  };
  app.use("/api/v1", sessionRouter(auth));
  app.get("/api/v1/openapi.json", (_req, res) => {
    res.json(openApiDocument(ctx.region));
  });
  // The applicant's routes (issue 18): their own sessions, before (and apart from) the staff authentication.
  app.use(
    "/api/v1/apply",
    applyRouter(ctx, {
      verifier: extras.identity?.verifier,
      authorizeUrl: extras.identity?.authorizeUrl,
      sessions: extras.applicantSessions,
      limiter,
    }),
  );
  app.use("/api/v1", authenticate(auth));
  const api = express.Router();
  // Before the JSON parser: the upload streams to disk as it arrives.
  api.post("/materials", async (req, res) => {
    authorize(res, "upload");
    requireMediaType(req, SCAN_TYPES);
    const stored = await uploadMaterial(ctx, req, req.get("Content-Type") ?? "");
    res.status(201).json({ ...stored, sizeBytes: String(stored.sizeBytes) });
  });
  api.use(jsonBody.parse);
  api.use(traceScope.resume);
  api.use(jsonBody.depth);

  api.get("/regions", (_req, res) => {
    res.json({ regions: listRegions(ctx) });
  });
  api.get("/regions/:code/matters", async (req, res) => {
    const page = await listAgreedMatters(ctx, {
      regionCode: String(req.params.code),
      q: queryString(req, "q"),
      mode: oneOf(req, "mode", Object.values(HandlingMode)),
      pageSize: queryInt(req, "pageSize", 50, 500) || 50,
      pageToken: queryString(req, "pageToken"),
    });
    // allowedModes: what this region's windows may file each matter in under the agreements (issue 16).
    res.json({
      ...page,
      matters: page.matters.map((m) => ({ ...matterToJson(m.matter), allowedModes: [...m.allowedModes] })),
    });
  });
  api.post("/cases", async (req, res) => {
    authorize(res, "submit");
    requireMediaType(req, JSON_TYPES);
    const m = meta(req, res);
    sendOutcome(res, 201, await submitCase(ctx, parseRequest(submitCaseSchema, req.body), m), ctx.region);
  });
  api.get("/cases", async (req, res) => {
    const region = queryString(req, "region");
    if (region) {
      const issue = checkRegionCode(region);
      if (issue) throw XrError.invalid("region", issue);
    }
    const overdue = oneOf(req, "overdue", ["true", "false"] as const);
    const cases = await listCases(ctx, {
      status: oneOf(req, "status", Object.values(CaseStatus)),
      region,
      overdue: overdue === "true",
      receiptNo: queryString(req, "receiptNo") || undefined,
      limit: queryInt(req, "limit", 100, 500),
      offset: queryInt(req, "offset", 0, 1_000_000),
    });
    const t = today();
    res.json({ cases: cases.map((c) => caseToJson(c, t)) });
  });
  api.get("/cases/:id", async (req, res) => {
    res.json(caseToJson(await readCase(ctx, String(req.params.id)), today()));
  });
  api.get("/cases/:id/events", async (req, res) => {
    const t = today();
    res.json({ events: (await listCaseEvents(ctx, String(req.params.id))).map((e) => eventToJson(e, t)) });
  });
  api.get("/cases/:id/materials/:sha256", async (req, res) => {
    authorize(res, "read");
    const who = res.locals.staff as StaffMember;
    const opened = await openMaterial(
      ctx,
      extras.openings,
      String(req.params.id),
      String(req.params.sha256),
      who,
      req.get("Range") ?? "",
    );
    await sendMaterial(res, opened);
  });
  api.get("/cases/:id/material-openings", async (req, res) => {
    authorize(res, "audit");
    res.json({ openings: await listOpenings(ctx, extras.openings, String(req.params.id)) });
  });
  // The steps of the case for the signed-in staff member: allowed, or why not (issue 16: the page offers a
  // form only where the gateway would take the step, and says why elsewhere, in the answer's language).
  api.get("/cases/:id/actions", async (req, res) => {
    const who = res.locals.staff as StaffMember;
    const lang = answerLanguage(req);
    const names = (code: string) => ctx.federation.regions.get(code)?.name;
    const steps = await listCaseSteps(ctx, String(req.params.id), who.role);
    res.json({
      steps: steps.map((s) =>
        s.reason === undefined ? s : { ...s, message: lang === "en" ? s.reason : zhIssue(s.reason, names) },
      ),
    });
  });
  api.get("/cases/:id/collaboration", async (req, res) => {
    const settings = extras.collaboration ?? { takeUpMs: Number.POSITIVE_INFINITY, breakers: () => ({}) };
    res.json(await caseCollaboration(ctx, String(req.params.id), settings));
  });
  api.post("/cases/:id/actions", async (req, res) => {
    requireMediaType(req, JSON_TYPES);
    const m = meta(req, res);
    const action = parseRequest(caseActionSchema, req.body);
    authorize(res, `act:${action.type}`);
    sendOutcome(res, 200, await actOnCase(ctx, String(req.params.id), action, m), ctx.region);
  });
  // The supervision figures (issue 17, 统计/效能监督): managers (and admins) only; CSV for Excel on request.
  api.get("/stats", async (req, res) => {
    authorize(res, "stats");
    const report = await caseStats(ctx, parseRequest(statsQuerySchema, { ...req.query }));
    if (req.query.format !== "csv") {
      res.json(report);
      return;
    }
    res.attachment(`stats-${report.region}-${report.groupBy}-${report.from}-${report.to}.csv`);
    res.type("text/csv; charset=utf-8").send(statsCsv(report));
  });
  api.use((req) => {
    throw new XrError(ErrorCode.NOT_FOUND, `no such endpoint: ${req.method} /api/v1${req.path}`);
  });

  app.use(webRouter(ctx, extras.closing)); // the window page and its event streams
  app.use("/api/v1", api);
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok", region: ctx.region });
  });
  app.get("/readyz", async (_req, res) => {
    const report = await extras.readiness();
    res.status(report.ready ? 200 : 503).json({ region: ctx.region, ...report });
  });
  app.get("/metrics", async (_req, res) => {
    res.type(extras.metrics.contentType).send(await extras.metrics.metrics());
  });
  app.use((req) => {
    throw new XrError(ErrorCode.NOT_FOUND, `no such endpoint: ${req.method} ${req.path}`);
  });
  app.use(errorHandler(ctx.log, (code) => ctx.federation.regions.get(code)?.name));
  return app;
}
