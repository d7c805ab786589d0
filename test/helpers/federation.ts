/**
 * Starts a federation in-process on a fresh data directory with free ports,
 * logs captured in memory, and registers its own cleanup.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import {
  type FederationHandle,
  type FederationOptions,
  startFederation,
} from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import type { EmbeddedBus } from "../../gateway/transports/embedded/bus.js";
import { uploadFixtureMaterials } from "./fixtures.js";
import { captureLog } from "./log-scan.js";
import { authFor, registerRegionUrl } from "./staff.js";
import { TEST_HOLIDAYS } from "./test-calendar.js";

/** A test federation with helpers. */
export interface TestFederation {
  readonly fed: FederationHandle;
  readonly bus: EmbeddedBus;
  readonly dataDir: string;
  /** Every log line written so far, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  url(region: string): string;
  stop(): Promise<void>;
}

/** Starts every configured region (or `regions`) on a temp dir. */
export async function startTestFederation(
  regions: string[] = [],
  extra: Partial<
    Pick<
      FederationOptions,
      "partnerSettings" | "drainMs" | "trustProxy" | "kafkaBrokers" | "subtaskTakeUpHours" | "databaseUrl"
    >
  > = {},
): Promise<TestFederation> {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-test-"));
  const logs: Array<Record<string, unknown>> = [];
  const sink = logSink(logs);
  const fed = await startFederation({
    holidaysFile: TEST_HOLIDAYS,
    configDir: join(PROJECT_ROOT, "config"),
    adaptersDir: join(PROJECT_ROOT, "adapters"),
    dataDir,
    regions,
    ephemeralPorts: true,
    log: createLogger("debug", sink),
    ...extra,
  });
  for (const r of fed.regions.values()) {
    await r.inboxStarted();
    registerRegionUrl(r.url, r.region);
  }
  return {
    fed,
    bus: fed.bus as EmbeddedBus,
    dataDir,
    logs,
    url: (region) => {
      const r = fed.regions.get(region);
      if (!r) throw new Error(`region ${region} not hosted`);
      return `${r.url}/api/v1`;
    },
    stop: async () => {
      await fed.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A pino destination that keeps each line parsed in `logs` and hands it to the suite's log scan. */
export function logSink(logs: Array<Record<string, unknown>>): Writable {
  return new Writable({
    write(chunk, _enc, cb) {
      captureLog(String(chunk));
      for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
      cb();
    },
  });
}

/**
 * JSON request helper returning status, headers and parsed body. Like a
 * window, it first uploads the fixture files a case or supplement names.
 */
export async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const api = /^(.*\/api\/v1)\/cases(\/[^/]+\/actions)?$/.exec(url)?.[1];
  const uploads = method === "POST" && api !== undefined && typeof body === "object";
  if (uploads) await uploadFixtureMaterials(api, body);
  const send = async () => {
    // Signed in as the region's admin unless the test says otherwise ({ authorization: "" }: no credentials).
    const given = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const merged: Record<string, string> = { ...authFor(url), ...given };
    if (merged.authorization === "") delete merged.authorization;
    const init: RequestInit = { method, headers: merged };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const res = await fetch(url, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const first = await send();
  // A gateway on a fresh data directory behind a reused address: upload again and retry once.
  const notHeld = first.status === 400 && /not uploaded/.test(JSON.stringify(first.body));
  if (uploads && notHeld && (await uploadFixtureMaterials(api, body, true)) > 0) return send();
  return first;
}

/** Polls `probe` until it returns a value, or fails after `ms`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until `region` holds the case in `status`. */
export async function waitForStatus(
  t: TestFederation,
  region: string,
  caseId: string,
  status: string,
): Promise<any> {
  return eventually(async () => {
    const r = await call("GET", `${t.url(region)}/cases/${caseId}`);
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  }, `${region} to see case ${caseId} as ${status}`);
}
