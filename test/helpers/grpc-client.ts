/**
 * A gRPC client as a partner would write one: it loads the `.proto` files on
 * its own with @grpc/proto-loader and imports nothing from gateway/, so the
 * tests see the wire contract and not our code's idea of it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const ROOT = join(import.meta.dirname, "..", "..");

const definition = protoLoader.loadSync(["xr/v1/case_exchange.proto", "xr/v1/matter_catalog.proto"], {
  includeDirs: [join(ROOT, "protos")],
  keepCase: true, // snake_case, as many partner stacks see the fields: a different view from the gateway's
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const xr = (grpc.loadPackageDefinition(definition).xr as grpc.GrpcObject).v1 as grpc.GrpcObject;

const healthDefinition = protoLoader.loadSync(
  join(ROOT, "node_modules/grpc-health-check/proto/health/v1/health.proto"),
  { keepCase: true, enums: String },
);
const reflectionDefinition = protoLoader.loadSync(
  join(ROOT, "node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto"),
  { keepCase: true },
);

/** Credentials of a caller: a key directory and which region's certificate to present. */
export interface CallerCredentials {
  readonly keysDir: string;
  /** Present `<region>.crt`; undefined presents no client certificate. */
  readonly region?: string;
  /** Trust this CA file instead of `<keysDir>/ca.crt`. */
  readonly caFile?: string;
}

/** mTLS channel credentials from files, or plaintext when `creds` is undefined. */
export function channelCredentials(creds?: CallerCredentials): grpc.ChannelCredentials {
  if (!creds) return grpc.credentials.createInsecure();
  const ca = readFileSync(creds.caFile ?? join(creds.keysDir, "ca.crt"));
  if (!creds.region) return grpc.credentials.createSsl(ca);
  return grpc.credentials.createSsl(
    ca,
    readFileSync(join(creds.keysDir, `${creds.region}.key`)),
    readFileSync(join(creds.keysDir, `${creds.region}.crt`)),
  );
}

type Ctor = new (address: string, creds: grpc.ChannelCredentials) => grpc.Client;

/** The clients of one gateway. */
export interface Clients {
  readonly caseExchange: any;
  readonly catalog: any;
  readonly health: any;
  readonly reflection: any;
  close(): void;
}

/** Clients of the gateway at `address` (host:port). */
export function clients(address: string, creds?: CallerCredentials): Clients {
  const c = channelCredentials(creds);
  const CaseExchange = xr.CaseExchange as unknown as Ctor;
  const MatterCatalog = xr.MatterCatalog as unknown as Ctor;
  const Health = (
    ((grpc.loadPackageDefinition(healthDefinition).grpc as grpc.GrpcObject).health as grpc.GrpcObject)
      .v1 as grpc.GrpcObject
  ).Health as unknown as Ctor;
  const Reflection = (
    ((grpc.loadPackageDefinition(reflectionDefinition).grpc as grpc.GrpcObject).reflection as grpc.GrpcObject)
      .v1 as grpc.GrpcObject
  ).ServerReflection as unknown as Ctor;
  const made = {
    caseExchange: new CaseExchange(address, c),
    catalog: new MatterCatalog(address, c),
    health: new Health(address, c),
    reflection: new Reflection(address, c),
  };
  return {
    ...made,
    close: () => {
      for (const x of Object.values(made)) x.close();
    },
  };
}

/** A unary call as a promise; `metadata` as plain pairs. */
export function unary<T = any>(
  client: any,
  method: string,
  request: object,
  o: { metadata?: Record<string, string>; deadlineMs?: number } = {},
): Promise<T> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(o.metadata ?? {})) md.set(k, v);
  return new Promise((resolve, reject) => {
    client[method](request, md, { deadline: Date.now() + (o.deadlineMs ?? 10_000) }, (err: any, res: T) =>
      err ? reject(err) : resolve(res),
    );
  });
}

/** The error of a call that must fail. */
export async function failure(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error("the call succeeded but should have failed");
}

/** The JSON body of the `xr-error-bin` trailer. */
export function errorBody(err: grpc.ServiceError): any {
  const raw = err.metadata?.get("xr-error-bin")[0];
  return raw ? JSON.parse(Buffer.from(raw as Buffer).toString("utf8")) : undefined;
}

export { grpc };
