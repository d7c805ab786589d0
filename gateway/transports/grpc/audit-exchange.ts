/**
 * The audit RPCs of `xr.v1.CaseExchange`: a partner hands in checkpoints of
 * its own message log to be countersigned and kept (`SubmitCheckpoint`), asks
 * for the latest ones kept (`GetCheckpoints`), and hands back signed receipts
 * for the envelopes this region sent it (`SubmitReceipts`). The caller is the
 * region its certificate names, and speaks only for itself.
 */
import type { UntypedServiceImplementation } from "@grpc/grpc-js";
import { XrError } from "../../domain/errors.js";
import { heldCheckpoints, witnessCheckpoint } from "../../usecases/checkpoints.js";
import type { RegionContext } from "../../usecases/context.js";
import { keepReceipts, MAX_RECEIPTS } from "../../usecases/receipts.js";
import {
  checkpointFromWire,
  checkpointToWire,
  receiptFromWire,
  type WireCheckpoint,
  type WireReceipt,
} from "./audit-wire.js";
import { unary } from "./calls.js";
import { type CallerFacts, callerRegion, type PeerSecurity } from "./peer.js";

/** The audit handlers of `xr.v1.CaseExchange` for one region. */
export function auditExchange(ctx: RegionContext, security: PeerSecurity): UntypedServiceImplementation {
  const caller = (call: CallerFacts) => callerRegion(ctx, security, call);
  return {
    SubmitCheckpoint: unary<WireCheckpoint, WireCheckpoint>(ctx.log, "SubmitCheckpoint", async (call) =>
      checkpointToWire(await witnessCheckpoint(ctx, caller(call), checkpointFromWire(call.request))),
    ),
    GetCheckpoints: unary<{ limit?: number }, { checkpoints: WireCheckpoint[] }>(
      ctx.log,
      "GetCheckpoints",
      async (call) => ({
        checkpoints: (await heldCheckpoints(ctx, caller(call), call.request.limit ?? 0)).map(
          checkpointToWire,
        ),
      }),
    ),
    SubmitReceipts: unary<{ receipts?: WireReceipt[] }, { kept: number; refused: string[] }>(
      ctx.log,
      "SubmitReceipts",
      async (call) => {
        const from = caller(call);
        const receipts = call.request.receipts ?? [];
        if (receipts.length > MAX_RECEIPTS)
          throw XrError.invalid("receipts", `at most ${MAX_RECEIPTS} in one call`);
        const answer = await keepReceipts(ctx, from, receipts.map(receiptFromWire));
        return { kept: answer.kept, refused: [...answer.refused] };
      },
    ),
  };
}
