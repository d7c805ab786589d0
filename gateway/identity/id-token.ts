/**
 * Checks applicants' OpenID Connect ID tokens (issue 18) with `jose`: the signature against the identity
 * platform's JWKS (fetched and cached by jose, refetched when an unknown key id appears), the issuer, this
 * gateway's audience and the expiry; then the applicant's name and resident ID, or for a 法人 sign-in the
 * unified social credit code, from the configured claims. Every refusal is UNAUTHENTICATED with a detail
 * naming the problem (docs/errors.md, `idToken.*`).
 */
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { IdentityConfig } from "../config/load.js";
import type { ApplicantIdentity } from "../domain/applicant.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import { checkCreditCode, checkResidentId } from "../domain/ids.js";

/** Turns an ID token into the verified identity, or throws UNAUTHENTICATED. */
export type IdTokenVerifier = (idToken: string) => Promise<ApplicantIdentity>;

/** Where a region's tokens come from: the configured platform, or the development provider's address. */
export interface IdTokenSource {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly claims: IdentityConfig["claims"];
}

/** Algorithms accepted: asymmetric only (a shared-secret HS256 token could be minted by anyone holding it). */
const ALGORITHMS = ["RS256", "PS256", "ES256", "ES384", "EdDSA"];

function refused(issue: string): XrError {
  return new XrError(ErrorCode.UNAUTHENTICATED, `ID token refused: ${issue}`, {
    details: [{ path: "idToken", issue }],
  });
}

/** The English issue of a jose failure; the messages catalogue words each in Chinese. */
function issueOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "the ID token has expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return "the ID token is for another audience";
    if (err.claim === "iss") return "the ID token is from another issuer";
    if (err.claim === "nbf" || err.claim === "iat") return "the ID token is not valid yet";
    return `the ID token's ${err.claim} claim is not valid`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey)
    return "the ID token's signature does not verify";
  if (err instanceof errors.JOSEAlgNotAllowed) return "the ID token is not signed with an accepted algorithm";
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return "the identity platform's keys could not be read";
  return "the ID token is malformed";
}

function claim(payload: JWTPayload, name: string): string {
  const v = payload[name];
  return typeof v === "string" ? v.trim() : "";
}

/** The identity the verified claims name: a credit code makes it a 法人 sign-in. */
function identityOf(payload: JWTPayload, claims: IdentityConfig["claims"]): ApplicantIdentity {
  const name = claim(payload, claims.name);
  const creditCode = claim(payload, claims.creditCode);
  if (creditCode) {
    if (checkCreditCode(creditCode)) throw refused("the ID token's credit code is not valid");
    const orgName = claim(payload, claims.organizationName);
    if (!orgName) throw refused("the ID token names no organization");
    return { kind: "organization", name: orgName, creditCode, legalRepresentative: name };
  }
  const idNumber = claim(payload, claims.idNumber).toUpperCase();
  if (!idNumber) throw refused("the ID token names no resident ID or credit code");
  if (checkResidentId(idNumber)) throw refused("the ID token's resident ID is not valid");
  if (!name) throw refused("the ID token names no applicant");
  return { kind: "person", name, idNumber };
}

/** A verifier for one region's tokens; `keys` replaces the remote JWKS (tests of a given key set). */
export function idTokenVerifier(source: IdTokenSource, keys?: JWTVerifyGetKey): IdTokenVerifier {
  const jwks = keys ?? createRemoteJWKSet(new URL(source.jwksUrl), { timeoutDuration: 5_000 });
  return async (idToken) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, jwks, {
        issuer: source.issuer,
        audience: source.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ["exp", "iat", "sub"],
        clockTolerance: 30,
      }));
    } catch (err) {
      throw refused(issueOf(err));
    }
    return identityOf(payload, source.claims);
  };
}
