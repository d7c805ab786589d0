/**
 * The `xr.v1` protobuf types, loaded once at runtime from protos/ with
 * protobufjs (the library @grpc/proto-loader is built on), so the bus and the
 * contract tests read exactly the files partners code against.
 */
import { join } from "node:path";
import protobuf from "protobufjs";
import { PROTO_DIR } from "../paths.js";

const FILES = [
  "xr/v1/common.proto",
  "xr/v1/events.proto",
  "xr/v1/case_exchange.proto",
  "xr/v1/matter_catalog.proto",
];

let root: protobuf.Root | undefined;

/** The loaded root of all `xr.v1` files. */
export function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  const resolve = r.resolvePath;
  r.resolvePath = (origin, target) =>
    target.startsWith("google/protobuf/") ? resolve(origin, target) : join(PROTO_DIR, target);
  r.loadSync(FILES, { keepCase: false });
  r.resolveAll();
  root = r;
  return r;
}

/** A message type of package `xr.v1` by its simple name. */
export function xrType(name: string): protobuf.Type {
  return protoRoot().lookupType(`xr.v1.${name}`);
}

/** ISO-8601 → `google.protobuf.Timestamp` object. */
export function toTimestamp(iso: string): { seconds: number; nanos: number } {
  const ms = Date.parse(iso);
  return { seconds: Math.floor(ms / 1000), nanos: (((ms % 1000) + 1000) % 1000) * 1e6 };
}

/** `google.protobuf.Timestamp` object → ISO-8601 (millisecond precision). */
export function fromTimestamp(ts: { seconds?: number | string; nanos?: number } | undefined): string {
  if (!ts) return "";
  return new Date(Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}
