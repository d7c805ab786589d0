/**
 * The benchmark's subject: the real gateway of the intake region 430100, as
 * production runs it (one region per process; BENCH_REGIONS=430100,440100
 * hosts the federation-in-a-box instead), on the embedded bus with its SQLite
 * ledger at the default synchronous=FULL, on free ports. Run by intake.bench.ts as
 * `node --import tsx test/bench/gateway-server.ts` with BENCH_DATA_DIR set
 * to a fresh directory; prints `{"url":"http://127.0.0.1:PORT"}` for 430100.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { startFederation } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { seedPartnerCatalogs } from "../helpers/gateway-process.js";
import { TEST_HOLIDAYS } from "../helpers/test-calendar.js";
import { announce, onShutdown } from "./child.js";

const INTAKE_REGION = "430100";

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) {
  console.error("gateway-server: BENCH_DATA_DIR must name a fresh data directory");
  process.exit(2);
}

// Alone on free ports, 430100 cannot reach its partners to pull their catalogs: they are stored as the
// first pull would have left them.
await seedPartnerCatalogs(INTAKE_REGION, dataDir);
const fed = await startFederation({
  holidaysFile: TEST_HOLIDAYS,
  configDir: join(PROJECT_ROOT, "config"),
  adaptersDir: join(PROJECT_ROOT, "adapters"),
  dataDir,
  regions: (process.env.BENCH_REGIONS ?? INTAKE_REGION).split(","),
  ephemeralPorts: true,
  log: createLogger("warn"),
});
onShutdown(async (reason) => {
  await fed.close();
  // The parent counts the ledger after a normal stop and removes the directory
  // itself; if it died, nobody else will.
  if (reason === "parent gone") rmSync(dataDir, { recursive: true, force: true });
});

const r = fed.regions.get(INTAKE_REGION);
if (!r) {
  console.error(`gateway-server: region ${INTAKE_REGION} is not hosted`);
  await fed.close();
  process.exit(2);
}
announce({ url: r.url });
