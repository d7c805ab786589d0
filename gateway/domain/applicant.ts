/**
 * The applicant signed in from the province's unified identity platform (issue 18): who they are as the
 * verified ID token says, and which cases are theirs. No I/O.
 */
import type { Applicant, CaseState, Delivery } from "./case.js";
import type { ApplicantKind } from "./matter.js";

/** A verified identity: a resident (个人) or a company's 法人 sign-in (by its unified social credit code). */
export type ApplicantIdentity =
  | { readonly kind: "person"; readonly name: string; readonly idNumber: string }
  | {
      readonly kind: "organization";
      /** The company's name. */
      readonly name: string;
      readonly creditCode: string;
      /** The person who signed in for it (法定代表人 or 经办人), as the token names them. */
      readonly legalRepresentative: string;
    };

/** Whether the case's applicant is the signed-in identity (the resident ID or credit code decides). */
export function isApplicantOf(identity: ApplicantIdentity, c: Pick<CaseState, "applicant">): boolean {
  const a = c.applicant;
  if (identity.kind === "person") return "person" in a && a.person.idNumber === identity.idNumber;
  return "organization" in a && a.organization.creditCode === identity.creditCode;
}

/** The case's applicant for a signed-in identity: the name and number come from the token, never the body. */
export function applicantFrom(identity: ApplicantIdentity, mobile: string): Applicant {
  if (identity.kind === "person")
    return { person: { name: identity.name, idNumber: identity.idNumber, mobile } };
  return {
    organization: {
      name: identity.name,
      creditCode: identity.creditCode,
      legalRepresentative: identity.legalRepresentative,
    },
  };
}

/** The delivery an applicant chose, with the recipient defaulting to the signed-in name. */
export function applicantDelivery(identity: ApplicantIdentity, d: Delivery): Delivery {
  return { ...d, recipient: d.recipient || identity.name };
}

/** Whether a matter for `kind` applicants can be applied for by the identity (a person's sign-in, or a 法人's). */
export function mayApplyFor(identity: ApplicantIdentity, kind: ApplicantKind): boolean {
  return kind === "ANY" || kind === (identity.kind === "person" ? "PERSON" : "ORGANIZATION");
}
