/**
 * Anchoring the message log with partners (issue 19): this region signs its
 * log's head and hands it to each partner, which countersigns and keeps it;
 * and, as a partner, this region checks, countersigns and keeps the
 * checkpoints others hand in. `xr audit verify` later compares the local
 * chain with what the partners keep (audit/anchors.ts).
 */
import type { Logger } from "pino";
import {
  checkpointShapeIssue,
  checkpointSignatureIssue,
  contradiction,
  countersign,
  countersignedIssue,
  signCheckpoint,
} from "../codec/checkpoint.js";
import type { Checkpoint, SignedCheckpoint } from "../domain/checkpoint.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import { type Federation, partnersOf } from "../domain/matter.js";
import type { Clock } from "../ports/clock.js";
import type { PartnerGateway } from "../ports/partners.js";
import type { EnvelopeSigner, SignatureVerifier } from "../ports/signing.js";
import type { LedgerStore } from "../ports/store.js";

/** What checkpointing needs of a region: its ledger, keys, partners and clock (the `xr` command has them too). */
export interface CheckpointContext {
  readonly region: string;
  readonly federation: Federation;
  readonly store: LedgerStore;
  readonly signer: EnvelopeSigner;
  readonly verifier: SignatureVerifier;
  readonly clock: Clock;
  readonly log: Logger;
}

/** How far ahead of this gateway's clock a checkpoint's time may be (clock skew). */
const MAX_SKEW_MS = 5 * 60_000;
/** The most checkpoints one GetCheckpoints answers with. */
export const MAX_CHECKPOINTS = 100;

/**
 * Checks a partner's checkpoint of its own log, countersigns it and keeps
 * it. The same checkpoint again gets the copy kept; one that contradicts the
 * latest kept (a shorter log, or another hash at the same length) is refused
 * with FAILED_PRECONDITION and an alert: the partner's log was cut or
 * rewritten, or its key signs two histories.
 */
export async function witnessCheckpoint(
  ctx: CheckpointContext,
  caller: string,
  checkpoint: SignedCheckpoint,
): Promise<Checkpoint> {
  if (caller === ctx.region)
    throw new XrError(ErrorCode.PERMISSION_DENIED, "a region's own checkpoints are kept by its partners");
  const shape = checkpointShapeIssue(checkpoint);
  if (shape) throw XrError.invalid(shape.slice(0, shape.indexOf(":")), shape.slice(shape.indexOf(":") + 2));
  if (checkpoint.region !== caller)
    throw new XrError(
      ErrorCode.PERMISSION_DENIED,
      `${caller} may hand in checkpoints of its own log only, not of ${checkpoint.region}'s`,
      { details: [{ path: "region", issue: "not the caller's region" }] },
    );
  const now = ctx.clock.now();
  if (Date.parse(checkpoint.at) > now.getTime() + MAX_SKEW_MS)
    throw XrError.invalid("at", "is in the future");
  const bad = checkpointSignatureIssue(checkpoint, ctx.verifier);
  if (bad) throw XrError.invalid("signature", bad);
  const keep = async (): Promise<Checkpoint> => {
    const [kept] = await ctx.store.checkpoints(caller, ctx.region, 1);
    if (kept && kept.seq === checkpoint.seq && kept.hash === checkpoint.hash) return kept;
    const conflict = contradiction(kept, checkpoint);
    if (conflict) {
      ctx.log.error(
        { alert: "log-checkpoint", partner: caller, kept: kept?.seq, submitted: checkpoint.seq },
        conflict,
      );
      throw new XrError(ErrorCode.FAILED_PRECONDITION, conflict, {
        details: [{ path: "seq", issue: "contradicts a checkpoint kept before" }],
      });
    }
    const signed = countersign(checkpoint, ctx.region, now, ctx.signer);
    if (await ctx.store.keepCheckpoint(signed)) return signed;
    return keep(); // another replica kept one of this length meanwhile: compare with it
  };
  const kept = await keep();
  ctx.log.info({ partner: caller, seq: checkpoint.seq }, "partner's log checkpoint countersigned");
  return kept;
}

/** The latest checkpoints of `caller`'s log kept here, latest first (at most {@link MAX_CHECKPOINTS}). */
export async function heldCheckpoints(
  ctx: CheckpointContext,
  caller: string,
  limit: number,
): Promise<Checkpoint[]> {
  if (caller === ctx.region) return [];
  return ctx.store.checkpoints(caller, ctx.region, Math.min(Math.max(limit, 1), MAX_CHECKPOINTS));
}

/** What became of one partner's copy of a checkpoint. */
export type CheckpointOutcome =
  | { readonly partner: string; readonly checkpoint: Checkpoint }
  | { readonly partner: string; readonly error: string };

/**
 * Signs the log's head and hands it to every partner; keeps each
 * countersigned copy that verifies. With `ifMoved`, nothing is signed when
 * every partner already keeps a checkpoint of the current head (the periodic
 * run on a quiet log); with `only`, just those partners are asked. A partner
 * that cannot take it now is reported, not thrown: the next run tries again.
 */
export async function checkpointNow(
  ctx: CheckpointContext,
  partners: PartnerGateway,
  o: { ifMoved?: boolean; only?: readonly string[] } = {},
): Promise<CheckpointOutcome[]> {
  const head = await ctx.store.logHead();
  const targets = partnersOf(ctx.federation, ctx.region).filter((p) => !o.only || o.only.includes(p));
  let pending = targets;
  if (o.ifMoved) {
    const latest = await Promise.all(targets.map((p) => ctx.store.checkpoints(ctx.region, p, 1)));
    pending = targets.filter((_, i) => latest[i]?.[0]?.seq !== head.seq);
  }
  if (pending.length === 0) return [];
  const checkpoint = signCheckpoint(ctx.region, head, ctx.clock.now(), ctx.signer);
  return Promise.all(
    pending.map(async (partner): Promise<CheckpointOutcome> => {
      try {
        const signed = await partners.submitCheckpoint(partner, checkpoint);
        const same =
          signed.region === ctx.region &&
          signed.witness === partner &&
          signed.seq === checkpoint.seq &&
          signed.hash === checkpoint.hash;
        const issue = same ? countersignedIssue(signed, ctx.verifier) : "it is not the checkpoint handed in";
        if (issue)
          throw new XrError(ErrorCode.INTERNAL, `countersignature of ${partner}: ${issue}`, {
            origin: "remote",
          });
        await ctx.store.keepCheckpoint(signed);
        return { partner, checkpoint: signed };
      } catch (err) {
        const e = XrError.from(err);
        ctx.log.warn(
          { partner, seq: head.seq, code: e.code, err: e.message },
          "log checkpoint not countersigned",
        );
        return { partner, error: e.message };
      }
    }),
  );
}

/** Each partner's (or each of `only`'s) latest checkpoints of this region's log, or why they could not be had. */
export async function partnersCheckpoints(
  ctx: Pick<CheckpointContext, "region" | "federation">,
  partners: PartnerGateway,
  o: { limit?: number; only?: readonly string[] } = {},
): Promise<Array<{ partner: string; checkpoints?: Checkpoint[]; error?: string }>> {
  const limit = o.limit ?? 5;
  const asked = partnersOf(ctx.federation, ctx.region).filter((p) => !o.only || o.only.includes(p));
  return Promise.all(
    asked.map(async (partner) => {
      try {
        return { partner, checkpoints: await partners.getCheckpoints(partner, limit) };
      } catch (err) {
        return { partner, error: (err as Error).message };
      }
    }),
  );
}
