/**
 * Semantic checks of a remote-intake submission against the federation:
 * regions, the handling region's catalog, the cooperation agreement, modes,
 * applicant kind, required materials and delivery. Shape checks (types,
 * lengths, check characters) happened before, in contract/requests.ts.
 */
import { type Applicant, type Delivery, HandlingMode, type Material } from "./case.js";
import { ErrorCode, type ErrorDetail, XrError } from "./errors.js";
import { agreementBetween, type Federation, type Matter } from "./matter.js";

/** `xr.v1.SubmitCaseRequest` after shape validation. */
export interface SubmitCaseRequest {
  readonly mode: HandlingMode;
  readonly matterCode: string;
  readonly intakeRegion: string;
  readonly handlingRegion: string;
  readonly applicant: Applicant;
  readonly materials: readonly Material[];
  readonly delivery: Delivery;
  readonly collaboratingRegions: readonly string[];
}

function fail(code: (typeof ErrorCode)[keyof typeof ErrorCode], details: ErrorDetail[]): never {
  const message = details.map((d) => `${d.path}: ${d.issue}`).join("; ");
  throw new XrError(code, message, { details });
}

/**
 * The handling region's matter as the gateway holds it: `held` is false when
 * it holds no catalog of that region, `matter` the matter of `matterCode`.
 */
export interface HandlingMatter {
  readonly held: boolean;
  readonly matter: Matter | undefined;
}

/**
 * A federation member whose catalog this gateway has not received yet (its
 * partner sync could not reach it so far): worth trying again shortly.
 */
export function catalogNotReceived(region: string, path: string): XrError {
  return new XrError(ErrorCode.UNAVAILABLE, `the catalog of region ${region} has not been received yet`, {
    details: [{ path, issue: `catalog of ${region} not received yet; try again shortly` }],
  });
}

/** Returns the handling region's matter, or throws naming every offending field. */
export function checkSubmission(
  req: SubmitCaseRequest,
  fed: Federation,
  hostRegion: string,
  handling: HandlingMatter,
): Matter {
  const problems: ErrorDetail[] = [];
  const add = (path: string, issue: string) => problems.push({ path, issue });

  if (!fed.regions.has(req.intakeRegion)) add("intakeRegion", `unknown region ${req.intakeRegion}`);
  else if (req.intakeRegion !== hostRegion) {
    add("intakeRegion", `this gateway takes cases for intake region ${hostRegion}, not ${req.intakeRegion}`);
  }
  const member = fed.regions.has(req.handlingRegion);
  if (member && !handling.held) {
    // A gateway holds only its partners' catalogs: a region outside the agreements is refused as such.
    const refused = agreementIssues(fed, req);
    if (refused.length > 0) fail(ErrorCode.PERMISSION_DENIED, refused.slice(0, 1));
    throw catalogNotReceived(req.handlingRegion, "handlingRegion");
  }
  const known = member && handling.held;
  if (!known) add("handlingRegion", `unknown region ${req.handlingRegion}`);
  const matter = handling.matter?.code === req.matterCode ? handling.matter : undefined;
  if (known && !matter) add("matterCode", `region ${req.handlingRegion} has no matter ${req.matterCode}`);
  // Without the matter, a problem was named above.
  if (problems.length > 0 || !matter) fail(ErrorCode.INVALID_ARGUMENT, problems);

  if (!matter.modes.includes(req.mode)) {
    add("mode", `matter ${matter.code} allows ${matter.modes.join(", ")}, not ${req.mode}`);
  }
  if (req.mode === HandlingMode.REMOTE_INTAKE && req.intakeRegion === req.handlingRegion) {
    add("handlingRegion", "REMOTE_INTAKE needs a handling region other than the intake region");
  }
  if (req.mode === HandlingMode.MULTI_REGION) {
    if (req.collaboratingRegions.length === 0) add("collaboratingRegions", "MULTI_REGION needs at least one");
    req.collaboratingRegions.forEach((r, i) => {
      if (!fed.regions.has(r)) add(`collaboratingRegions[${i}]`, `unknown region ${r}`);
      else if (r === req.handlingRegion)
        add(`collaboratingRegions[${i}]`, "the handling region leads; list others");
    });
  } else if (req.collaboratingRegions.length > 0) {
    add("collaboratingRegions", "only MULTI_REGION cases have collaborating regions");
  }
  if (problems.length > 0) fail(ErrorCode.INVALID_ARGUMENT, problems);
  // Matter, mode and agreement before the applicant and the materials: a window learns that a case is
  // outside the agreement before anyone scans a page for it (issue 16).
  const refused = agreementIssues(fed, { ...req, matterCode: matter.code });
  if (refused.length > 0) fail(ErrorCode.PERMISSION_DENIED, refused.slice(0, 1));

  const kind = "person" in req.applicant ? "PERSON" : "ORGANIZATION";
  if (matter.applicant !== "ANY" && matter.applicant !== kind) {
    add(
      "applicant",
      `matter ${matter.code} is for ${matter.applicant === "PERSON" ? "a person" : "an organization"}`,
    );
  }
  const asked = new Map(matter.materials.map((m) => [m.materialCode, m]));
  req.materials.forEach((m, i) => {
    if (!asked.has(m.materialCode)) {
      add(
        `materials[${i}].materialCode`,
        `matter ${matter.code} does not ask for material ${m.materialCode}`,
      );
    }
  });
  const given = new Set(req.materials.map((m) => m.materialCode));
  for (const m of matter.materials) {
    if (m.required && !given.has(m.materialCode))
      add("materials", `required material ${m.materialCode} (${m.name}) is missing`);
  }
  if (req.delivery.method === "MAIL") {
    for (const f of ["recipient", "mobile", "address", "postalCode"] as const) {
      if (req.delivery[f] === "") add(`delivery.${f}`, "is required for mail delivery");
    }
  }
  if (problems.length > 0) fail(ErrorCode.INVALID_ARGUMENT, problems);
  return matter;
}

