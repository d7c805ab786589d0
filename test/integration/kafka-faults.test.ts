/**
 * Fault tests against the real broker, each ending with every case in the
 * same state on both sides, none lost and none applied twice: the receiving
 * gateway killed with SIGKILL in the middle of a burst, and the broker itself
 * stopped and started again during a burst.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { call, eventually } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { type GatewayProcess, startCity } from "../helpers/gateway-process.js";
import { describeKafka, kafkaBrokers, startedBrokerPort } from "../kafka/broker.js";
import { resetXrTopics } from "../kafka/reset.js";

/** Submits `n` cases with `concurrency` windows at once; calls `at` once `n/3` are in. */
async function burst(
  api: string,
  n: number,
  concurrency: number,
  at: () => Promise<void>,
): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  let fired = false;
  const worker = async () => {
    while (next < n) {
      next++;
      const r = await call("POST", `${api}/cases`, pensionTransfer());
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      ids.push(r.body.caseId);
      if (!fired && ids.length >= n / 3) {
        fired = true;
        await at();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}

/** What a region's ledger file holds: cases by status, and CaseSubmitted events per case. */
function ledgerFacts(dataDir: string, region: string) {
  const db = new Database(join(dataDir, region, "ledger.db"), { readonly: true });
  try {
    const statuses = db.prepare("SELECT status, COUNT(*) AS n FROM cases GROUP BY status").all() as Array<{
      status: string;
      n: number;
    }>;
    const submittedTwice = db
      .prepare(
        "SELECT COUNT(*) FROM (SELECT case_id FROM events WHERE type = 'CaseSubmitted' GROUP BY case_id HAVING COUNT(*) > 1)",
      )
      .pluck()
      .get() as number;
    const cases = db.prepare("SELECT case_id FROM cases").pluck().all() as string[];
    return { statuses: Object.fromEntries(statuses.map((s) => [s.status, s.n])), submittedTwice, cases };
  } finally {
    db.close();
  }
}

async function countAt(api: string): Promise<number> {
  let total = 0;
  for (let offset = 0; ; offset += 500) {
    const page = await call("GET", `${api}/cases?limit=500&offset=${offset}`);
    total += page.body.cases.length;
    if (page.body.cases.length < 500) return total;
  }
}

describeKafka("Kafka faults", function () {
  this.timeout(240_000);
  const N = 2_000;
  let dirs: Record<string, string>;
  const cities = new Map<string, GatewayProcess>();
  const api = (region: string) => `${cities.get(region)?.urls.get(region)}/api/v1`;

  beforeEach(async () => {
    const brokers = kafkaBrokers() ?? [];
    await resetXrTopics(brokers);
    dirs = {};
    for (const region of ["430100", "440100"]) {
      dirs[region] = mkdtempSync(join(tmpdir(), `xr-fault-${region}-`));
      cities.set(region, await startCity(region, dirs[region] ?? "", brokers));
    }
  });
  afterEach(async () => {
    for (const c of cities.values()) await c.stop();
    cities.clear();
    for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
  });

  async function expectSameEverywhere(ids: string[]): Promise<void> {
    await eventually(
      async () => ((await countAt(api("440100"))) >= N ? true : undefined),
      `${N} cases at 440100`,
      120_000,
    );
    await eventually(
      async () => {
        const r = await call("GET", `${api("430100")}/cases?status=SUBMITTED&limit=1`);
        return r.body.cases.length === 0 ? true : undefined;
      },
      "every case forwarded at 430100",
      60_000,
    );
    for (const c of cities.values()) await c.stop();
    cities.clear();
    const cs = ledgerFacts(dirs["430100"] ?? "", "430100");
    const gz = ledgerFacts(dirs["440100"] ?? "", "440100");
    expect(cs.statuses).to.deep.equal({ FORWARDED: N });
    expect(gz.statuses).to.deep.equal({ FORWARDED: N });
    expect(new Set(gz.cases)).to.deep.equal(new Set(ids));
    expect(cs.submittedTwice + gz.submittedTwice).to.equal(0);
  }

  it("kill -9 of the receiving gateway mid-burst, then restart: every case arrives once", async () => {
    const brokers = kafkaBrokers() ?? [];
    let restarted: Promise<GatewayProcess> | undefined;
    const ids = await burst(api("430100"), N, 16, async () => {
      await cities.get("440100")?.kill();
      cities.delete("440100");
      restarted = new Promise((r) => setTimeout(r, 1_000)).then(() =>
        startCity("440100", dirs["440100"] ?? "", brokers),
      );
    });
    expect(new Set(ids).size).to.equal(N);
    if (!restarted) throw new Error("the burst never reached the kill point");
    cities.set("440100", await restarted);
    await expectSameEverywhere(ids);
  });

  it("the broker stopped and started again mid-burst: nothing lost, nothing twice", async function () {
    const port = startedBrokerPort();
    if (!port) this.skip();
    const env = { ...process.env, KAFKA_PORT: String(port) };
    const kafka = (cmd: string) =>
      execFileSync(join(PROJECT_ROOT, "test/kafka/kafka.sh"), [cmd], { env, stdio: "ignore" });
    const ids = await burst(api("430100"), N, 16, async () => {
      kafka("down");
      setTimeout(() => kafka("up"), 3_000);
    });
    expect(new Set(ids).size).to.equal(N);
    await expectSameEverywhere(ids);
  });
});
