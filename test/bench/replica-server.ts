/**
 * One replica of the intake region 430100 for the replicas benchmark: the
 * real gateway with its ledger in PostgreSQL (BENCH_DATABASE_URL) and its bus
 * on Kafka (BENCH_KAFKA_BROKERS), on free ports. Replicas of one run share
 * BENCH_DATA_DIR (keys) and the database. Prints `{"url":"http://127.0.0.1:PORT"}`.
 */
import { join } from "node:path";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { startFederation } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { TEST_HOLIDAYS } from "../helpers/test-calendar.js";
import { announce, onShutdown } from "./child.js";

const INTAKE_REGION = "430100";
const {
  BENCH_DATA_DIR: dataDir,
  BENCH_DATABASE_URL: databaseUrl,
  BENCH_KAFKA_BROKERS: brokers,
} = process.env;
if (!dataDir || !databaseUrl || !brokers) {
  console.error("replica-server: BENCH_DATA_DIR, BENCH_DATABASE_URL and BENCH_KAFKA_BROKERS must be set");
  process.exit(2);
}

const fed = await startFederation({
  holidaysFile: TEST_HOLIDAYS,
  configDir: join(PROJECT_ROOT, "config"),
  adaptersDir: join(PROJECT_ROOT, "adapters"),
  dataDir,
  databaseUrl,
  kafkaBrokers: brokers.split(","),
  regions: [INTAKE_REGION],
  ephemeralPorts: true,
  drainMs: 0,
  log: createLogger("warn"),
});
onShutdown(() => fed.close());
const r = fed.regions.get(INTAKE_REGION);
announce({ url: r?.url });
