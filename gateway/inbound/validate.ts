/**
 * Checks of what a partner sent beyond its encoding: a submitted case must be
 * the case the envelope names, come from its intake region, include this
 * region, and carry the parts every later step reads.
 */
import type { Envelope } from "../codec/envelope.js";
import { caseParties } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";

/** Throws INVALID_ARGUMENT (origin remote) when the envelope is not acceptable here. */
export function checkEnvelope(env: Envelope, region: string): void {
  const bad = (issue: string) =>
    new XrError(ErrorCode.INVALID_ARGUMENT, `event ${env.eventId} from ${env.sourceRegion}: ${issue}`, {
      origin: "remote",
    });
  if (env.targetRegion !== region) throw bad(`addressed to ${env.targetRegion}, received by ${region}`);
  if (env.sourceRegion === region) throw bad("claims to come from this region");
  if (env.payload.type !== "CaseSubmitted") return;
  const c = env.payload.case;
  // The envelope's ids were checked for shape when decoded; the case's own id was not, so it is not named.
  if (c.caseId !== env.caseId) throw bad(`carries another case than the envelope's ${env.caseId}`);
  if (c.intakeRegion !== env.sourceRegion) throw bad("a case is submitted by its intake region only");
  if (!caseParties(c).includes(region)) throw bad(`${region} is not a party to the case`);
  if (!c.applicant || !("person" in c.applicant || "organization" in c.applicant))
    throw bad("case has no applicant");
  if (!c.delivery?.method) throw bad("case has no delivery method");
  if (!c.matterCode || !c.mode || !c.handlingRegion)
    throw bad("case lacks matterCode, mode or handlingRegion");
}
