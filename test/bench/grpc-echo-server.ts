/**
 * The gRPC benchmark's ceiling: a bare grpc-js server over the same mutual
 * TLS, whose `xr.v1.CaseExchange/GetCase` answers a fixed Case (the one the
 * gateway returns, read from BENCH_CASE_FILE) without any work: what one unary
 * call of that size costs on this machine. Loads the .proto files with
 * proto-loader exactly as the gateway does. Prints `{"address":"host:port"}`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { LOADER_OPTIONS } from "../../gateway/transports/grpc/loader.js";
import { announce, onShutdown } from "./child.js";

const { BENCH_KEYS_DIR, BENCH_CASE_FILE } = process.env;
if (!BENCH_KEYS_DIR || !BENCH_CASE_FILE) {
  console.error("grpc-echo-server: BENCH_KEYS_DIR and BENCH_CASE_FILE are required");
  process.exit(2);
}
// The options the gateway loads with, so both sides (de)serialize exactly as it does.
const definition = protoLoader.loadSync(["xr/v1/case_exchange.proto"], LOADER_OPTIONS);
const xr = (grpc.loadPackageDefinition(definition).xr as grpc.GrpcObject).v1 as grpc.GrpcObject;
const service = (xr.CaseExchange as grpc.ServiceClientConstructor).service;
const fixed = JSON.parse(readFileSync(BENCH_CASE_FILE, "utf8"));

const server = new grpc.Server();
server.addService(service, {
  GetCase: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, fixed),
});
const creds = grpc.ServerCredentials.createSsl(
  readFileSync(join(BENCH_KEYS_DIR, "ca.crt")),
  [
    {
      cert_chain: readFileSync(join(BENCH_KEYS_DIR, "430100.crt")),
      private_key: readFileSync(join(BENCH_KEYS_DIR, "430100.key")),
    },
  ],
  true,
);
server.bindAsync("127.0.0.1:0", creds, (err, port) => {
  if (err) {
    console.error("grpc echo server failed to bind:", err);
    process.exit(1);
  }
  announce({ address: `127.0.0.1:${port}` });
});
onShutdown(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
