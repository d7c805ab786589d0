/** Plumbing shared by the gRPC handlers: one place that turns results and errors into replies. */
import { once } from "node:events";
import type {
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
  ServerUnaryCall,
  ServerWritableStream,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { RequestMeta } from "../../usecases/context.js";
import { requestMeta } from "../../usecases/idempotency.js";
import { currentTraceparent, withTrace } from "../../usecases/trace.js";
import { toStatus } from "./status.js";

function logFailure(log: Logger, method: string, err: unknown): void {
  const e = XrError.from(err);
  if (e.code === ErrorCode.INTERNAL || e.code === ErrorCode.UNAVAILABLE) {
    log.error({ err, rpc: method, code: e.code }, "rpc failed");
  } else {
    // Not the message: a refusal may quote what the caller sent (an unknown case id, a field's value).
    log.debug({ rpc: method, code: e.code }, "rpc refused");
  }
}

/**
 * Runs a handler in the trace scope of the call: the caller's `traceparent`
 * metadata continued (or a new trace), and the request's case id if it names one.
 */
function inCallScope(call: { metadata: Metadata; request: unknown }, fn: () => void): void {
  const caseId = (call.request as { caseId?: unknown } | undefined)?.caseId;
  withTrace(
    String(call.metadata.get("traceparent")[0] ?? ""),
    fn,
    typeof caseId === "string" ? caseId : undefined,
  );
}

/** A unary handler from an async function; every error leaves as its mapped status. */
export function unary<Req, Res>(
  log: Logger,
  method: string,
  fn: (call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    inCallScope(call, () => {
      fn(call).then(
        (res) => {
          log.debug({ rpc: method }, "rpc served");
          callback(null, res);
        },
        (err) => {
          logFailure(log, method, err);
          callback(toStatus(err));
        },
      );
    });
  };
}

/**
 * A server-streaming handler from an async function that writes with
 * `send` (which waits while the client is slow); ends the call when it
 * returns, with the mapped status when it throws. `signal` aborts when the
 * client cancels or the deadline passes.
 */
export function serverStream<Req, Res>(
  log: Logger,
  method: string,
  fn: (
    call: ServerWritableStream<Req, Res>,
    send: (msg: Res) => Promise<void>,
    signal: AbortSignal,
  ) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const abort = new AbortController();
    call.on("cancelled", () => abort.abort());
    call.on("close", () => abort.abort());
    const send = async (msg: Res) => {
      if (abort.signal.aborted) return;
      // Backpressure: a slow client holds the stream here, not in our memory.
      if (!call.write(msg)) await once(call, "drain", { signal: abort.signal }).catch(() => undefined);
    };
    inCallScope(call, () => {
      fn(call, send, abort.signal).then(
        () => {
          log.debug({ rpc: method, cancelled: abort.signal.aborted }, "rpc served");
          if (!abort.signal.aborted) call.end();
        },
        (err) => {
          logFailure(log, method, err);
          if (!abort.signal.aborted) call.emit("error", toStatus(err));
        },
      );
    });
  };
}

/** Refuses work whose deadline has already passed, before it changes anything. */
export function checkDeadline(call: { getDeadline(): Date | number }): void {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  if (Number.isFinite(ms) && ms <= Date.now()) {
    throw new XrError(ErrorCode.DEADLINE_EXCEEDED, "the call's deadline passed before the work began");
  }
}

/** Request facts from call metadata: the call's trace (see {@link unary}) and `idempotency-key`. */
export function metaOf(metadata: Metadata, request: unknown): RequestMeta {
  const traceparent = currentTraceparent() || String(metadata.get("traceparent")[0] ?? "");
  const key = metadata.get("idempotency-key")[0];
  return requestMeta(traceparent, key === undefined ? undefined : String(key), request, "idempotency-key");
}
