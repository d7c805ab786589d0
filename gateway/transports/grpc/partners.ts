/**
 * Calls to partner gateways over gRPC, each partner behind its own opossum
 * breaker: a partner that stops answering fails fast with UNAVAILABLE
 * instead of tying up the caller, and a probe after `resetMs` closes the
 * breaker again once it answers. A partner's refusal of a bad request (a
 * client error) is its answer, not its failure, so it does not count.
 */
import { isIP } from "node:net";
import { checkServerIdentity } from "node:tls";
import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientReadableStream,
  credentials,
  Metadata,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import CircuitBreaker from "opossum";
import type { Logger } from "pino";
import type { Checkpoint, SignedCheckpoint } from "../../domain/checkpoint.js";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { DeliveryReceipt } from "../../domain/receipt.js";
import type { MaterialStore, StoredMaterial } from "../../ports/material-store.js";
import type {
  BreakerState,
  PartnerCatalogPage,
  PartnerGateway,
  ReceiptsAnswer,
} from "../../ports/partners.js";
import type { RegionCredentials } from "../../security/keys-dir.js";
import { currentTraceparent } from "../../usecases/trace.js";
import { checkpointFromWire, checkpointToWire, receiptToWire, type WireCheckpoint } from "./audit-wire.js";
import type { PeerSecurity } from "./peer.js";
import { xrService } from "./server.js";
import { errorCodeOf } from "./status.js";

/** Breaker and deadline settings for partner calls. */
export interface PartnerCallSettings {
  /** Deadline of a unary call (ms). */
  readonly callTimeoutMs: number;
  /** Deadline of a material transfer (ms). */
  readonly transferTimeoutMs: number;
  /** Failures within the rolling window before the breaker may open... */
  readonly volumeThreshold: number;
  /** ...and the share of calls that must have failed (percent). */
  readonly errorThresholdPercentage: number;
  /** How long an open breaker waits before letting one probe through (ms). */
  readonly resetMs: number;
}

/** Defaults for production: a partner is given 3 s per call, and 10 s of rest after 5 failures. */
export const DEFAULT_PARTNER_SETTINGS: PartnerCallSettings = {
  callTimeoutMs: 3_000,
  transferTimeoutMs: 10 * 60_000,
  volumeThreshold: 5,
  errorThresholdPercentage: 50,
  resetMs: 10_000,
};

/** Options of {@link PartnerGateways}. */
export interface PartnerGatewaysOptions {
  /** The calling region (its certificate is presented). */
  readonly region: string;
  readonly security: PeerSecurity;
  readonly credentials?: RegionCredentials;
  /** gRPC address (host:port) of each partner. */
  readonly addresses: () => ReadonlyMap<string, string>;
  readonly settings?: Partial<PartnerCallSettings>;
  readonly log: Logger;
}

// Client errors: the partner answered; its breaker stays as it is.
const ANSWERS: ReadonlySet<status> = new Set([
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.PERMISSION_DENIED,
  status.FAILED_PRECONDITION,
  status.ABORTED,
  status.OUT_OF_RANGE,
  status.UNAUTHENTICATED,
]);

function isServiceError(err: unknown): err is ServiceError {
  return (
    typeof err === "object" && err !== null && "code" in err && typeof (err as ServiceError).code === "number"
  );
}

type Op = () => Promise<unknown>;
type UnaryMethod = (
  request: object,
  metadata: Metadata,
  options: CallOptions,
  callback: (err: ServiceError | null, res: unknown) => void,
) => void;
interface MaterialChunk {
  data: Buffer;
  offset: string;
  totalSize: string;
  mediaType: string;
}
type StreamMethod = (
  request: object,
  metadata: Metadata,
  options: CallOptions,
) => ClientReadableStream<MaterialChunk>;

/** gRPC clients of the partner gateways, with a breaker per partner. */
export class PartnerGateways implements PartnerGateway {
  readonly #o: PartnerGatewaysOptions;
  readonly #settings: PartnerCallSettings;
  readonly #clients = new Map<string, { address: string; caseExchange: Client; catalog: Client }>();
  readonly #breakers = new Map<string, CircuitBreaker<[Op], unknown>>();
  readonly #catalogCache = new Map<string, { page: Record<string, unknown>; at: number }>();

  constructor(o: PartnerGatewaysOptions) {
    this.#o = o;
    this.#settings = { ...DEFAULT_PARTNER_SETTINGS, ...o.settings };
  }

