/**
 * `xr.v1.CaseExchange`: the same use cases as the REST API, reached by
 * partner gateways and city systems. Reads are for the parties of a case;
 * writes for this region's own systems.
 */
import type { UntypedServiceImplementation } from "@grpc/grpc-js";
import { answeredCaseToJson, caseToJson, eventToJson } from "../../codec/json.js";
import { caseActionSchema, parseRequest, submitCaseSchema } from "../../contract/requests.js";
import { cstDate } from "../../domain/calendar.js";
import { XrError } from "../../domain/errors.js";
import { caseFor } from "../../domain/minimize.js";
import { actOnCase } from "../../usecases/act-on-case.js";
import type { RegionContext } from "../../usecases/context.js";
import { materialOfCase } from "../../usecases/materials.js";
import { listCaseEvents, readCase } from "../../usecases/queries.js";
import { submitCase } from "../../usecases/submit-case.js";
import { watchCaseEvents } from "../../usecases/watch.js";
import { checkDeadline, metaOf, serverStream, unary } from "./calls.js";
import { type CallerFacts, callerActor, callerRegion, type PeerSecurity, requireSelf } from "./peer.js";
import { toWire } from "./timestamps.js";

type Wire = Record<string, unknown>;

/** Bytes per FetchMaterial chunk: well under gRPC's 4 MiB message limit, large enough to keep overhead low. */
export const MATERIAL_CHUNK_BYTES = 64 * 1024;

function caseId(request: { caseId?: string }): string {
  const id = request.caseId ?? "";
  if (id === "") throw XrError.invalid("caseId", "is required");
  return id;
}

/** The handlers of `xr.v1.CaseExchange` for one region. */
export function caseExchange(ctx: RegionContext, security: PeerSecurity): UntypedServiceImplementation {
  const log = ctx.log;
  const today = () => cstDate(ctx.clock.now());
  const caller = (call: CallerFacts) => callerRegion(ctx, security, call);

  return {
    SubmitCase: unary<Wire, Wire>(log, "SubmitCase", async (call) => {
      requireSelf(ctx, caller(call), "SubmitCase");
      const req = parseRequest(submitCaseSchema, call.request);
      const meta = { ...metaOf(call.metadata, call.request), actor: callerActor(ctx, security, call) };
      checkDeadline(call);
      return toWire("Case", answeredCaseToJson((await submitCase(ctx, req, meta)).state));
    }),
    GetCase: unary<{ caseId?: string }, Wire>(log, "GetCase", async (call) => {
      const c = await readCase(ctx, caseId(call.request), caller(call));
      return toWire("Case", caseToJson(c, today()));
    }),
    ListCaseEvents: unary<{ caseId?: string }, Wire>(log, "ListCaseEvents", async (call) => {
      const events = await listCaseEvents(ctx, caseId(call.request), caller(call));
      const t = today();
      return { events: events.map((e) => toWire("CaseEvent", eventToJson(e, t))) };
    }),
    ActOnCase: unary<{ caseId?: string; action?: unknown }, Wire>(log, "ActOnCase", async (call) => {
      requireSelf(ctx, caller(call), "ActOnCase");
      const id = caseId(call.request);
      if (call.request.action === undefined) throw XrError.invalid("action", "is required");
      const action = parseRequest(caseActionSchema, call.request.action);
      const meta = { ...metaOf(call.metadata, call.request), actor: callerActor(ctx, security, call) };
      checkDeadline(call);
      const { state } = await actOnCase(ctx, id, action, meta);
      return toWire("Case", answeredCaseToJson(caseFor(state, ctx.region)));
    }),
    WatchCaseEvents: serverStream<{ caseId?: string; after?: number }, Wire>(
      log,
      "WatchCaseEvents",
      async (call, send, signal) => {
        const watch = { after: call.request.after ?? 0, signal, viewer: caller(call) };
        for await (const e of watchCaseEvents(ctx, caseId(call.request), watch)) {
          await send(toWire("CaseEvent", eventToJson(e, today())));
        }
      },
    ),
    FetchMaterial: serverStream<{ sha256?: string; caseId?: string }, Wire>(
      log,
      "FetchMaterial",
      async (call, send, signal) => {
        const stored = await materialOfCase(
          ctx,
          caller(call),
          caseId(call.request),
          call.request.sha256 ?? "",
        );
        let offset = 0;
        for await (const data of ctx.materials.read(stored.sha256, MATERIAL_CHUNK_BYTES)) {
          if (signal.aborted) return;
          await send({
            data,
            offset: String(offset),
            totalSize: String(stored.sizeBytes),
            mediaType: stored.mediaType,
          });
          offset += data.byteLength;
        }
      },
    ),
  };
}
