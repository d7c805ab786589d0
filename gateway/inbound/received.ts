/**
 * What arrived on the inbox, decoded once: the record, its envelope, and why
 * it must be refused when it fails the checks that need no ledger (its
 * encoding, its address, the case it carries, its signature). Every step of
 * the pipeline works on this value.
 */
import { decodeEnvelope, type Envelope } from "../codec/envelope.js";
import { unseal } from "../codec/sealed.js";
import { caseParties } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { BusMessage } from "../ports/bus.js";
import type { RefusalKind, RegionContext } from "../usecases/context.js";

/** What became of a received record. */
export type ReceiveOutcome = "applied" | "duplicate" | "parked" | "dead-lettered";

/** A record as received (from the bus, or back from the parking table). */
interface Arrived extends BusMessage {
  readonly partition?: number;
  readonly offset?: number;
}

/** A record whose envelope passed the checks that need no ledger. */
export interface Accepted extends Arrived {
  readonly env: Envelope;
  readonly refusal?: undefined;
}

/** A record to refuse, with its envelope when it decoded. */
export interface Refused extends Arrived {
  readonly env?: Envelope;
  readonly refusal: { readonly kind: RefusalKind; readonly reason: string };
}

/** A decoded record: {@link Accepted} or {@link Refused}. */
export type Received = Accepted | Refused;

/** Decodes `record` and checks what can be checked without the ledger. */
export function decodeRecord(ctx: RegionContext, record: Arrived): Received {
  let env: Envelope | undefined;
  try {
    env = decodeEnvelope(record.value);
    checkEnvelope(env, ctx.region);
  } catch (err) {
    return {
      ...record,
      ...(env && { env }),
      refusal: { kind: "invalid", reason: XrError.from(err).message },
    };
  }
  const sealed = unseal(record.value);
  const forged = sealed
    ? ctx.verifier.verify(env.sourceRegion, env.keyId, sealed.unsigned, sealed.signature, ctx.clock.now())
    : "it is not signed";
  if (!forged) return { ...record, env };
  return {
    ...record,
    env,
    refusal: { kind: "signature", reason: `event ${env.eventId} from ${env.sourceRegion}: ${forged}` },
  };
}

/**
 * Throws INVALID_ARGUMENT (origin remote) when the envelope is not acceptable
 * here: a submitted case must be the case the envelope names, come from its
 * intake region, include this region, and carry the parts every later step reads.
 */
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
