/**
 * Entry point of `npm start` / `xr start`: hosts the configured regions,
 * prints where each listens, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { ConfigError } from "./config/load.js";
import { optionsFromEnv, startFederation } from "./runtime/federation.js";
import { createLogger } from "./runtime/logger.js";

/** Runs the gateway until a signal arrives. */
export async function main(): Promise<void> {
  const log = createLogger();
  let fed: Awaited<ReturnType<typeof startFederation>>;
  try {
    fed = await startFederation(optionsFromEnv(process.env, log));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const lines = [...fed.regions.values()].map((r) => {
    const name = fed.config.federation.regions.get(r.region)?.name ?? "";
    return (
      `  ${r.region} ${name}  窗口 ${r.url}/  API ${r.url}/api/v1  gRPC ${r.grpcAddress}\n` +
      `         (health ${r.url}/healthz, metrics ${r.url}/metrics)`
    );
  });
  const transport = process.env.KAFKA_BROKERS ? `Kafka ${process.env.KAFKA_BROKERS}` : "embedded bus";
  process.stdout.write(`xr gateway ready (${fed.config.name}, ${transport}):\n${lines.join("\n")}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    await fed.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

await main();
