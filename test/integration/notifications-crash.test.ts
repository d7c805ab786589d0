/**
 * Issue 18, done when: across a `kill -9` of the gateway mid-burst, each
 * notification is sent exactly once per event, counted at the development
 * provider. The real entry point runs as a child process; a burst of cases is
 * driven through 受理, 补正, 办结, 寄出 and 送达; the process is killed while
 * SMS are going out, started again on the same data directory, and the cases
 * are finished. Every told-of event of the intake region must then have
 * exactly one message in data/430100/sms.log, none missing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { NOTIFIED } from "../../gateway/domain/notifications.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { readSmsLog } from "../../gateway/transports/sms/dev.js";
import { call, eventually } from "../helpers/federation.js";
import { material, pensionTransfer } from "../helpers/fixtures.js";
import { type GatewayProcess, spawnGateway } from "../helpers/gateway-process.js";
import { createTestDatabase, describePostgres, dropTestDatabase } from "../helpers/postgres.js";

const REGIONS = ["430100", "440100"];
const start = (dataDir: string, env: Record<string, string>) =>
  spawnGateway(["--import", "tsx", join(PROJECT_ROOT, "gateway/main.ts")], dataDir, PROJECT_ROOT, 2, {
    XR_REGIONS: REGIONS.join(","),
    ...env,
  });

/** Takes a case one step further from what the handling region holds; true once it was delivered. */
async function advance(g: GatewayProcess, caseId: string): Promise<boolean> {
  const gz = `${g.urls.get("440100")}/api/v1`;
  const cs = `${g.urls.get("430100")}/api/v1`;
  const at = await call("GET", `${gz}/cases/${caseId}/events`);
  if (at.status !== 200) return false;
  const types = new Set((at.body.events as Array<{ type: string }>).map((e) => e.type));
  const act = (api: string, action: Record<string, unknown>) =>
    call("POST", `${api}/cases/${caseId}/actions`, action);
  if (types.has("ResultDelivered")) return true;
  if (!types.has("CaseAccepted")) await act(gz, { type: "accept" });
  else if (!types.has("SupplementRequested"))
    await act(gz, { type: "request-supplement", reason: "参保缴费凭证缺少印章", materialCodes: ["CL-CBPZ"] });
  else if (!types.has("SupplementProvided"))
    await act(cs, { type: "supplement", materials: [material("CL-CBPZ", "参保缴费凭证（已盖章）")] });
  else if (!types.has("CaseDecided")) await act(gz, { type: "decide", approved: true });
  else if (!types.has("ResultMailed"))
    await act(gz, { type: "mail", courier: "顺丰速运", waybillNo: "SF1402938475" });
  else await act(gz, { type: "deliver" });
  return false;
}

/** Drives every case until delivered, or until `stop()` says so (the process is gone). */
async function drive(g: GatewayProcess, ids: readonly string[], stop: () => boolean): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      while (!stop()) {
        try {
          if (await advance(g, id)) return;
        } catch {
          if (stop()) return;
        }
        await new Promise((r) => setTimeout(r, 30));
      }
    }),
  );
}

/** The suite on one kind of ledger; `env()` is the gateway's extra environment (DATABASE_URL). */
function crashSuite(ledger: string, env: () => Record<string, string>): void {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-sms-crash-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`sends each event's message exactly once, none lost, after a crash mid-burst (${ledger})`, async function () {
    this.timeout(240_000);
    const file = join(dataDir, "430100", "sms.log");
    const first = await start(dataDir, env());
    const ids: string[] = [];
    try {
      const cs = `${first.urls.get("430100")}/api/v1`;
      for (let i = 0; i < 8; i++) {
        const r = await call("POST", `${cs}/cases`, pensionTransfer(), {
          "Idempotency-Key": `sms-crash-${i}`,
        });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        ids.push(r.body.caseId);
      }
      let killed = false;
      const burst = drive(first, ids, () => killed);
      // Mid-burst: some messages are out, most are not.
      await eventually(
        async () => (readSmsLog(file).length >= 6 ? true : undefined),
        "the first SMS",
        60_000,
      );
      await first.kill();
      killed = true;
      await burst;
    } finally {
      await first.kill();
    }
    const sentBefore = readSmsLog(file).length;

    // On PostgreSQL the killed process's relay lease goes with its connection: the new one takes it over.
    const second = await start(dataDir, env());
    try {
      await drive(second, ids, () => false);
      const cs = `${second.urls.get("430100")}/api/v1`;
      const expected = new Set<string>();
      for (const id of ids) {
        const events = await eventually(async () => {
          const r = await call("GET", `${cs}/cases/${id}/events`);
          const list = r.body.events as Array<{ eventId: string; type: string }>;
          return list.some((e) => e.type === "ResultDelivered") ? list : undefined;
        }, `case ${id} delivered at 430100`);
        for (const e of events) if (e.type in NOTIFIED) expected.add(e.eventId);
      }
      expect(expected.size).to.equal(ids.length * 5);
      const lines = await eventually(
        async () => {
          const got = readSmsLog(file);
          const keys = new Set(got.map((l) => l.idempotencyKey));
          return [...expected].every((k) => keys.has(k)) ? got : undefined;
        },
        "every event's SMS",
        60_000,
      );
      await new Promise((r) => setTimeout(r, 1_500));
      const messages = readSmsLog(file).filter((l) => !("duplicate" in l));
      const perEvent = new Map<string, number>();
      for (const m of messages) perEvent.set(m.idempotencyKey, (perEvent.get(m.idempotencyKey) ?? 0) + 1);
      expect([...perEvent.keys()].sort()).to.deep.equal([...expected].sort());
      expect([...perEvent.values()].filter((n) => n !== 1)).to.deep.equal([]);
      expect(sentBefore, "the kill came mid-burst").to.be.lessThan(expected.size);
      // For the report: calls the provider took again after the crash (answered without a second message).
      const duplicates = lines.filter((l) => "duplicate" in l).length;
      console.log(
        `      ${sentBefore} SMS before the kill, ${messages.length} in all, ${duplicates} duplicate calls`,
      );
    } finally {
      await second.stop();
    }
  });
}

describe("SMS across a kill -9 of the gateway (issue 18)", () => {
  describe("SQLite ledgers", () => crashSuite("SQLite", () => ({})));
  describePostgres("PostgreSQL ledgers", () => {
    let databaseUrl = "";
    before(async () => {
      databaseUrl = await createTestDatabase("xr_sms_crash");
    });
    after(async () => {
      if (databaseUrl) await dropTestDatabase(databaseUrl);
    });
    crashSuite("PostgreSQL", () => ({ DATABASE_URL: databaseUrl }));
  });
});