  #channelCredentials(partner: string, host: string): ChannelCredentials {
    if (this.#o.security === "plaintext") return credentials.createInsecure();
    const c = this.#o.credentials;
    if (!c) throw new Error("mutual TLS needs the region's certificate and the federation CA");
    return credentials.createSsl(c.caCert, c.key, c.cert, {
      // The address's host, not the name sent for SNI (see #channelOptions), must be in the certificate;
      // beyond that, the server must hold the certificate of the region we meant to call.
      checkServerIdentity: (_sni, cert) => {
        const hostError = checkServerIdentity(host, cert);
        if (hostError) return hostError;
        if (cert.subject?.CN !== partner) {
          return new Error(`the server at ${host} is ${String(cert.subject?.CN)}, not ${partner}`);
        }
        return undefined;
      },
    });
  }

  #client(partner: string) {
    const address = this.#o.addresses().get(partner);
    if (!address) {
      throw new XrError(ErrorCode.FAILED_PRECONDITION, `no gRPC address known for ${partner}`, {
        details: [{ path: "region", issue: "not in federation.yaml" }],
      });
    }
    let c = this.#clients.get(partner);
    if (c?.address !== address) {
      c?.caseExchange.close();
      c?.catalog.close();
      const host = hostOf(address);
      const creds = this.#channelCredentials(partner, host);
      const options = channelOptions(partner, host, this.#o.security);
      const CaseExchange = xrService("CaseExchange");
      const MatterCatalog = xrService("MatterCatalog");
      c = {
        address,
        caseExchange: new CaseExchange(address, creds, options),
        catalog: new MatterCatalog(address, creds, options),
      };
      this.#clients.set(partner, c);
    }
    return c;
  }

