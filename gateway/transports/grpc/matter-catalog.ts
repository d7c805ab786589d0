/** `xr.v1.MatterCatalog`: this region's catalog and its partners' as this gateway holds them. */
import type { UntypedServiceImplementation } from "@grpc/grpc-js";
import { matterToJson } from "../../codec/json.js";
import { HandlingMode } from "../../domain/case.js";
import { XrError } from "../../domain/errors.js";
import type { RegionContext } from "../../usecases/context.js";
import { getMatter, listMatters } from "../../usecases/queries.js";
import { unary } from "./calls.js";
import { callerRegion, type PeerSecurity } from "./peer.js";

type Wire = Record<string, unknown>;

interface ListMattersRequest {
  regionCode?: string;
  query?: string;
  mode?: string;
  pageSize?: number;
  pageToken?: string;
}

function mode(raw: string | undefined): HandlingMode | undefined {
  if (raw === undefined || raw === "HANDLING_MODE_UNSPECIFIED") return undefined;
  if (!(Object.values(HandlingMode) as string[]).includes(raw)) {
    throw XrError.invalid("mode", `must be one of ${Object.values(HandlingMode).join(", ")}`);
  }
  return raw as HandlingMode;
}

/** The handlers of `xr.v1.MatterCatalog` for one region. */
export function matterCatalog(ctx: RegionContext, security: PeerSecurity): UntypedServiceImplementation {
  return {
    ListMatters: unary<ListMattersRequest, Wire>(ctx.log, "ListMatters", async (call) => {
      callerRegion(ctx, security, call);
      const r = call.request;
      const pageSize = r.pageSize ?? 0;
      if (pageSize > 500) throw XrError.invalid("pageSize", "must be at most 500");
      const page = await listMatters(ctx, {
        regionCode: r.regionCode || ctx.region,
        q: r.query,
        mode: mode(r.mode),
        pageSize: pageSize || 50,
        pageToken: r.pageToken,
      });
      return { ...page, matters: page.matters.map(matterToJson) };
    }),
    GetMatter: unary<{ regionCode?: string; matterCode?: string }, Wire>(
      ctx.log,
      "GetMatter",
      async (call) => {
        callerRegion(ctx, security, call);
        const code = call.request.matterCode ?? "";
        if (code === "") throw XrError.invalid("matterCode", "is required");
        return { ...matterToJson(await getMatter(ctx, call.request.regionCode || ctx.region, code)) };
      },
    ),
  };
}
