/** The applicant's paths of the OpenAPI document (issue 18, transports/rest/apply.ts). */
import { RATING_LEVELS } from "../../domain/rating.js";

const json = (description: string) => ({
  description,
  content: { "application/json": { schema: { type: "object" } } },
});
const error = json("Error (the same body as every error answer)");
const errors = { "400": error, "401": error, "403": error, "404": error, "415": error, "503": error };
const caseId = { name: "id", in: "path", required: true, schema: { type: "string" } };
const signedIn =
  "Signed in by the applicant session cookie (xr_applicant); a state change must come from this gateway's origin.";

/** `/api/v1/apply/…`: applicants signed in with an ID token of the province's identity platform. */
export function applicantPaths(): Record<string, unknown> {
  return {
    "/api/v1/apply/config": {
      get: {
        summary: "Whether applicants sign in here, and where (authorizeUrl)",
        responses: { "200": json("ApplyConfig") },
      },
    },
    "/api/v1/apply/session": {
      post: {
        summary:
          "Sign in: { idToken } (an OpenID Connect ID token) → an applicant session in an HttpOnly cookie",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { type: "object", required: ["idToken"], properties: { idToken: { type: "string" } } },
            },
          },
        },
        responses: { "200": json("The identity, numbers masked"), ...errors },
      },
      get: { summary: `Who is signed in. ${signedIn}`, responses: { "200": json("Identity"), ...errors } },
      delete: { summary: "Sign out", responses: { "204": { description: "Signed out" } } },
    },
    "/api/v1/apply/regions": {
      get: {
        summary: `Regions the applicant may apply to. ${signedIn}`,
        responses: { "200": json("{ regions }"), ...errors },
      },
    },
    "/api/v1/apply/regions/{code}/matters": {
      get: {
        summary: `Matters the agreements allow FULL_ONLINE from this region, for this kind of applicant. ${signedIn}`,
        parameters: [
          { name: "code", in: "path", required: true, schema: { type: "string" } },
          { name: "q", in: "query", schema: { type: "string" } },
        ],
        responses: { "200": json("ListMattersResponse"), ...errors },
      },
    },
    "/api/v1/apply/materials": {
      post: {
        summary: `Upload a scan (as POST /api/v1/materials). ${signedIn}`,
        responses: { "201": json("StoredMaterial"), ...errors },
      },
    },
    "/api/v1/apply/cases": {
      post: {
        summary:
          "Apply FULL_ONLINE: { handlingRegion, matterCode, materials, mobile, delivery }; the applicant, mode and " +
          `intake region are set from the sign-in and this gateway (refused in the body). ${signedIn}`,
        parameters: [{ name: "Idempotency-Key", in: "header", schema: { type: "string", maxLength: 200 } }],
        responses: { "201": json("Case"), ...errors },
      },
      get: {
        summary: `The signed-in applicant's cases. ${signedIn}`,
        responses: { "200": json("{ cases: Case[] }"), ...errors },
      },
    },
    "/api/v1/apply/cases/{id}": {
      get: {
        summary: `One of the applicant's cases (another's: 404). ${signedIn}`,
        parameters: [caseId],
        responses: { "200": json("Case"), ...errors },
      },
    },
    "/api/v1/apply/cases/{id}/events": {
      get: {
        summary: `Its timeline. ${signedIn}`,
        parameters: [caseId],
        responses: { "200": json("ListCaseEventsResponse"), ...errors },
      },
    },
    "/api/v1/apply/rating-options": {
      get: {
        summary: `好差评: the five levels (with their zh-CN names) and the configured tags. ${signedIn}`,
        responses: { "200": json("{ levels: { level, label }[], tags: string[] }"), ...errors },
      },
    },
    "/api/v1/apply/cases/{id}/rating": {
      post: {
        summary:
          "好差评, once per case, after delivery or a refusal: { level, tags, text }; a 不满意 or 非常不满意 " +
          `rating opens a 整改 task at the handling region (answer shown in the case's rating). ${signedIn}`,
        parameters: [caseId, { name: "Idempotency-Key", in: "header", schema: { type: "string" } }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                additionalProperties: false,
                required: ["level"],
                properties: {
                  level: { type: "string", enum: [...RATING_LEVELS] },
                  tags: { type: "array", maxItems: 10, items: { type: "string", maxLength: 20 } },
                  text: { type: "string", maxLength: 500 },
                },
              },
            },
          },
        },
        responses: { "200": json("Case"), "409": error, ...errors },
      },
    },
    "/api/v1/apply/cases/{id}/actions": {
      post: {
        summary: `supplement, withdraw or correct-delivery (CaseAction). ${signedIn}`,
        parameters: [caseId, { name: "Idempotency-Key", in: "header", schema: { type: "string" } }],
        responses: { "200": json("Case"), ...errors },
      },
    },
  };
}