/** What the cooperation agreements must cover for a case. */
export type AgreedCase = Pick<
  SubmitCaseRequest,
  "intakeRegion" | "handlingRegion" | "matterCode" | "mode" | "collaboratingRegions"
>;

/**
 * Where the federation's cooperation agreements do not cover a case (its
 * matter and mode from intake to handling region, and every collaborating
 * region with the lead as MULTI_REGION); empty when they do. Checked when a
 * case is submitted, and again whenever an event of it is sent or received,
 * since agreements can change while cases are open.
 */
export function agreementIssues(fed: Federation, c: AgreedCase): ErrorDetail[] {
  const issues: ErrorDetail[] = [];
  if (c.intakeRegion !== c.handlingRegion) {
    const agreedModes = agreementBetween(fed, c.intakeRegion, c.handlingRegion)?.matters.get(c.matterCode);
    if (!agreedModes) {
      issues.push({
        path: "matterCode",
        issue: `matter ${c.matterCode} is not in the cooperation agreement ${c.intakeRegion} → ${c.handlingRegion}`,
      });
    } else if (!agreedModes.has(c.mode)) {
      issues.push({
        path: "mode",
        issue: `the agreement allows ${[...agreedModes].join(", ")} for ${c.matterCode}, not ${c.mode}`,
      });
    }
  }
  // Every other collaborating region must have agreed to share this matter with the lead region;
  // the intake region is covered by the agreement checked above.
  c.collaboratingRegions.forEach((region, i) => {
    if (region === c.intakeRegion) return;
    const agreed = [
      agreementBetween(fed, c.handlingRegion, region),
      agreementBetween(fed, region, c.handlingRegion),
    ];
    if (!agreed.some((a) => a?.matters.get(c.matterCode)?.has(HandlingMode.MULTI_REGION))) {
      issues.push({
        path: `collaboratingRegions[${i}]`,
        issue: `no agreement between ${c.handlingRegion} and ${region} covers ${c.matterCode} as MULTI_REGION`,
      });
    }
  });
  return issues;
}
