/**
 * The one error type of the gateway. Every failure that crosses a boundary
 * (REST, gRPC, bus, CLI) is an {@link XrError} with a code from a closed list;
 * transports map the code once each (see transports/rest/status.ts).
 */

/** Closed list of error codes. Keep docs/errors.md in step (a test checks). */
export const ErrorCode = {
  INVALID_ARGUMENT: "INVALID_ARGUMENT",
  NOT_FOUND: "NOT_FOUND",
  ALREADY_EXISTS: "ALREADY_EXISTS",
  FAILED_PRECONDITION: "FAILED_PRECONDITION",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  PERMISSION_DENIED: "PERMISSION_DENIED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  CONFLICT: "CONFLICT",
  UNAVAILABLE: "UNAVAILABLE",
  DEADLINE_EXCEEDED: "DEADLINE_EXCEEDED",
  INTERNAL: "INTERNAL",
  /** The request's Content-Type is not one its route takes (issue 19). */
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  /** A stored value failed its integrity check (security/cipher.ts): altered, moved, or never sealed. */
  DATA_LOSS: "DATA_LOSS",
  /** A time limit would end in a year config/holidays.yaml has no data for (issue 17). */
  CALENDAR_UNCOVERED: "CALENDAR_UNCOVERED",
} as const;

/** One of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Whose fault it is, so an operator knows where to look (as X-Road does):
 * the caller, this gateway, a partner gateway, or the local city system.
 */
export type ErrorOrigin = "client" | "gateway" | "remote" | "local-system";

/** A field-level problem: `path` is the lowerCamelCase JSON path. */
export interface ErrorDetail {
  readonly path: string;
  readonly issue: string;
}

const RETRIABLE: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.TOO_MANY_REQUESTS,
  ErrorCode.UNAVAILABLE,
  ErrorCode.DEADLINE_EXCEEDED,
  ErrorCode.CONFLICT,
]);

const CLIENT_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.INVALID_ARGUMENT,
  ErrorCode.NOT_FOUND,
  ErrorCode.ALREADY_EXISTS,
  ErrorCode.FAILED_PRECONDITION,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.PERMISSION_DENIED,
  ErrorCode.PAYLOAD_TOO_LARGE,
  ErrorCode.UNSUPPORTED_MEDIA_TYPE,
]);

/** Options of {@link XrError}. */
export interface XrErrorOptions {
  readonly details?: readonly ErrorDetail[];
  readonly origin?: ErrorOrigin;
  readonly cause?: unknown;
}

/** The gateway's error: a closed code, a message, field details, origin and retriability. */
export class XrError extends Error {
  override readonly name = "XrError";
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];
  readonly origin: ErrorOrigin;

  constructor(code: ErrorCode, message: string, options: XrErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? [];
    this.origin = options.origin ?? (CLIENT_CODES.has(code) ? "client" : "gateway");
  }

  /** Whether trying again later may succeed; client errors never are. */
  get retriable(): boolean {
    return RETRIABLE.has(this.code);
  }

  /** Turns anything caught into an XrError, keeping the original as `cause`. */
  static from(err: unknown): XrError {
    if (err instanceof XrError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new XrError(ErrorCode.INTERNAL, message, { cause: err });
  }

  /** Shorthand for a single-field INVALID_ARGUMENT. */
  static invalid(path: string, issue: string): XrError {
    return new XrError(ErrorCode.INVALID_ARGUMENT, `${path}: ${issue}`, { details: [{ path, issue }] });
  }
}
