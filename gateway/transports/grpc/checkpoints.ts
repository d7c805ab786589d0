/**
 * `SubmitCheckpoint` and `GetCheckpoints` of `xr.v1.CaseExchange`: a partner
 * hands in checkpoints of its own message log to be countersigned and kept,
 * and asks for the latest ones kept. The caller is the region its certificate
 * names; it submits and reads checkpoints of its own log only.
 */
import type { UntypedServiceImplementation } from "@grpc/grpc-js";
import { heldCheckpoints, witnessCheckpoint } from "../../usecases/checkpoints.js";
import type { RegionContext } from "../../usecases/context.js";
import { unary } from "./calls.js";
import { checkpointFromWire, checkpointToWire, type WireCheckpoint } from "./checkpoint-wire.js";
import { type CallerFacts, callerRegion, type PeerSecurity } from "./peer.js";

/** The checkpoint handlers of `xr.v1.CaseExchange` for one region. */
export function checkpointExchange(ctx: RegionContext, security: PeerSecurity): UntypedServiceImplementation {
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
  };
}
