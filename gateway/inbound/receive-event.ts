/**
 * The inbox: applies events that partner regions sent to this region, each
 * exactly once and in per-source order. Duplicates are skipped. An event
 * that arrives before its predecessor, or before the state it needs when
 * several regions send about one case, is parked until it can apply (and
 * dead-lettered by the sweep in parking.ts if it never does). What can never
 * apply goes to the region's dead-letter topic with the reason, and the
 * partition moves on; only a retriable failure (the ledger is unavailable)
 * makes the bus deliver the record again.
 */
import { decodeEnvelope, type Envelope } from "../codec/envelope.js";
import { unseal } from "../codec/sealed.js";
import { FINAL_STATUSES } from "../domain/case.js";
import { XrError } from "../domain/errors.js";
import { agreementIssues } from "../domain/submission.js";
import type { BusRecord } from "../ports/bus.js";
import type { RegionContext } from "../usecases/context.js";
import { applyOne, dispose } from "./apply.js";
import { deadLetter, deadLetterInTurn, refuse } from "./dead-letter.js";
import { drainParked, park } from "./parking.js";
import { checkEnvelope } from "./validate.js";

/** Why the envelope's signature is not acceptable, or undefined when it is. */
function signatureProblem(ctx: RegionContext, value: Uint8Array, env: Envelope): string | undefined {
  const sealed = unseal(value);
  if (!sealed) return "it is not signed";
  return ctx.verifier.verify(env.sourceRegion, env.keyId, sealed.unsigned, sealed.signature, ctx.clock.now());
}

/** Why the cooperation agreements do not cover the envelope's case (as sent, or as held here). */
async function agreementProblem(ctx: RegionContext, env: Envelope): Promise<string | undefined> {
  const c = env.payload.type === "CaseSubmitted" ? env.payload.case : await ctx.store.getCase(env.caseId);
  if (!c) return undefined; // parked until its case arrives, and checked with it
  const issues = agreementIssues(ctx.federation, c);
  return issues.length > 0 ? issues.map((d) => d.issue).join("; ") : undefined;
}

/** What became of a received record. */
export type ReceiveOutcome = "applied" | "duplicate" | "parked" | "dead-lettered";

/** Bus handler of a region's inbox topics. Rejects only for retriable failures. */
export async function receiveRecord(ctx: RegionContext, record: BusRecord): Promise<ReceiveOutcome> {
  let env: Envelope;
  try {
    env = decodeEnvelope(record.value);
    checkEnvelope(env, ctx.region);
  } catch (err) {
    await refuse(ctx, record, "invalid", XrError.from(err).message);
    return "dead-lettered";
  }
  const forged = signatureProblem(ctx, record.value, env);
  if (forged) {
    await refuse(
      ctx,
      record,
      "signature",
      `event ${env.eventId} from ${env.sourceRegion}: ${forged}`,
      env.caseId,
    );
    return "dead-lettered";
  }
  const uncovered = await agreementProblem(ctx, env);
  if (uncovered) {
    await refuse(
      ctx,
      record,
      "agreement",
      `event ${env.eventId} from ${env.sourceRegion}: ${uncovered}`,
      env.caseId,
    );
    return "dead-lettered";
  }
  const seen = await ctx.store.appliedDigest(env.eventId);
  if (seen !== undefined) {
    if (seen !== "" && seen !== env.digest) {
      const reason = `event ${env.eventId} from ${env.sourceRegion} was received before with other content`;
      await refuse(ctx, record, "replay", reason, env.caseId);
      return "dead-lettered";
    }
    // A crash after the apply but before its drain finished leaves successors parked: drain again.
    await drainParked(ctx, env.caseId);
    return "duplicate";
  }
  const applied = await ctx.store.appliedSequence(env.caseId, env.sourceRegion);
  if (env.sequence <= applied) {
    const reason = `sequence ${env.sequence} from ${env.sourceRegion} is taken by another event`;
    await deadLetter(ctx, record, reason, env.caseId);
    return "dead-lettered";
  }
  if (env.sequence > applied + 1) {
    const current = await ctx.store.getCase(env.caseId);
    if (current && FINAL_STATUSES.has(current.status)) {
      await deadLetter(ctx, record, `case ${env.caseId} is closed (${current.status})`, env.caseId);
      return "dead-lettered";
    }
    return park(ctx, env, record, `waiting for sequence ${applied + 1} from ${env.sourceRegion}`);
  }
  try {
    await applyOne(ctx, env);
  } catch (err) {
    const what = await dispose(ctx, env, err);
    if (what === "retry") throw err;
    if (what === "park") return park(ctx, env, record, XrError.from(err).message);
    await deadLetterInTurn(ctx, env, record, XrError.from(err).message);
    await drainParked(ctx, env.caseId);
    return "dead-lettered";
  }
  ctx.log.info({ caseId: env.caseId, type: env.payload.type, from: env.sourceRegion }, "event applied");
  await drainParked(ctx, env.caseId);
  return "applied";
}
