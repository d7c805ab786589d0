/** Same-origin calls to this gateway's REST API (`/api/v1`), with its error shape turned into {@link ApiError}. */

/**
 * One field-level problem of an error body: `path` is the request's JSON path, `issue` the check's own text,
 * `message` its Chinese wording (the gateway answers the page in Chinese: domain/messages.ts).
 */
export interface IssueDetail {
  readonly path: string;
  readonly issue: string;
  readonly message?: string;
}

/** An error answer: `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: readonly IssueDetail[],
  ) {
    super(message);
  }
}

/**
 * Calls `method /api/v1{path}` with an optional body (a file as it is, anything else as JSON; `headers`
 * may name a file's type); resolves with the parsed answer.
 */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const json = body !== undefined && !(body instanceof Blob);
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      Accept: "application/json",
      // Refusals come back worded in Chinese, from the catalogue the page's own checks use too.
      "Accept-Language": "zh-CN",
      ...(json ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    body: json ? JSON.stringify(body) : ((body as Blob | undefined) ?? null),
  });
  if (!res.ok) {
    // The documented error body, or a description of what came instead.
    const body = (await res.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string; details?: IssueDetail[] } }
      | undefined;
    const e = body?.error;
    throw new ApiError(e?.code ?? "UNKNOWN", e?.message ?? `HTTP ${res.status}`, e?.details ?? []);
  }
  return (await res.json()) as T;
}

/** Lowercase hex of `bytes`. */
export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A fresh `Idempotency-Key`, so a resent form is taken once (getRandomValues works outside HTTPS too). */
export function idempotencyKey(prefix: string): string {
  return `${prefix}-${hex(crypto.getRandomValues(new Uint8Array(12)))}`;
}
