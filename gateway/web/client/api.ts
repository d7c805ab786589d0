/** Same-origin calls to this gateway's REST API (`/api/v1`), with its error shape turned into {@link ApiError}. */

/** One field-level problem of an error body: `path` is the request's JSON path. */
export interface IssueDetail {
  readonly path: string;
  readonly issue: string;
}

/** An error answer: `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly IssueDetail[],
  ) {
    super(message);
  }

  /** Reads the documented error body of `res`, or describes what came instead. */
  static async from(res: Response): Promise<ApiError> {
    const body = (await res.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string; details?: IssueDetail[] } }
      | undefined;
    const e = body?.error;
    return new ApiError(
      res.status,
      e?.code ?? "UNKNOWN",
      e?.message ?? `HTTP ${res.status}`,
      e?.details ?? [],
    );
  }
}

/** Calls `method /api/v1{path}` with an optional JSON body; resolves with the parsed answer. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = { method, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, "Content-Type": "application/json" };
  }
  const res = await fetch(`/api/v1${path}`, init);
  if (!res.ok) throw await ApiError.from(res);
  return (await res.json()) as T;
}

/** A fresh `Idempotency-Key`, so a resent form is taken once (getRandomValues works outside HTTPS too). */
export function idempotencyKey(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
