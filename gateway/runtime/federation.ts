/**
 * Starts the regions this process hosts on one bus ("federation in a box"
 * for development; in production each region runs alone), on Kafka when
 * KAFKA_BROKERS is set and on the embedded bus otherwise. Reads the
 * environment variables the README's "Configuration" section lists.
 */
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { ConfigError, type LoadedConfig, loadConfig } from "../config/load.js";
import { loadSigningConfig, regionSigner } from "../config/signing-keys.js";
import { loadStaff } from "../config/staff.js";
import { type DevIdentityProvider, startDevIdentityProvider } from "../identity/dev-provider.js";
import { type IdTokenVerifier, idTokenVerifier } from "../identity/id-token.js";
import { PROJECT_ROOT } from "../paths.js";
import type { Bus } from "../ports/bus.js";
import { aesGcmCipher, type DataCipher } from "../security/cipher.js";
import { loadDataKey } from "../security/data-key.js";
import { registryVerifier } from "../security/ed25519.js";
import { generateKeys, type RegionCredentials, readRegionCredentials } from "../security/keys-dir.js";
import { EmbeddedBus } from "../transports/embedded/bus.js";
import type { PartnerCallSettings } from "../transports/grpc/partners.js";
import { KafkaBus } from "../transports/kafka/bus.js";
import type { KafkaSasl } from "../transports/kafka/provision.js";
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
  /** PostgreSQL URL of the ledgers (one schema per region); absent = SQLite files under `dataDir`. */
  readonly databaseUrl?: string;
  /** Kafka bootstrap servers; empty or absent = the embedded bus under `dataDir`. */
  readonly kafkaBrokers?: readonly string[];
  /** SASL/SCRAM credentials of this gateway's Kafka principal (KAFKA_SASL_USERNAME / _PASSWORD). */
  readonly kafkaSasl?: KafkaSasl;
  /** XR_KAFKA_SESSION_TIMEOUT_MS: how soon replicas take over a silent replica's partitions. */
  readonly kafkaSessionTimeoutMs?: number;
  /** Let the gateway create missing Kafka topics (development); production provisions them. */
  readonly kafkaCreateTopics?: boolean;
  /** Where the federation CA and region certificates are (default: `<dataDir>/<grpc.keys>`). */
  readonly keysDir?: string;
  /** Where secrets such as XR_DATA_KEY are read from (default: none; main passes process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Breaker and deadline settings of partner calls (tests shorten them). */
  readonly partnerSettings?: Partial<PartnerCallSettings>;
  /** How long each region reports not ready before it closes, on close() (ms; default 0). */
  readonly drainMs?: number;
  /** Overrides federation.yaml `multiRegion.takeUpHours` (tests shorten it). */
  readonly subtaskTakeUpHours?: number;
  /**
   * XR_TRUST_PROXY: the reverse proxies in front of the REST API whose X-Forwarded-For/-Proto/-Host are
   * believed, as a number of hops or a list of addresses and subnets (express's `trust proxy`); absent = none.
   */
  readonly trustProxy?: number | readonly string[];
  /**
   * XR_HOLIDAYS_FILE: the holiday calendar time limits are counted on (default `<configDir>/holidays.yaml`),
   * for a province that keeps one calendar file for all its gateways.
   */
  readonly holidaysFile?: string;
  readonly log: Logger;
}

/** Running regions and their shared bus. */
export interface FederationHandle {
  readonly config: LoadedConfig;
  readonly bus: Bus;
  readonly regions: ReadonlyMap<string, RegionHandle>;
  /** The development identity providers started here (region `identity.devProvider`), by region. */
  readonly devIdentityProviders: ReadonlyMap<string, DevIdentityProvider>;
  close(): Promise<void>;
}

/** Drain delay when XR_DRAIN_MS is not set (ms). */
const DEFAULT_DRAIN_MS = 5_000;

