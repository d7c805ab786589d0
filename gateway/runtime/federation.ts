/**
 * Starts the regions this process hosts on one bus ("federation in a box"
 * for development; in production each region runs alone), on Kafka when
 * KAFKA_BROKERS is set and on the embedded bus otherwise. Reads the
 * environment as DESIGN.md's "Configuration" section fixes it.
 */
import { join } from "node:path";
import type { Logger } from "pino";
import { ConfigError, type LoadedConfig, loadConfig } from "../config/load.js";
import { PROJECT_ROOT } from "../paths.js";
import type { Bus } from "../ports/bus.js";
import { EmbeddedBus } from "../transports/embedded/bus.js";
import { KafkaBus } from "../transports/kafka/bus.js";
import { type RegionHandle, startRegion } from "./region.js";

/** Settings read from the environment (or given by tests). */
export interface FederationOptions {
  readonly configDir: string;
  readonly adaptersDir: string;
  readonly dataDir: string;
  /** Regions to host; empty = every configured region. */
  readonly regions: readonly string[];
  /** Listen on free ports instead of the configured ones (tests). */
  readonly ephemeralPorts?: boolean;
  /** Kafka bootstrap servers; empty or absent = the embedded bus under `dataDir`. */
  readonly kafkaBrokers?: readonly string[];
  /** Let the gateway create missing Kafka topics (development); production provisions them. */
  readonly kafkaCreateTopics?: boolean;
  readonly log: Logger;
}

/** Running regions and their shared bus. */
export interface FederationHandle {
  readonly config: LoadedConfig;
  readonly bus: Bus;
  readonly regions: ReadonlyMap<string, RegionHandle>;
  close(): Promise<void>;
}

/** Reads `XR_*`, `KAFKA_BROKERS` and `DATABASE_URL`; throws ConfigError on anything unusable. */
export function optionsFromEnv(env: NodeJS.ProcessEnv, log: Logger): FederationOptions {
  const problems: string[] = [];
  const kafkaBrokers = (env.KAFKA_BROKERS ?? "")
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  for (const b of kafkaBrokers) {
    if (!/^[\w.-]+:\d{1,5}$/.test(b) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(b)) {
      problems.push(`KAFKA_BROKERS: "${b}" is not host:port`);
    }
  }
  if (env.DATABASE_URL) {
    problems.push(
      "DATABASE_URL: the PostgreSQL store is not part of this build yet; unset it to use SQLite under data/",
    );
  }
  const regions = (env.XR_REGIONS ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of regions)
    if (!/^\d{6}$/.test(r)) problems.push(`XR_REGIONS: "${r}" is not a six-digit region code`);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    configDir: env.XR_CONFIG_DIR ?? join(PROJECT_ROOT, "config"),
    adaptersDir: env.XR_ADAPTERS_DIR ?? join(PROJECT_ROOT, "adapters"),
    dataDir: env.XR_DATA_DIR ?? join(PROJECT_ROOT, "data"),
    regions,
    ephemeralPorts: env.XR_EPHEMERAL_PORTS === "1",
    kafkaBrokers,
    kafkaCreateTopics: env.XR_KAFKA_CREATE_TOPICS !== "0",
    log,
  };
}

/** Loads the configuration and starts every hosted region. */
export async function startFederation(o: FederationOptions): Promise<FederationHandle> {
  const config = await loadConfig(o.configDir, o.adaptersDir);
  const hosted = o.regions.length > 0 ? o.regions : [...config.federation.regions.keys()];
  const unknown = hosted.filter((r) => !config.federation.regions.has(r));
  if (unknown.length > 0)
    throw new ConfigError(unknown.map((r) => `XR_REGIONS: ${r} is not in federation.yaml`));
  const bus: Bus =
    o.kafkaBrokers && o.kafkaBrokers.length > 0
      ? new KafkaBus({
          brokers: o.kafkaBrokers,
          clientId: `xr-gateway-${hosted.join("-")}`,
          log: o.log,
          createTopics: o.kafkaCreateTopics ?? true,
        })
      : new EmbeddedBus({ path: join(o.dataDir, "bus.db") });
  const regions = new Map<string, RegionHandle>();
  try {
    for (const region of hosted) {
      const listen = config.listen.get(region) ?? { host: "127.0.0.1", port: 0 };
      regions.set(
        region,
        await startRegion({
          region,
          config,
          bus,
          dataDir: o.dataDir,
          log: o.log,
          host: listen.host,
          port: o.ephemeralPorts ? 0 : listen.port,
        }),
      );
    }
  } catch (err) {
    for (const r of regions.values()) await r.close();
    await bus.close();
    throw err;
  }
  return {
    config,
    bus,
    regions,
    close: async () => {
      for (const r of regions.values()) await r.close();
      await bus.close();
    },
  };
}
