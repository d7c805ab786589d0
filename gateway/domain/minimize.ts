/**
 * Data minimisation (docs/security.md): what each
 * party of a case receives of the applicant. The intake and handling regions
 * get the whole case (the handling region decides and may mail the result);
 * a collaborating region doing one part of a MULTI_REGION case gets who the
 * applicant is, but not how to reach them or where the result goes.
 */
import type { CaseState } from "./case.js";
import type { EventPayload } from "./events.js";

/** The case as `target` may see it. */
export function caseFor(c: CaseState, target: string): CaseState {
  if (target === c.intakeRegion || target === c.handlingRegion) return c;
  const applicant = "person" in c.applicant ? { person: { ...c.applicant.person, mobile: "" } } : c.applicant;
  const delivery = { ...c.delivery, recipient: "", mobile: "", address: "", postalCode: "" };
  return { ...c, applicant, delivery };
}

/** The payload of an event as `target` may receive it. */
export function payloadFor(payload: EventPayload, target: string): EventPayload {
  if (payload.type !== "CaseSubmitted") return payload;
  return { ...payload, case: caseFor(payload.case, target) };
}
