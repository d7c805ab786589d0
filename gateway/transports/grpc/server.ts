/**
 * The gRPC server of one region: CaseExchange, MatterCatalog, the standard
 * health service (serving while the region is ready: the same check as
 * /readyz) and server reflection, over mutual TLS unless plaintext is
 * configured for development. Every call's duration and status code is
 * observed in one place, a server interceptor.
 */
import {
  type GrpcObject,
  status as grpcStatus,
  loadPackageDefinition,
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  type ServerInterceptor,
  type ServiceClientConstructor,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatus } from "grpc-health-check";
import type { RegionCredentials } from "../../security/keys-dir.js";
import type { RegionContext } from "../../usecases/context.js";
import { auditExchange } from "./audit-exchange.js";
import { caseExchange } from "./case-exchange.js";
import { packageDefinition } from "./loader.js";
import { matterCatalog } from "./matter-catalog.js";
import type { PeerSecurity } from "./peer.js";

/** Options of {@link startGrpcServer}. */
export interface GrpcServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly security: PeerSecurity;
  /** Required for mTLS. */
  readonly credentials?: RegionCredentials;
  /** Whether the region should get calls. */
  readonly ready: () => Promise<boolean>;
  /** Told of every call's end: full method path, status code name, seconds taken. */
  readonly observe: (method: string, code: string, seconds: number) => void;
}

/** A running gRPC server. */
export interface GrpcServerHandle {
  /** host:port it listens on. */
  readonly address: string;
  readonly port: number;
  /** Re-reads readiness now and sets the health status from it. */
  refreshHealth(): Promise<void>;
  /** Stops taking calls, lets running ones finish for up to `graceMs`, then cancels them. */
  close(graceMs?: number): Promise<void>;
}

/** Names the health service answers for: the server as a whole ("") and each service. */
const HEALTH_NAMES = ["", "xr.v1.CaseExchange", "xr.v1.MatterCatalog"];

/** The service definition of `xr.v1.<name>`. */
export function xrService(name: "CaseExchange" | "MatterCatalog"): ServiceClientConstructor {
  const xr = (loadPackageDefinition(packageDefinition()).xr as GrpcObject).v1 as GrpcObject;
  return xr[name] as ServiceClientConstructor;
}

/** Times every call, unary and streaming alike, up to the status it ends with. */
function timing(observe: GrpcServerOptions["observe"]): ServerInterceptor {
  return (descriptor, call) => {
    const started = process.hrtime.bigint();
    return new ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        observe(descriptor.path, grpcStatus[status.code] ?? String(status.code), seconds);
        next(status);
      },
    });
  };
}

/** Starts the region's gRPC server and resolves once it listens. */
export async function startGrpcServer(ctx: RegionContext, o: GrpcServerOptions): Promise<GrpcServerHandle> {
  const server = new Server({
    // Materials stream in chunks, so no message needs more than the default 4 MiB.
    "grpc.max_receive_message_length": 4 * 1024 * 1024,
    "grpc.keepalive_permit_without_calls": 1,
    interceptors: [timing(o.observe)],
  });
  server.addService(xrService("CaseExchange").service, {
    ...caseExchange(ctx, o.security),
    ...auditExchange(ctx, o.security),
  });
  server.addService(xrService("MatterCatalog").service, matterCatalog(ctx, o.security));
  const health = new HealthImplementation(Object.fromEntries(HEALTH_NAMES.map((s) => [s, "UNKNOWN"])));
  health.addToServer(server);
  // Reflection describes the health service too, so generic tools can find it.
  new ReflectionService({ ...packageDefinition(), ...loadSync(healthProtoPath) }).addToServer(server);

  const refreshHealth = async () => {
    const status: ServingStatus = (await o.ready().catch(() => false)) ? "SERVING" : "NOT_SERVING";
    for (const s of HEALTH_NAMES) health.setStatus(s, status);
  };
  await refreshHealth();
  const timer = setInterval(() => {
    refreshHealth().catch((err) => ctx.log.error({ err }, "gRPC health check failed"));
  }, 5_000);
  timer.unref();

  let creds = ServerCredentials.createInsecure();
  if (o.security === "mtls") {
    if (!o.credentials) throw new Error("mutual TLS needs the region's certificate and the federation CA");
    // true: a client without a certificate signed by the federation CA is refused in the handshake.
    creds = ServerCredentials.createSsl(
      o.credentials.caCert,
      [{ cert_chain: o.credentials.cert, private_key: o.credentials.key }],
      true,
    );
  }
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${o.port}`, creds, (err, p) => (err ? reject(err) : resolve(p)));
  });
  const address = `${host}:${port}`;
  ctx.log.info({ grpc: address, security: o.security }, "gRPC server listening");
  return {
    address,
    port,
    refreshHealth,
    close: async (graceMs = 5_000) => {
      clearInterval(timer);
      for (const s of HEALTH_NAMES) health.setStatus(s, "NOT_SERVING");
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
