/**
 * Server-sent events over an express response: headers, heartbeats,
 * backpressure, and an end when the client leaves or the gateway stops.
 */
import { once } from "node:events";
import type { Response } from "express";

/** Comment lines at this interval keep proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting after the stream drops. */
const RETRY_MS = 2_000;

/** One open event stream. */
export interface SseStream {
  /** Aborted once the client disconnects or the server stops listening. */
  readonly signal: AbortSignal;
  /** Writes one event; resolves once the socket can take more. */
  send(event: string, data: string, id?: string): Promise<void>;
}

/**
 * Starts an event stream on `res`. A region's `close()` waits for open
 * connections, and a stream never ends on its own, so each stream also ends
 * when `closing` aborts: shutdown is not held up by an open page.
 */
export function openSse(res: Response, closing: AbortSignal): SseStream {
  const done = new AbortController();
  res.status(200);
  res.set({
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    // nginx would otherwise buffer the stream.
    "X-Accel-Buffering": "no",
    // A stream's connection is never reused: closing it with the stream lets shutdown finish at once.
    Connection: "close",
  });
  res.flushHeaders();
  res.write(`retry: ${RETRY_MS}\n\n`);
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
  const finish = () => done.abort();
  res.once("close", finish);
  if (closing.aborted) done.abort();
  else closing.addEventListener("abort", finish, { once: true });
  done.signal.addEventListener("abort", () => {
    clearInterval(heartbeat);
    closing.removeEventListener("abort", finish);
    if (!res.writableEnded) res.end();
  });
  return {
    signal: done.signal,
    send: async (event, data, id) => {
      if (done.signal.aborted) return;
      // `data` is one line of JSON; SSE would split it at line breaks.
      const frame = `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`;
      if (!res.write(frame)) await once(res, "drain", { signal: done.signal }).catch(() => undefined);
    },
  };
}
