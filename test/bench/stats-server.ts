/**
 * The stats benchmark's subject: the handling region 440100 hosted with its partners' windows (the
 * federation-in-a-box of config/, embedded bus, SQLite ledgers at synchronous=FULL, free ports), its ledger
 * seeded with BENCH_CASES cases through the ledger's commit API (stats-seed.ts) before it is announced.
 * Run by stats.bench.ts as `node --import tsx test/bench/stats-server.ts` with BENCH_DATA_DIR set;
 * prints `{"url":…,"seeded":…,"seedMs":…}`.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { cstDate } from "../../gateway/domain/calendar.js";
import { partnersOf } from "../../gateway/domain/matter.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { startFederation } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { TEST_HOLIDAYS } from "../helpers/test-calendar.js";
import { announce, onShutdown } from "./child.js";
import { seedCases } from "./stats-seed.js";

const HANDLING = "440100";
const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) {
  console.error("stats-server: BENCH_DATA_DIR must name a fresh data directory");
  process.exit(2);
}
const count = Number(process.env.BENCH_CASES ?? 100_000);

const fed = await startFederation({
  holidaysFile: TEST_HOLIDAYS,
  configDir: join(PROJECT_ROOT, "config"),
  adaptersDir: join(PROJECT_ROOT, "adapters"),
  dataDir,
  regions: ["430100", HANDLING],
  ephemeralPorts: true,
  log: createLogger("warn"),
});
onShutdown(async (reason) => {
  await fed.close();
  if (reason === "parent gone") rmSync(dataDir, { recursive: true, force: true });
});
const r = fed.regions.get(HANDLING);
if (!r) {
  console.error(`stats-server: region ${HANDLING} is not hosted`);
  await fed.close();
  process.exit(2);
}
const ctx = r.context;
const seedMs = await seedCases(ctx.store, {
  count,
  handling: HANDLING,
  partners: partnersOf(ctx.federation, HANDLING),
  today: cstDate(ctx.clock.now()),
});
announce({ url: r.url, seeded: count, seedMs: Math.round(seedMs) });