/** Reads `XR_*`, `KAFKA_BROKERS` and `DATABASE_URL`; throws ConfigError on anything unusable. */
export function optionsFromEnv(env: NodeJS.ProcessEnv, log: Logger): FederationOptions {
  const problems: string[] = [];
  const list = (v: string | undefined) =>
    (v ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
  const kafkaBrokers = list(env.KAFKA_BROKERS);
  for (const b of kafkaBrokers) {
    if (!/^[\w.-]+:\d{1,5}$/.test(b) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(b)) {
      problems.push(`KAFKA_BROKERS: "${b}" is not host:port`);
    }
  }
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\/\S+$/.test(env.DATABASE_URL)) {
    problems.push('DATABASE_URL: expected "postgres://user@host:port/database"');
  }
  const sessionTimeout = env.XR_KAFKA_SESSION_TIMEOUT_MS;
  if (sessionTimeout !== undefined && !/^\d{4,6}$/.test(sessionTimeout)) {
    problems.push(
      `XR_KAFKA_SESSION_TIMEOUT_MS: "${sessionTimeout}" is not a number of milliseconds (6000 or more)`,
    );
  }
  const regions = list(env.XR_REGIONS);
  for (const r of regions)
    if (!/^\d{6}$/.test(r)) problems.push(`XR_REGIONS: "${r}" is not a six-digit region code`);
  // Long enough for a load balancer's health probes (every few seconds) to see the region go unready.
  const drainMs = Number(env.XR_DRAIN_MS ?? DEFAULT_DRAIN_MS);
  if (!Number.isInteger(drainMs) || drainMs < 0 || drainMs > 600_000)
    problems.push(`XR_DRAIN_MS: "${env.XR_DRAIN_MS}" is not a whole number of milliseconds from 0 to 600000`);
  const trustProxy = parseTrustProxy(env.XR_TRUST_PROXY, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    configDir: env.XR_CONFIG_DIR ?? join(PROJECT_ROOT, "config"),
    adaptersDir: env.XR_ADAPTERS_DIR ?? join(PROJECT_ROOT, "adapters"),
    dataDir: env.XR_DATA_DIR ?? join(PROJECT_ROOT, "data"),
    regions,
    ephemeralPorts: env.XR_EPHEMERAL_PORTS === "1",
    drainMs,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    kafkaBrokers,
    ...(env.KAFKA_SASL_USERNAME
      ? {
          kafkaSasl: {
            mechanism: "scram-sha-256" as const,
            username: env.KAFKA_SASL_USERNAME,
            password: env.KAFKA_SASL_PASSWORD ?? "",
          },
        }
      : {}),
    kafkaCreateTopics: env.XR_KAFKA_CREATE_TOPICS !== "0",
    ...(sessionTimeout ? { kafkaSessionTimeoutMs: Number(sessionTimeout) } : {}),
    ...(env.XR_KEYS_DIR ? { keysDir: env.XR_KEYS_DIR } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
    ...(env.XR_HOLIDAYS_FILE ? { holidaysFile: env.XR_HOLIDAYS_FILE } : {}),
    env,
    log,
  };
}

/** Names of address ranges express's `trust proxy` knows. */
const PROXY_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

/**
 * XR_TRUST_PROXY: a number of proxy hops (0–9), or a comma-separated list of addresses, subnets
 * (`10.0.0.0/8`) and range names (`loopback`, `linklocal`, `uniquelocal`). `true` is refused: it
 * would believe every client's X-Forwarded-For, so anyone could choose the address the limiter counts.
 */
function parseTrustProxy(raw: string | undefined, problems: string[]): number | string[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (/^\d$/.test(raw.trim())) return Number(raw.trim());
  const items = raw.split(",").map((x) => x.trim());
  for (const item of items) {
    const [address = "", bits, ...rest] = item.split("/");
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const goodBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (PROXY_RANGES.has(item) || (family !== 0 && goodBits && rest.length === 0)) continue;
    problems.push(
      `XR_TRUST_PROXY: "${item}" is not a number of proxy hops (0–9), an address, a subnet or one of ` +
        "loopback, linklocal, uniquelocal (true is refused: it would believe any client's X-Forwarded-For)",
    );
  }
  return items;
}

/** Loads the configuration and starts every hosted region. */
export async function startFederation(o: FederationOptions): Promise<FederationHandle> {
  const config = await loadConfig(o.configDir, o.adaptersDir, o.regions, o.holidaysFile);
  const hosted = config.hosted;
  const bus: Bus =
    o.kafkaBrokers && o.kafkaBrokers.length > 0
      ? new KafkaBus({
          brokers: o.kafkaBrokers,
          ...(o.kafkaSasl ? { sasl: o.kafkaSasl } : {}),
          clientId: `xr-gateway-${hosted.join("-")}`,
          log: o.log,
          createTopics: o.kafkaCreateTopics ?? true,
          ...(o.kafkaSessionTimeoutMs ? { sessionTimeoutMs: o.kafkaSessionTimeoutMs } : {}),
        })
      : new EmbeddedBus({ path: join(o.dataDir, "bus.db") });
  const security = config.grpc.security;
  const keysDir = o.keysDir ?? resolve(o.dataDir, config.grpc.keys);
  // Development keys are (re)made when the CA or a region's certificate is missing: a region added to
  // federation.yaml later gets its certificate from the existing CA on the next start.
  const keysMissing = [...config.federation.regions.keys()].some(
    (r) => !existsSync(join(keysDir, `${r}.crt`)) || !existsSync(join(keysDir, `${r}.key`)),
  );
  if (
    security === "mtls" &&
    config.grpc.generateDevKeys &&
    // Without ca.key nothing can be issued here, and generateKeys would start a new CA: leave it.
    (!existsSync(join(keysDir, "ca.crt")) || (keysMissing && existsSync(join(keysDir, "ca.key"))))
  ) {
    const made = await generateKeys({
      dir: keysDir,
      federationName: config.name,
      regions: [...config.federation.regions.keys()],
    });
    o.log.warn({ keysDir, created: made.created.length }, "created a development CA and region certificates");
  } else if (security === "plaintext") {
    o.log.warn("gRPC runs without TLS (grpc.security: plaintext): for local development only");
  }
  let cipher: DataCipher;
  try {
    const dataKey = loadDataKey(o.env ?? {}, keysDir, config.grpc.generateDevKeys);
    if (dataKey.source === "generated") o.log.warn({ keysDir }, "created a development data key (data.key)");
    cipher = aesGcmCipher(dataKey.key);
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
  const signing = loadSigningConfig(o.configDir, config.federation.regions.keys());
  if (signing.devKeys)
    o.log.warn("envelopes are signed with development keys (signing-keys.yaml devKeys: true)");
  const verifier = registryVerifier(signing.registry);
  const staff = loadStaff(o.configDir, config.federation.regions.keys());
  const addresses = new Map<string, string>();
  for (const [code, a] of config.grpcListen)
    addresses.set(code, `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`);
  const regions = new Map<string, RegionHandle>();
  const devIdentityProviders = new Map<string, DevIdentityProvider>();
  const closeIdentityProviders = async () => {
    for (const p of devIdentityProviders.values()) await p.close();
  };
  try {
    for (const region of hosted) {
      const identity = await regionIdentity(
        config,
        region,
        o.ephemeralPorts === true,
        devIdentityProviders,
        o.log,
      );
      const listen = config.listen.get(region) ?? { host: "127.0.0.1", port: 0 };
      const grpcListen = config.grpcListen.get(region) ?? { host: "127.0.0.1", port: 0 };
      const signer = regionSigner(keysDir, region, signing.devKeys);
      let credentials: RegionCredentials | undefined;
      try {
        credentials = security === "mtls" ? readRegionCredentials(keysDir, region) : undefined;
      } catch (err) {
        throw new ConfigError([`grpc.keys: ${(err as Error).message}`]);
      }
      regions.set(
        region,
        await startRegion({
          region,
          config,
          bus,
          dataDir: o.dataDir,
          databaseUrl: o.databaseUrl,
          log: o.log,
          host: listen.host,
          port: o.ephemeralPorts ? 0 : listen.port,
          ...(o.drainMs !== undefined ? { drainMs: o.drainMs } : {}),
          ...(o.subtaskTakeUpHours !== undefined ? { subtaskTakeUpHours: o.subtaskTakeUpHours } : {}),
          signer,
          verifier,
          cipher,
          staff,
          identity,
          trustProxy: o.trustProxy,
          grpc: {
            host: grpcListen.host,
            port: o.ephemeralPorts ? 0 : grpcListen.port,
            security,
            ...(credentials ? { credentials } : {}),
            addresses: () => addresses,
            ...(o.partnerSettings ? { partnerSettings: o.partnerSettings } : {}),
          },
        }),
      );
      // Partners hosted in this process are reached where they actually bound (ephemeral ports).
      addresses.set(region, regions.get(region)?.grpcAddress ?? "");
    }
  } catch (err) {
    for (const r of regions.values()) await r.close();
    await closeIdentityProviders();
    await bus.close();
    throw err;
  }
  await pullMissingCatalogs(regions, o.log);
  return {
    config,
    bus,
    regions,
    devIdentityProviders,
    close: async () => {
      // Every region reports not ready at once, so the drain delay is waited once, not per region.
      await Promise.all([...regions.values()].map((r) => r.drain()));
      for (const r of regions.values()) await r.close();
      await closeIdentityProviders();
      await bus.close();
    },
  };
}

/** How long start waits for partners' catalogs that no region hosted here has stored yet. */
const FIRST_PULL_MS = 10_000;

/**
 * Pulls, once every hosted region listens, the partner catalogs none is
 * stored of, so that a fresh federation takes cases between its regions at
 * once. Bounded: a partner away is pulled by the regular rounds later.
 */
async function pullMissingCatalogs(regions: ReadonlyMap<string, RegionHandle>, log: Logger): Promise<void> {
  const pulls = Promise.all([...regions.values()].map((r) => r.catalogs.partnerSync.syncMissing()));
  const timedOut = await Promise.race([pulls.then(() => false), sleep(FIRST_PULL_MS, true, { ref: false })]);
  if (timedOut) log.warn({ waitedMs: FIRST_PULL_MS }, "partner catalogs not all pulled at start; pulling on");
}

/**
 * A region's applicant sign-in (federation.yaml `identity`, issue 18): the configured platform's issuer,
 * audience and JWKS, or the development identity provider, started here on 127.0.0.1 and announced with a
 * warning (as `devTokens` and `devKeys` are). Undefined when the region has none.
 */
async function regionIdentity(
  config: LoadedConfig,
  region: string,
  ephemeralPorts: boolean,
  started: Map<string, DevIdentityProvider>,
  log: Logger,
): Promise<{ verifier: IdTokenVerifier; authorizeUrl: string } | undefined> {
  const settings = config.identities.get(region);
  if (!settings) return undefined;
  if (settings.devProvider) {
    const dev = await startDevIdentityProvider(
      settings.audience,
      ephemeralPorts ? 0 : settings.devProvider.port,
    );
    started.set(region, dev);
    log.warn(
      { region, issuer: dev.url },
      "applicants sign in with the development identity provider (federation.yaml identity.devProvider): for development only",
    );
    const verifier = idTokenVerifier({
      issuer: dev.url,
      audience: settings.audience,
      jwksUrl: dev.jwksUrl,
      claims: settings.claims,
    });
    return { verifier, authorizeUrl: `${dev.url}/authorize` };
  }
  const verifier = idTokenVerifier({
    issuer: settings.issuer ?? "",
    audience: settings.audience,
    jwksUrl: settings.jwksUrl ?? "",
    claims: settings.claims,
  });
  return { verifier, authorizeUrl: settings.authorizeUrl ?? "" };
}
