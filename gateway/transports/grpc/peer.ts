/**
 * Who is calling: under mutual TLS, the region in the common name of the
 * client certificate the federation CA signed; in plaintext development mode,
 * the `xr-region` metadata (or this region). Then the cooperation agreement
 * decides whether that region may call at all.
 */

import type { Metadata, ServerUnaryCall } from "@grpc/grpc-js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import { partnersOf } from "../../domain/matter.js";
import type { RegionContext } from "../../usecases/context.js";

/** How the server learns its callers. */
export type PeerSecurity = "mtls" | "plaintext";

type AuthContext = ReturnType<ServerUnaryCall<unknown, unknown>["getAuthContext"]>;

/** What a call tells about its caller. */
export interface CallerFacts {
  getAuthContext(): AuthContext;
  readonly metadata: Metadata;
}

function denied(message: string): XrError {
  return new XrError(ErrorCode.PERMISSION_DENIED, message, { details: [{ path: "(peer)", issue: message }] });
}

/** The calling region; PERMISSION_DENIED when it cannot be told or is not a partner. */
export function callerRegion(ctx: RegionContext, security: PeerSecurity, call: CallerFacts): string {
  let region: string;
  if (security === "mtls") {
    const cert = call.getAuthContext().sslPeerCertificate;
    const cn = cert?.subject?.CN;
    region = Array.isArray(cn) ? "" : (cn ?? "");
    if (!region) throw denied("the client certificate names no region");
  } else {
    const claimed = call.metadata.get("xr-region")[0];
    region = typeof claimed === "string" && claimed !== "" ? claimed : ctx.region;
  }
  if (region === ctx.region) return region;
  if (!ctx.federation.regions.has(region)) throw denied(`${region} is not a member of the federation`);
  if (!partnersOf(ctx.federation, ctx.region).includes(region)) {
    throw denied(`${region} has no cooperation agreement with ${ctx.region}`);
  }
  return region;
}

/** Only this region's own systems may change its cases or file intakes through it. */
export function requireSelf(ctx: RegionContext, caller: string, what: string): void {
  if (caller !== ctx.region) throw denied(`${what} is for ${ctx.region}'s own systems, not ${caller}`);
}
