/** The one mapping from error codes to gRPC status codes, and errors as gRPC statuses. */
import { Metadata, type StatusObject, status } from "@grpc/grpc-js";
import { ErrorCode, XrError } from "../../domain/errors.js";

/** gRPC status of each {@link ErrorCode}. */
export const GRPC_STATUS: Readonly<Record<ErrorCode, status>> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  PAYLOAD_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  TOO_MANY_REQUESTS: status.RESOURCE_EXHAUSTED,
  // An optimistic-concurrency clash: the client may retry the whole read-modify-write.
  CONFLICT: status.ABORTED,
  UNAVAILABLE: status.UNAVAILABLE,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  INTERNAL: status.INTERNAL,
  // gRPC has no media types of its own; listed after INVALID_ARGUMENT, so that code reads back as itself.
  UNSUPPORTED_MEDIA_TYPE: status.INVALID_ARGUMENT,
  DATA_LOSS: status.DATA_LOSS,
  CALENDAR_UNCOVERED: status.FAILED_PRECONDITION,
};

/** Our code of a gRPC status (for errors a partner gateway returned). */
export function errorCodeOf(code: status): ErrorCode {
  for (const [k, v] of Object.entries(GRPC_STATUS)) if (v === code) return k as ErrorCode;
  if (code === status.CANCELLED) return ErrorCode.UNAVAILABLE;
  return ErrorCode.INTERNAL;
}

/** Metadata key of the error body (the REST error JSON, UTF-8) a client can act on. */
export const ERROR_METADATA_KEY = "xr-error-bin";

/**
 * `err` as the status a handler returns: the message names the offending
 * field paths (generic tools show only the message), and `xr-error-bin`
 * carries `{code, message, details, origin}` for programs.
 */
export function toStatus(err: unknown): Partial<StatusObject> {
  const e = XrError.from(err);
  const paths = e.details.map((d) => `${d.path}: ${d.issue}`).join("; ");
  const message = e.code === ErrorCode.INTERNAL ? "internal error" : e.message;
  const metadata = new Metadata();
  metadata.set(
    ERROR_METADATA_KEY,
    Buffer.from(JSON.stringify({ code: e.code, message, details: e.details, origin: e.origin })),
  );
  return {
    code: GRPC_STATUS[e.code],
    details: paths && !message.includes(paths) ? `${message} (${paths})` : message,
    metadata,
  };
}
