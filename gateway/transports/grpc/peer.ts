/**
 * Who is calling: under mutual TLS, the region in the common name of the
 * client certificate the federation CA signed; in plaintext development mode,
 * the `xr-region` metadata (or this region). Then the cooperation agreement
 * decides whether that region may call at all.
 */
import { TLSSocket } from "node:tls";
import type { Metadata, ServerUnaryCall } from "@grpc/grpc-js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { Actor } from "../../domain/events.js";
import { partnersOf } from "../../domain/matter.js";
import { systemActor } from "../../domain/staff.js";
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
    region = certificateRegion(call);
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

/**
 * The region named by the client certificate, looked up once per TLS
 * connection: a partner's calls share a connection, and reading the peer
 * certificate (an X.509 parse into a fresh object) on every call cost about
 * 15% of a busy server's time. The cache is keyed by the socket object itself,
 * so a new connection is always read afresh and a closed one is forgotten.
 */
function certificateRegion(call: CallerFacts): string {
  const socket = tlsSocketOf(call);
  const known = socket && regionBySocket.get(socket);
  if (known !== undefined) return known;
  const cn = call.getAuthContext().sslPeerCertificate?.subject?.CN;
  const region = Array.isArray(cn) ? "" : (cn ?? "");
  if (socket && region) regionBySocket.set(socket, region);
  return region;
}

const regionBySocket = new WeakMap<TLSSocket, string>();

/**
 * The authorised TLS socket under a grpc-js server call, found through the
 * library's call objects (they are not public API; when the shape differs, the
 * answer is undefined and every call reads its certificate as before).
 */
function tlsSocketOf(call: CallerFacts): TLSSocket | undefined {
  let c = (call as unknown as { call?: unknown }).call;
  for (let depth = 0; c && depth < 8; depth++) {
    const socket = (c as { stream?: { session?: { socket?: unknown } } }).stream?.session?.socket;
    if (socket instanceof TLSSocket) return socket.authorized ? socket : undefined;
    c = (c as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}

/** Only this region's own systems may change its cases or file intakes through it. */
export function requireSelf(ctx: RegionContext, caller: string, what: string): void {
  if (caller !== ctx.region) throw denied(`${what} is for ${ctx.region}'s own systems, not ${caller}`);
}

/**
 * The 经办人 of a step a region's own system takes over gRPC: named by the identity it proved (the
 * client certificate's common name under mutual TLS), shown under the name it gives in `xr-system`
 * metadata (percent-encoded UTF-8, as gRPC metadata is ASCII; at most 50 characters) or else as the
 * region's 业务系统. Only the region's own systems reach the writing calls (see {@link requireSelf}),
 * so the name is theirs to choose; the id is not.
 */
export function callerActor(ctx: RegionContext, security: PeerSecurity, call: CallerFacts): Actor {
  const identity = security === "mtls" ? `cn=${certificateRegion(call)}` : `plaintext:${ctx.region}`;
  const claimed = call.metadata.get("xr-system")[0];
  let named = "";
  try {
    named = typeof claimed === "string" ? decodeURIComponent(claimed).trim() : "";
  } catch {
    // A malformed escape names nothing; the region's default name stands.
  }
  const regionName = ctx.federation.regions.get(ctx.region)?.name ?? ctx.region;
  return systemActor(identity, named !== "" && named.length <= 50 ? named : `${regionName}业务系统`);
}
