/**
 * The OpenAPI 3.1 document of the REST API, served at /api/v1/openapi.json.
 * Request schemas come from the same zod schemas that validate requests, so
 * the document cannot drift from what the server accepts.
 */
import { z } from "zod";
import { caseActionSchema, submitCaseSchema } from "../../contract/requests.js";
import { SCAN_TYPES } from "./media-types.js";
import { applicantPaths } from "./openapi-apply.js";

/** The JSON of every error answer (rest/errors.ts). */
const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), issue: z.string() })),
    origin: z.string(),
  }),
});
/** The answer to an upload. */
const storedMaterial = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.string(),
  mediaType: z.string(),
});
const error = {
  description: "Error",
  content: { "application/json": { schema: z.toJSONSchema(errorBody, { io: "input" }) } },
};

const json = (description: string) => ({
  description,
  content: { "application/json": { schema: { type: "object" } } },
});
const errors = {
  "400": error,
  "403": error,
  "404": error,
  "409": error,
  "413": error,
  "415": error,
  "503": error,
};
const caseId = { name: "id", in: "path", required: true, schema: { type: "string" } };

/** Builds the document for one region's gateway. */
export function openApiDocument(region: string): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: `跨域通办 gateway ${region}`,
      version: "1.0.0",
      description: "Bodies use the canonical proto3 JSON mapping of package xr.v1 (protos/xr/v1).",
    },
    paths: {
      "/api/v1/regions": {
        get: { summary: "Federation members", responses: { "200": json("ListRegionsResponse") } },
      },
      "/api/v1/regions/{code}/matters": {
        get: {
          summary:
            "A region's matters in shared terms, each with allowedModes: the modes this region may file it in " +
            "under the cooperation agreements; mode= keeps the matters allowed in that mode",
          parameters: [
            { name: "code", in: "path", required: true, schema: { type: "string" } },
            { name: "q", in: "query", schema: { type: "string" } },
            { name: "mode", in: "query", schema: { enum: ["FULL_ONLINE", "REMOTE_INTAKE", "MULTI_REGION"] } },
            { name: "pageSize", in: "query", schema: { type: "integer", maximum: 500 } },
            { name: "pageToken", in: "query", schema: { type: "string" } },
          ],
          responses: { "200": json("ListMattersResponse"), ...errors },
        },
      },
      "/api/v1/stats": {
        get: {
          summary:
            "统计/效能监督 (issue 17), managers and admins only: per matter or partner region over [from, to] " +
            "(CST dates, default the 30 days to today), received, decided, on time, average working days to " +
            "decide, suspended working days, overdue now, 好差评 (rated: ratings given in the range by the day of " +
            "the rating; satisfactionRate: share of 非常满意/满意/基本满意, null when none; negative: 不满意 + " +
            "非常不满意; rectificationOpen / rectificationOverdue: 整改 not answered now, and of those due before " +
            "today), and the open cases red or yellow; format=csv gives " +
            "the figures as UTF-8 CSV with a BOM for Excel",
          parameters: [
            { name: "from", in: "query", schema: { type: "string", format: "date" } },
            { name: "to", in: "query", schema: { type: "string", format: "date" } },
            { name: "groupBy", in: "query", schema: { enum: ["matter", "region"] } },
            { name: "format", in: "query", schema: { enum: ["json", "csv"] } },
          ],
          responses: {
            "200": {
              description: "StatsReport (usecases/stats.ts), or its CSV",
              content: {
                "application/json": { schema: { type: "object" } },
                "text/csv": { schema: { type: "string" } },
              },
            },
            ...errors,
          },
        },
      },
      "/api/v1/cases": {
        post: {
          summary: "Remote intake: submit a case (SubmitCaseRequest)",
          parameters: [{ name: "Idempotency-Key", in: "header", schema: { type: "string", maxLength: 200 } }],
          requestBody: {
            required: true,
            content: { "application/json": { schema: z.toJSONSchema(submitCaseSchema, { io: "input" }) } },
          },
          responses: { "201": json("Case"), ...errors },
        },
        get: {
          summary: "Cases this region is party to",
          parameters: [
            { name: "status", in: "query", schema: { type: "string" } },
            { name: "region", in: "query", schema: { type: "string" } },
            { name: "overdue", in: "query", schema: { type: "boolean" } },
            {
              name: "receiptNo",
              in: "query",
              description:
                "The 20-character number on the 收件回执 (region, intake date, 6 letters or digits)",
              schema: { type: "string", pattern: "^\\d{14}[0-9A-Za-z]{6}$" },
            },
            { name: "limit", in: "query", schema: { type: "integer", maximum: 500 } },
            { name: "offset", in: "query", schema: { type: "integer" } },
          ],
          responses: { "200": json("{ cases: Case[] }"), ...errors },
        },
      },
      "/api/v1/materials": {
        post: {
          summary:
            "Upload a scanned material; it is stored by its sha256, which a case's materials then name",
          requestBody: {
            required: true,
            description: "The file's bytes, with its media type as Content-Type (at most 100 MiB)",
            content: Object.fromEntries(
              SCAN_TYPES.map((t) => [t, { schema: { type: "string", format: "binary" } }]),
            ),
          },
          responses: {
            "201": {
              description: "Stored (again, for identical bytes)",
              content: { "application/json": { schema: z.toJSONSchema(storedMaterial, { io: "input" }) } },
            },
            ...errors,
          },
        },
      },
      "/api/v1/cases/{id}": { get: { parameters: [caseId], responses: { "200": json("Case"), ...errors } } },
      "/api/v1/cases/{id}/events": {
        get: { parameters: [caseId], responses: { "200": json("ListCaseEventsResponse"), ...errors } },
      },
      "/api/v1/cases/{id}/materials/{sha256}": {
        get: {
          summary:
            "A scanned material of the case, for this region's staff; each opening is recorded. PDF, JPEG " +
            "and PNG are inline, anything else an attachment, named in Chinese (filename*); Range is honoured",
          parameters: [
            caseId,
            {
              name: "sha256",
              in: "path",
              required: true,
              schema: { type: "string", pattern: "^[0-9a-f]{64}$" },
            },
            { name: "Range", in: "header", schema: { type: "string" } },
          ],
          responses: {
            "200": {
              description: "The file",
              content: Object.fromEntries(
                SCAN_TYPES.map((t) => [t, { schema: { type: "string", format: "binary" } }]),
              ),
            },
            "206": { description: "The range asked for" },
            ...errors,
          },
        },
      },
      "/api/v1/cases/{id}/collaboration": {
        get: {
          summary:
            "多地联办: collaborators, their subtasks with states, the open subtasks that block 办结, and (at the lead) stalled subtasks",
          parameters: [caseId],
          responses: {
            "200": json(
              "{ leadRegion, takeUpHours, collaborators: [{ region, breaker, subtasks }], openSubtasks, stalls }",
            ),
            ...errors,
          },
        },
      },
      "/api/v1/cases/{id}/material-openings": {
        get: {
          summary: "Who of this region opened which material of the case, and when (auditors)",
          parameters: [caseId],
          responses: { "200": json("{ openings: MaterialOpening[] }"), ...errors },
        },
      },
      "/api/v1/cases/{id}/actions": {
        get: {
          summary:
            "The steps of the case for the signed-in staff member: { steps: [{ type, subtaskId?, allowed, reason?, message? }] }; " +
            "a step not allowed says why (another role's step, another region's turn, open subtasks); " +
            "steps on one 多地联办 subtask name its subtaskId",
          parameters: [caseId],
          responses: { "200": json("{ steps: CaseStep[] }"), ...errors },
        },
        post: {
          summary: "Act on a case (CaseAction)",
          parameters: [caseId, { name: "Idempotency-Key", in: "header", schema: { type: "string" } }],
          requestBody: {
            required: true,
            content: { "application/json": { schema: z.toJSONSchema(caseActionSchema, { io: "input" }) } },
          },
          responses: { "200": json("Case"), ...errors },
        },
      },
      "/healthz": { get: { responses: { "200": json("alive") } } },
      "/readyz": { get: { responses: { "200": json("ready"), "503": json("not ready") } } },
      "/metrics": { get: { responses: { "200": { description: "Prometheus text format" } } } },
      ...applicantPaths(),
    },
  };
}
