/**
 * The trace context of the work in hand: a W3C trace id and span id, and the
 * case being worked on, kept in AsyncLocalStorage so that every log line
 * written inside a scope carries them (the logger's mixin reads
 * {@link traceFields}) without passing them through every call. Scopes are
 * opened by the transports and runners: a REST request, a gRPC call, a
 * consumed record, a relayed message, a material fetch.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomFillSync } from "node:crypto";
import { checkRecordId } from "../domain/ids.js";

/** The trace scope of the work in hand. */
export interface TraceScope {
  /** 32 lowercase hex digits, shared by every hop of one case's journey. */
  readonly traceId: string;
  /** 16 hex digits: this hop's span. */
  readonly spanId: string;
  /** Trace flags (`01` = sampled). */
  readonly flags: string;
  /** The case being worked on, once known (set by {@link setTraceCase}). */
  caseId: string | undefined;
}

const storage = new AsyncLocalStorage<TraceScope>();

const pool = Buffer.alloc(8192);
let poolNext = pool.length;

/** Random hex from a pooled CSPRNG buffer: one system call per few hundred ids (a scope per request). */
function randomHex(bytes: number): string {
  if (poolNext + bytes > pool.length) {
    randomFillSync(pool);
    poolNext = 0;
  }
  poolNext += bytes;
  return pool.toString("hex", poolNext - bytes, poolNext);
}
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);

/** The trace id and parent span of a valid W3C `traceparent`, or undefined (absent, malformed, all-zero). */
export function parseTraceparent(
  value: string | undefined,
): { traceId: string; spanId: string; flags: string } | undefined {
  const m = TRACEPARENT.exec(value?.trim().toLowerCase() ?? "");
  if (!m || m[1] === ZERO_TRACE || m[2] === "0000000000000000") return undefined;
  return { traceId: m[1] as string, spanId: m[2] as string, flags: m[3] as string };
}

/**
 * The case id a scope may carry into every log line: only one of the shape this gateway makes. An id
 * taken from a URL, a gRPC request or a bus record's key before it was looked up is whatever the caller
 * sent, personal data included.
 */
function loggableCaseId(caseId: string | undefined): string | undefined {
  return caseId && checkRecordId(caseId) === undefined ? caseId : undefined;
}

/** A new span continuing `parent` (a `traceparent`), or the root span of a new trace. */
export function childScope(parent: string | undefined, caseId?: string): TraceScope {
  const p = parseTraceparent(parent);
  return {
    traceId: p?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    flags: p?.flags ?? "01",
    caseId: loggableCaseId(caseId),
  };
}

/** The `traceparent` header value of a scope. */
export function traceparentOf(scope: TraceScope): string {
  return `00-${scope.traceId}-${scope.spanId}-${scope.flags}`;
}

/** A fresh W3C traceparent, or `parent` continued with a new span id (what an emitted envelope carries). */
export function childTraceparent(parent: string | undefined): string {
  return traceparentOf(childScope(parent));
}

/** Runs `fn` in a new span continuing `parent` (or a new trace when it is absent or invalid). */
export function withTrace<T>(parent: string | undefined, fn: () => T, caseId?: string): T {
  return storage.run(childScope(parent, caseId), fn);
}

/** Runs `fn` inside an existing scope (re-entering one that an event emitter lost). */
export function inScope<T>(scope: TraceScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The current scope's `traceparent`, or "" outside any scope (a new trace then starts downstream). */
export function currentTraceparent(): string {
  const s = storage.getStore();
  return s ? traceparentOf(s) : "";
}

/**
 * Records the case the work in hand is about, once it is known (a new case
 * gets its id inside the submit use case). Not I/O: use cases may call it.
 */
export function setTraceCase(caseId: string): void {
  const s = storage.getStore();
  if (s) s.caseId = loggableCaseId(caseId);
}

/** What every log line inside a scope carries: `traceId` and, once known, `caseId`. */
export function traceFields(): { traceId?: string; caseId?: string } {
  const s = storage.getStore();
  if (!s) return {};
  return s.caseId ? { traceId: s.traceId, caseId: s.caseId } : { traceId: s.traceId };
}
