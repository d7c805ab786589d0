/**
 * One attempt at a received event: applied exactly once and in per-source
 * order. Duplicates are skipped. An event that arrives before its
 * predecessor, or before the state it needs when several regions send about
 * one case, is parked until it can apply (and dead-lettered by the sweep in
 * parking.ts if it never does). What can never apply goes to the region's
 * dead-letter topic with the reason. A retriable failure is thrown, to the
 * pipeline's retry policy (pipeline.ts).
 */
import { FINAL_STATUSES } from "../domain/case.js";
import { XrError } from "../domain/errors.js";
import { RECORDED_WHEN_CLOSED } from "../domain/lifecycle.js";
import { agreementIssues } from "../domain/submission.js";
import type { RegionContext } from "../usecases/context.js";
import { applyOne, dispose } from "./apply.js";
import { deadLetter, giveUp, refuse } from "./dead-letter.js";
import { drainParked, park } from "./parking.js";
import type { Received, ReceiveOutcome } from "./received.js";

/** Receives a decoded record once; throws only what may succeed on another try. */
export async function receiveOnce(ctx: RegionContext, msg: Received): Promise<ReceiveOutcome> {
  if (msg.refusal) return refuse(ctx, msg, msg.refusal.kind, msg.refusal.reason);
  const { env } = msg;
  const from = `event ${env.eventId} from ${env.sourceRegion}`;
  // The agreements must cover the case as sent, or as held here (else it is parked and checked with its case).
  const c = env.payload.type === "CaseSubmitted" ? env.payload.case : await ctx.store.getCase(env.caseId);
  const uncovered = c ? agreementIssues(ctx.federation, c) : [];
  if (uncovered.length > 0)
    return refuse(ctx, msg, "agreement", `${from}: ${uncovered.map((d) => d.issue).join("; ")}`);
  const seen = await ctx.store.appliedDigest(env.eventId);
  if (seen !== undefined) {
    if (seen !== "" && seen !== env.digest)
      return refuse(ctx, msg, "replay", `${from} was received before with other content`);
    // A crash after the apply but before its drain finished leaves successors parked: drain again.
    await drainParked(ctx, env.caseId);
    return "duplicate";
  }
  const applied = await ctx.store.appliedSequence(env.caseId, env.sourceRegion);
  if (env.sequence <= applied) {
    return deadLetter(
      ctx,
      msg,
      `sequence ${env.sequence} from ${env.sourceRegion} is taken by another event`,
    );
  }
  if (env.sequence > applied + 1) {
    const current = await ctx.store.getCase(env.caseId);
    if (current && FINAL_STATUSES.has(current.status) && !RECORDED_WHEN_CLOSED.has(env.payload.type)) {
      return deadLetter(ctx, msg, `case ${env.caseId} is closed (${current.status})`);
    }
    return park(ctx, msg, `waiting for sequence ${applied + 1} from ${env.sourceRegion}`);
  }
  let outcome: ReceiveOutcome = "applied";
  try {
    await applyOne(ctx, env);
  } catch (err) {
    const reason = XrError.from(err).message;
    if ((await dispose(ctx, env, err)) === "park") return park(ctx, msg, reason);
    outcome = await giveUp(ctx, msg, reason);
  }
  await drainParked(ctx, env.caseId);
  return outcome;
}
