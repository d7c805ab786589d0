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

/** Returns the handling region's matter, or throws naming every offending field. */
export function checkSubmission(req: SubmitCaseRequest, fed: Federation, hostRegion: string): Matter {
  const problems: ErrorDetail[] = [];
  const add = (path: string, issue: string) => problems.push({ path, issue });

  if (!fed.regions.has(req.intakeRegion)) add("intakeRegion", `unknown region ${req.intakeRegion}`);
  else if (req.intakeRegion !== hostRegion) {
    add("intakeRegion", `this gateway takes cases for intake region ${hostRegion}, not ${req.intakeRegion}`);
  }
  const catalog = fed.catalogs.get(req.handlingRegion);
  if (!fed.regions.has(req.handlingRegion) || !catalog)
    add("handlingRegion", `unknown region ${req.handlingRegion}`);
  const matter = catalog?.byCode.get(req.matterCode);
  if (catalog && !matter) add("matterCode", `region ${req.handlingRegion} has no matter ${req.matterCode}`);
  if (problems.length > 0) fail(ErrorCode.INVALID_ARGUMENT, problems);
  if (!matter) throw new XrError(ErrorCode.INTERNAL, "unreachable: matter checked above");

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
  const kind = "person" in req.applicant ? "PERSON" : "ORGANIZATION";
  if (matter.applicant !== "ANY" && matter.applicant !== kind) {
    add(
      "applicant",
      `matter ${matter.code} is for ${matter.applicant === "PERSON" ? "a person" : "an organization"}`,
    );
  }
  const known = new Map(matter.materials.map((m) => [m.materialCode, m]));
  req.materials.forEach((m, i) => {
    if (!known.has(m.materialCode)) {
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

  const agreement = agreementBetween(fed, req.intakeRegion, req.handlingRegion);
  const agreedModes = agreement?.matters.get(matter.code);
  if (req.intakeRegion !== req.handlingRegion) {
    if (!agreedModes) {
      fail(ErrorCode.PERMISSION_DENIED, [
        {
          path: "matterCode",
          issue: `matter ${matter.code} is not in the cooperation agreement ${req.intakeRegion} → ${req.handlingRegion}`,
        },
      ]);
    }
    if (!agreedModes.has(req.mode)) {
      fail(ErrorCode.PERMISSION_DENIED, [
        {
          path: "mode",
          issue: `the agreement allows ${[...agreedModes].join(", ")} for ${matter.code}, not ${req.mode}`,
        },
      ]);
    }
  }
  // Every other collaborating region must have agreed to share this matter with the lead region;
  // the intake region is covered by the agreement checked above.
  req.collaboratingRegions.forEach((region, i) => {
    if (region === req.intakeRegion) return;
    const agreed = [
      agreementBetween(fed, req.handlingRegion, region),
      agreementBetween(fed, region, req.handlingRegion),
    ];
    if (!agreed.some((a) => a?.matters.get(matter.code)?.has(HandlingMode.MULTI_REGION))) {
      fail(ErrorCode.PERMISSION_DENIED, [
        {
          path: `collaboratingRegions[${i}]`,
          issue: `no agreement between ${req.handlingRegion} and ${region} covers ${matter.code} as MULTI_REGION`,
        },
      ]);
    }
  });
  return matter;
}
