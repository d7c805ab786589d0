/**
 * The gRPC benchmark's subject: the intake region 430100's gateway as
 * production runs it (one region per process, mutual TLS, SQLite ledger) on
 * free ports, holding one case whose materials were uploaded first. Prints
 * `{"address","url","caseId","keysDir"}`.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { startFederation } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { pensionTransfer, uploadFixtureMaterials } from "../helpers/fixtures.js";
import { registerRegionUrl } from "../helpers/staff.js";
import { TEST_HOLIDAYS } from "../helpers/test-calendar.js";
import { announce, onShutdown } from "./child.js";

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) {
  console.error("grpc-gateway-server: BENCH_DATA_DIR must name a fresh data directory");
  process.exit(2);
}
const fed = await startFederation({
  holidaysFile: TEST_HOLIDAYS,
  configDir: join(PROJECT_ROOT, "config"),
  adaptersDir: join(PROJECT_ROOT, "adapters"),
  dataDir,
  regions: ["430100"],
  ephemeralPorts: true,
  log: createLogger("warn"),
});
onShutdown(async (reason) => {
  await fed.close();
  if (reason === "parent gone") rmSync(dataDir, { recursive: true, force: true });
});
const r = fed.regions.get("430100");
if (!r) throw new Error("430100 is not hosted");
const body = pensionTransfer();
registerRegionUrl(r.url, "430100");
await uploadFixtureMaterials(`${r.url}/api/v1`, body);
const res = await fetch(`${r.url}/api/v1/cases`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer dev-430100-clerk" },
  body: JSON.stringify(body),
});
if (res.status !== 201)
  throw new Error(`could not file the benchmark's case: ${res.status} ${await res.text()}`);
const { caseId } = (await res.json()) as { caseId: string };
announce({ address: r.grpcAddress, url: r.url, caseId, keysDir: join(dataDir, "keys") });
