/** Runs the gateway's entry point as a child process, as `npm start` does. */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { loadConfig } from "../../gateway/config/load.js";
import { partnersOf } from "../../gateway/domain/matter.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { openCatalogStore } from "../../gateway/store/open.js";
import { eventually } from "./federation.js";
import { captureLog } from "./log-scan.js";
import { registerRegionUrl } from "./staff.js";

/** A gateway process and the root URL of each region it printed. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  /** Region code → `http://host:port` (without `/api/v1`). */
  readonly urls: Map<string, string>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Sends SIGKILL (no shutdown at all) and resolves once the process is gone. */
  kill(): Promise<void>;
}

/** How many regions config/federation.yaml lists (a gateway started without XR_REGIONS hosts them all). */
function configuredRegions(): number {
  return YAML.parse(readFileSync(join(PROJECT_ROOT, "config/federation.yaml"), "utf8")).regions.length;
}

/** Starts `node <args>` on `dataDir` with free ports and waits until it prints every region's URL. */
export async function spawnGateway(
  args: string[],
  dataDir: string,
  cwd: string,
  regions = configuredRegions(),
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const child = spawn(process.execPath, args, {
    cwd,
    // No drain delay on SIGTERM unless a test asks for one: nothing routes to these gateways.
    env: {
      ...process.env,
      XR_DATA_DIR: dataDir,
      XR_EPHEMERAL_PORTS: "1",
      // XR_TEST_LOG_LEVEL=debug runs them at debug, so that the run's log scan sees every level.
      LOG_LEVEL: process.env.XR_TEST_LOG_LEVEL ?? "warn",
      XR_DRAIN_MS: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  // XR_TEST_GATEWAY_LOGS=<dir> keeps each spawned gateway's output there, for debugging a failure.
  const keep = process.env.XR_TEST_GATEWAY_LOGS;
  if (keep) {
    const file = createWriteStream(join(keep, `${env.XR_REGIONS ?? "all"}-${child.pid}.log`));
    child.stdout?.pipe(file);
  }
  child.stdout?.on("data", (d) => {
    out += String(d);
    captureLog(String(d));
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
    captureLog(String(d));
  });
  const urls = await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited early:\n${out}`);
      const found = new Map(
        [...out.matchAll(/^\s+(\d{6}) \S+\s+窗口 (http:\/\/\S+)\/ /gm)].map((m) => [m[1] ?? "", m[2] ?? ""]),
      );
      return found.size === regions ? found : undefined;
    },
    "the gateway to print its URLs",
    20_000,
  );
  for (const [region, url] of urls) registerRegionUrl(url, region);
  return {
    child,
    urls,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      return exited;
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Starts one region as its own process (the real entry point, from sources) on Kafka. */
/**
 * Stores `region`'s partners' catalogs in its ledger as its first versioned
 * gRPC pull would have. Cities spawned here listen on ephemeral ports, so
 * they know no partner's gRPC address to pull from (a federation directory
 * that would tell them is not built yet).
 */
export async function seedPartnerCatalogs(
  region: string,
  dataDir: string,
  databaseUrl?: string,
): Promise<void> {
  const config = await loadConfig(join(PROJECT_ROOT, "config"), join(PROJECT_ROOT, "adapters"));
  const store = await openCatalogStore({ region, dataDir, databaseUrl });
  try {
    for (const partner of partnersOf(config.federation, region)) {
      const c = config.catalogs.get(partner);
      if (c) await store.save(partner, c.version, c.matters);
    }
  } finally {
    await store.close();
  }
}

export async function startCity(region: string, dataDir: string, brokers: string[]): Promise<GatewayProcess> {
  await seedPartnerCatalogs(region, dataDir);
  return spawnGateway(["--import", "tsx", join(PROJECT_ROOT, "gateway/main.ts")], dataDir, PROJECT_ROOT, 1, {
    XR_REGIONS: region,
    KAFKA_BROKERS: brokers.join(","),
  });
}

/**
 * Starts one replica of a region (the real entry point, from sources) on
 * Kafka with its ledger in PostgreSQL. Replicas of a region share `dataDir`
 * (keys and materials, a shared volume in production) and `databaseUrl`.
 */
export async function startReplica(
  region: string,
  dataDir: string,
  brokers: string[],
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  await seedPartnerCatalogs(region, dataDir, databaseUrl);
  return spawnGateway(["--import", "tsx", join(PROJECT_ROOT, "gateway/main.ts")], dataDir, PROJECT_ROOT, 1, {
    XR_REGIONS: region,
    KAFKA_BROKERS: brokers.join(","),
    DATABASE_URL: databaseUrl,
    ...env,
  });
}