  #breaker(partner: string): CircuitBreaker<[Op], unknown> {
    let b = this.#breakers.get(partner);
    if (b) return b;
    const s = this.#settings;
    b = new CircuitBreaker((op: Op) => op(), {
      name: `partner:${partner}`,
      // Deadlines on each gRPC call are the timeouts; a 50 MB transfer needs a longer one than a lookup.
      timeout: false,
      volumeThreshold: s.volumeThreshold,
      errorThresholdPercentage: s.errorThresholdPercentage,
      resetTimeout: s.resetMs,
      errorFilter: (err: unknown) =>
        (isServiceError(err) && ANSWERS.has(err.code)) || (err instanceof XrError && err.origin === "client"),
    });
    const log = this.#o.log.child({ partner, breaker: b.name });
    b.on("open", () => log.warn("partner breaker open: calls fail fast until a probe succeeds"));
    b.on("halfOpen", () => log.info("partner breaker half-open: letting a probe through"));
    b.on("close", () => log.info("partner breaker closed"));
    this.#breakers.set(partner, b);
    return b;
  }

  /** Runs `op` through the partner's breaker; errors come out as XrErrors of origin "remote". */
  async #call<T>(partner: string, op: () => Promise<T>): Promise<T> {
    try {
      return (await this.#breaker(partner).fire(op)) as T;
    } catch (err) {
      throw this.#asXrError(partner, err);
    }
  }

  #asXrError(partner: string, err: unknown): XrError {
    if (err instanceof XrError) return err;
    const [code, what] =
      (err as { code?: string }).code === "EOPENBREAKER"
        ? [ErrorCode.UNAVAILABLE, " is not answering (circuit open)"]
        : isServiceError(err)
          ? [errorCodeOf(err.code), `: ${err.details || err.message}`]
          : [ErrorCode.UNAVAILABLE, `: ${(err as Error).message}`];
    return new XrError(code, `partner ${partner}${what}`, { origin: "remote", cause: err });
  }

  /** The current trace goes with every call, so the partner's log lines join the same trace. */
  #metadata(): Metadata {
    const m = new Metadata();
    const traceparent = currentTraceparent();
    if (traceparent) m.set("traceparent", traceparent);
    return m;
  }

  #unary<T>(client: Client, method: string, request: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fn = (client as unknown as Record<string, UnaryMethod>)[method] as UnaryMethod;
      const deadline = Date.now() + this.#settings.callTimeoutMs;
      fn.call(client, request, this.#metadata(), { deadline }, (err, res) =>
        err ? reject(err) : resolve(res as T),
      );
    });
  }

  /** A case from the partner that holds it (as proto-loader objects). */
  getCase(partner: string, caseId: string): Promise<Record<string, unknown>> {
    return this.#call(partner, () => this.#unary(this.#client(partner).caseExchange, "GetCase", { caseId }));
  }

  /**
   * A page of the partner's own catalog. When the partner cannot answer, the
   * last good answer to the same query, with its age; UNAVAILABLE without one.
   */
  async listMatters(partner: string, query: Record<string, unknown> = {}): Promise<PartnerCatalogPage> {
    const key = `${partner}|${JSON.stringify(query)}`;
    try {
      const page = await this.#call(partner, () =>
        this.#unary<Record<string, unknown>>(this.#client(partner).catalog, "ListMatters", {
          ...query,
          regionCode: partner,
        }),
      );
      this.#catalogCache.set(key, { page, at: Date.now() });
      return { page, source: "live", ageSeconds: 0 };
    } catch (err) {
      const cached = this.#catalogCache.get(key);
      if (!cached || (err instanceof XrError && err.origin === "client")) throw err;
      const ageSeconds = Math.round((Date.now() - cached.at) / 1000);
      this.#o.log.warn(
        { partner, ageSeconds, err: (err as Error).message },
        "partner catalog served from cache",
      );
      return { page: cached.page, source: "cache", ageSeconds };
    }
  }

  /**
   * Streams a material of a case from the partner into `store`, verifying its
   * sha256 before it is kept; never holds the file whole in memory.
   */
  fetchMaterial(
    partner: string,
    caseId: string,
    sha256: string,
    store: MaterialStore,
  ): Promise<StoredMaterial> {
    return this.#call(partner, async () => {
      const client = this.#client(partner).caseExchange;
      const fetch = (client as unknown as Record<string, StreamMethod>).FetchMaterial as StreamMethod;
      const call = fetch.call(client, { caseId, sha256 }, this.#metadata(), {
        deadline: Date.now() + this.#settings.transferTimeoutMs,
      });
      const chunks = call[Symbol.asyncIterator]() as AsyncIterator<MaterialChunk>;
      try {
        // The first chunk says the media type, which the stored copy must keep.
        const first = await chunks.next();
        const mediaType = (first.done ? "" : first.value.mediaType) || "application/octet-stream";
        let expected = 0;
        async function* bytes(): AsyncGenerator<Uint8Array> {
          for (let r = first; !r.done; r = await chunks.next()) {
            if (Number(r.value.offset) !== expected) {
              throw new XrError(
                ErrorCode.INTERNAL,
                `material chunk at ${r.value.offset}, expected ${expected}`,
                {
                  origin: "remote",
                },
              );
            }
            expected += r.value.data.byteLength;
            yield r.value.data;
          }
        }
        return await store.put(bytes(), {
          mediaType,
          maxBytes: Number.MAX_SAFE_INTEGER,
          expectSha256: sha256,
        });
      } finally {
        call.cancel();
      }
    });
  }

  /** Hands a checkpoint of this region's log to the partner; the partner's countersigned copy. */
  async submitCheckpoint(partner: string, checkpoint: SignedCheckpoint): Promise<Checkpoint> {
    const wire = await this.#call(partner, () =>
      this.#unary<WireCheckpoint>(
        this.#client(partner).caseExchange,
        "SubmitCheckpoint",
        checkpointToWire(checkpoint),
      ),
    );
    return checkpointFromWire(wire);
  }

  /** The latest checkpoints of this region's log that the partner keeps, latest first. */
  async getCheckpoints(partner: string, limit: number): Promise<Checkpoint[]> {
    const res = await this.#call(partner, () =>
      this.#unary<{ checkpoints?: WireCheckpoint[] }>(this.#client(partner).caseExchange, "GetCheckpoints", {
        limit,
      }),
    );
    return (res.checkpoints ?? []).map(checkpointFromWire);
  }

  /** Hands receipts for envelopes the partner sent here back to it; what it kept and refused. */
  async submitReceipts(partner: string, receipts: readonly DeliveryReceipt[]): Promise<ReceiptsAnswer> {
    const res = await this.#call(partner, () =>
      this.#unary<{ kept?: number; refused?: string[] }>(
        this.#client(partner).caseExchange,
        "SubmitReceipts",
        { receipts: receipts.map(receiptToWire) },
      ),
    );
    return { kept: Number(res.kept ?? 0), refused: res.refused ?? [] };
  }

  /** State of each partner's breaker. */
  breakerStates(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const [partner, b] of this.#breakers)
      out[partner] = b.opened ? "open" : b.halfOpen ? "half-open" : "closed";
    return out;
  }

  /** Closes every channel and breaker. */
  close(): void {
    for (const c of this.#clients.values()) {
      c.caseExchange.close();
      c.catalog.close();
    }
    for (const b of this.#breakers.values()) b.shutdown();
  }
}

/** The host of a `host:port` or `[v6]:port` address. */
function hostOf(address: string): string {
  const host = address.slice(0, address.lastIndexOf(":"));
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

/**
 * grpc-js sends the target's host as the TLS server name (SNI), which RFC 6066 forbids for an IP
 * address (Node warns DEP0123). For a partner reached by IP, a name of its region goes instead; the
 * certificate is still checked against the address (see #channelCredentials).
 */
function channelOptions(partner: string, host: string, security: PeerSecurity): Record<string, string> {
  return security === "mtls" && isIP(host) !== 0
    ? { "grpc.ssl_target_name_override": `region-${partner}.xr-gateway.invalid` }
    : {};
}
