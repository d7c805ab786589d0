/** The one mapping from error codes to HTTP statuses. */
import type { ErrorCode } from "../../domain/errors.js";

/** HTTP status of each {@link ErrorCode}. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  INTERNAL: 500,
  UNSUPPORTED_MEDIA_TYPE: 415,
  DATA_LOSS: 500,
  CALENDAR_UNCOVERED: 503,
};
