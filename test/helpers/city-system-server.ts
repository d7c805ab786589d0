/**
 * A stand-in for 南昌's 政务服务事项管理系统 (the 360100 city system), on
 * 127.0.0.1 and a free port: the paged catalog API and the case intake API
 * of adapters/360100, with scripted faults (429 with Retry-After, 5xx, slow
 * answers) so tests can drive the adapter's retries and breaker.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../gateway/paths.js";

/** One scripted answer: a fault, or "ok" to answer normally. */
export type Fault = "ok" | "429" | "500" | "503" | "404" | { readonly delayMs: number };

/** The catalog the stand-in serves: the bundled snapshot's shape. */
export interface CityCatalog {
  version: string;
  items: Array<Record<string, any>>;
}

/** A running stand-in. */
export interface CitySystemServer {
  readonly url: string;
  catalog: CityCatalog;
  /** Answers to the next requests, in order; "ok" once they are used up. */
  readonly faults: Fault[];
  /** Retry-After the 429s carry, in seconds. */
  retryAfter: string;
  /** Every request seen: method, path and when. */
  readonly requests: Array<{ method: string; path: string; at: number }>;
  /** Cases pushed to `POST /api/cases`, once per Idempotency-Key. */
  readonly cases: Array<{ key: string; record: Record<string, any> }>;
  close(): Promise<void>;
}

/** The bundled snapshot (adapters/360100/catalog.json) as the stand-in's starting catalog. */
export function snapshotCatalog(): CityCatalog {
  const doc = JSON.parse(readFileSync(join(PROJECT_ROOT, "adapters/360100/catalog.json"), "utf8"));
  return { version: doc.version, items: doc.items };
}

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

/** Starts the stand-in; it serves `catalog` (default: the bundled snapshot). */
export async function startCitySystemServer(catalog = snapshotCatalog()): Promise<CitySystemServer> {
  const state = {
    catalog,
    faults: [] as Fault[],
    retryAfter: "1",
    requests: [] as CitySystemServer["requests"],
    cases: [] as CitySystemServer["cases"],
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    state.requests.push({ method: req.method ?? "", path: url.pathname + url.search, at: Date.now() });
    const payload = req.method === "POST" ? await body(req) : "";
    const fault = state.faults.shift() ?? "ok";
    if (typeof fault === "object") await new Promise((r) => setTimeout(r, fault.delayMs));
    else if (fault === "429") {
      res.writeHead(429, { "retry-after": state.retryAfter, "content-type": "application/json" });
      return res.end('{"code":"RATE_LIMITED","message":"请求过于频繁"}');
    } else if (fault !== "ok") {
      res.writeHead(Number(fault), { "content-type": "application/json" });
      return res.end(`{"code":"E${fault}","message":"系统繁忙"}`);
    }
    if (res.destroyed) return;
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(value));
    };
    if (req.method === "GET" && url.pathname === "/api/catalog") {
      const page = Number(url.searchParams.get("page") ?? "1");
      const size = Math.min(Number(url.searchParams.get("size") ?? "20"), 20);
      const items = state.catalog.items.slice((page - 1) * size, page * size);
      return json(200, {
        version: state.catalog.version,
        page,
        size,
        total: state.catalog.items.length,
        items,
      });
    }
    if (req.method === "POST" && url.pathname === "/api/cases") {
      const key = String(req.headers["idempotency-key"] ?? "");
      if (key === "") return json(400, { code: "NO_KEY", message: "Idempotency-Key is required" });
      if (state.cases.some((c) => c.key === key)) return json(200, { accepted: key, duplicate: true });
      state.cases.push({ key, record: JSON.parse(payload) });
      return json(201, { accepted: key });
    }
    json(404, { code: "NOT_FOUND", message: url.pathname });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
