/**
 * The `xr.v1` service definitions, loaded by @grpc/proto-loader from the same
 * files partners compile, once per process.
 */
import { loadSync, type Options, type PackageDefinition } from "@grpc/proto-loader";
import { PROTO_DIR } from "../../paths.js";

/** Files that define the partner interface. */
export const PROTO_FILES = ["xr/v1/case_exchange.proto", "xr/v1/matter_catalog.proto"];

/**
 * How messages become JS objects: the canonical proto3 JSON field names and
 * enum names, 64-bit integers as strings, and unset fields left out, which is
 * the shape the request schemas already validate for REST.
 */
export const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: false,
  includeDirs: [PROTO_DIR],
};

let loaded: PackageDefinition | undefined;

/** The package definition of {@link PROTO_FILES}. */
export function packageDefinition(): PackageDefinition {
  loaded ??= loadSync(PROTO_FILES, LOADER_OPTIONS);
  return loaded;
}
