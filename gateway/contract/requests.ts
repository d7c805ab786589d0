/**
 * Shape validation of incoming requests in the proto3 JSON mapping of
 * `xr.v1` (REST bodies today, gRPC messages later): unknown fields refused,
 * lengths bounded, identifiers checked to their check character. Every
 * problem is reported with its lowerCamelCase path.
 */
import { z } from "zod";
import { ACTION_TYPES, type CaseAction } from "../domain/actions.js";
import type { Applicant, Delivery, Material } from "../domain/case.js";
import { SUSPENSION_KINDS } from "../domain/deadline.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import {
  checkCreditCode,
  checkMobile,
  checkPostalCode,
  checkRegionCode,
  checkResidentId,
  checkSha256,
} from "../domain/ids.js";
import { RATING_LEVELS } from "../domain/rating.js";
import type { SubmitCaseRequest } from "../domain/submission.js";
import { checkDepth } from "./depth.js";
import { canonicalProtoJson } from "./proto-json.js";

const checked = (check: (v: string) => string | undefined) =>
  z.string().superRefine((v, ctx) => {
    const issue = check(v);
    if (issue) ctx.addIssue({ code: "custom", message: issue });
  });

/** Whether `v` has a C0 control character or DEL (a plain loop: this runs on every field of every request). */
function hasControl(v: string, allowLineFeed: boolean): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && !(allowLineFeed && c === 0x0a)) || c === 0x7f) return true;
  }
  return false;
}

/**
 * Optional text. Control characters (line breaks included) have no place in names, codes or reasons;
 * `prose` (notes) may span lines, still without other control characters.
 */
const optionalText = (max: number, prose = false) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine(
      (v) => !hasControl(v, prose),
      prose ? "must not contain control characters" : "must not contain control characters or line breaks",
    );
const text = (max: number) => optionalText(max).min(1, "is required");
const prose = (max: number) => optionalText(max, true);
const setByMailAction = z.string().max(0, "is set by the mail action, not at intake").default("");
const regionCode = checked(checkRegionCode);

const person = z.strictObject({
  name: text(50),
  idNumber: checked(checkResidentId),
  mobile: checked(checkMobile),
});
const organization = z.strictObject({
  name: text(100),
  creditCode: checked(checkCreditCode),
  legalRepresentative: text(50),
});

const applicant = z
  .strictObject({ person: person.optional(), organization: organization.optional() })
  .superRefine((a, ctx) => {
    if ((a.person === undefined) === (a.organization === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of person or organization" });
    }
  })
  .transform(
    (a): Applicant =>
      a.person
        ? { person: a.person }
        : { organization: a.organization as NonNullable<typeof a.organization> },
  );

const uint64 = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d{1,15}$/, "must be a non-negative integer")])
  .transform(Number);

/** `xr.v1.Material`. */
export const materialSchema = z
  .strictObject({
    materialCode: text(40),
    name: text(100),
    sha256: checked(checkSha256),
    sizeBytes: uint64.refine((n) => n > 0 && n <= 200 * 1024 * 1024, "must be between 1 byte and 200 MiB"),
    mediaType: text(100).default("application/pdf"),
  })
  .transform((m): Material => m);

const deliveryMethod = z.enum(["MAIL", "WINDOW_PICKUP", "ELECTRONIC"]);

const delivery = z
  .strictObject({
    method: deliveryMethod,
    recipient: optionalText(50).default(""),
    mobile: z.union([z.literal(""), checked(checkMobile)]).default(""),
    address: optionalText(200).default(""),
    postalCode: z.union([z.literal(""), checked(checkPostalCode)]).default(""),
    courier: setByMailAction,
    waybillNo: setByMailAction,
  })
  .transform((d): Delivery => d);

const materials = z
  .array(materialSchema)
  .max(50, "at most 50 materials")
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((m, i) => {
      if (seen.has(m.materialCode)) {
        ctx.addIssue({
          code: "custom",
          path: [i, "materialCode"],
          message: `${m.materialCode} is listed twice`,
        });
      }
      seen.add(m.materialCode);
    });
  });

const regionList = z
  .array(regionCode)
  .max(10)
  .refine((list) => new Set(list).size === list.length, "lists a region twice");

/** `xr.v1.SubmitCaseRequest`. */
export const submitCaseSchema = z
  .strictObject({
    mode: z.enum(["FULL_ONLINE", "REMOTE_INTAKE", "MULTI_REGION"]),
    matterCode: text(40),
    intakeRegion: regionCode,
    handlingRegion: regionCode,
    applicant,
    materials: materials.default([]),
    delivery,
    collaboratingRegions: regionList.default([]),
  })
  .transform((r): SubmitCaseRequest => r);

/** `xr.v1.CaseAction`, the body of `POST /api/v1/cases/{id}/actions`. */
export const caseActionSchema = z
  .strictObject({
    type: z.enum(ACTION_TYPES),
    reason: prose(500).optional(),
    materialCodes: z.array(text(40)).max(50).optional(),
    materials: materials.optional(),
    approved: z.boolean().optional(),
    courier: optionalText(50).optional(),
    waybillNo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{6,30}$/, "must be 6–30 letters, digits or dashes")
      .optional(),
    subtaskId: text(40).optional(),
    region: regionCode.optional(),
    description: optionalText(500).optional(),
    note: prose(2000).optional(),
    author: optionalText(50).optional(),
    suspensionKind: z.enum(SUSPENSION_KINDS).optional(),
    expectedDays: z.number().int().min(1).max(365).optional(),
    delivery: delivery.optional(),
    ratingLevel: z.enum(RATING_LEVELS).optional(),
    ratingTags: z.array(text(20)).max(10).optional(),
  })
  .transform((a): CaseAction => a);

/**
 * The applicant's own 好差评 (`POST /api/v1/apply/cases/{id}/rating`, issue 18): one of the five levels, tags
 * only from `tags` (config `rating.tags`, the `rate` step's options), optional words. Built per region because
 * the tag list is configured.
 */
export function applicantRatingSchema(tags: readonly string[]) {
  const known = new Set(tags);
  const tag = text(20).superRefine((t, c) => {
    if (!known.has(t))
      c.addIssue({ code: "custom", input: t, message: `is not a configured rating tag: ${t}` });
  });
  return z.strictObject({
    level: z.enum(RATING_LEVELS),
    tags: z.array(tag).max(10).default([]),
    text: prose(500).default(""),
  });
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out;
}

/** Parses `input` with `schema`, or throws INVALID_ARGUMENT listing every offending field. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  // Before the recursive walks below: a request from any transport (REST, gRPC) nests boundedly.
  checkDepth(input);
  const result = schema.safeParse(canonicalProtoJson(input), { reportInput: true });
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({ path: pathOf([...issue.path, k]), issue: "unknown field" }));
    }
    const message =
      issue.input !== undefined
        ? issue.message
        : issue.code === "invalid_value"
          ? `is required (${issue.message.replace(/^Invalid option: /, "")})`
          : "is required";
    return [{ path: pathOf(issue.path) || "(body)", issue: message }];
  });
  const message = details.map((d) => `${d.path}: ${d.issue}`).join("; ");
  throw new XrError(ErrorCode.INVALID_ARGUMENT, message, { details });
}
