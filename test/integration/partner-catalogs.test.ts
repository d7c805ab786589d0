/**
 * Partners' catalogs live in the gateway's own ledger: a federation pulls
 * them at its first start, and a region restarted alone, with no partner
 * reachable, serves them from its ledger at once and takes cases for them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { startFederation } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { call, logSink } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { registerRegionUrl } from "../helpers/staff.js";
import { TEST_HOLIDAYS } from "../helpers/test-calendar.js";

describe("partners' catalogs in the ledger", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-partner-catalogs-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = async (regions: string[], logs: Array<Record<string, unknown>>) => {
    const fed = await startFederation({
      holidaysFile: TEST_HOLIDAYS,
      configDir: join(PROJECT_ROOT, "config"),
      adaptersDir: join(PROJECT_ROOT, "adapters"),
      dataDir,
      regions,
      ephemeralPorts: true,
      log: createLogger("debug", logSink(logs)),
    });
    for (const r of fed.regions.values()) registerRegionUrl(r.url, r.region);
    return fed;
  };

  it("are pulled at the first start and served after a restart with no partner reachable", async function () {
    this.timeout(60_000);
    const firstLogs: Array<Record<string, unknown>> = [];
    const first = await start([], firstLogs);
    let before: { status: number; body: any };
    try {
      const cs = `${first.regions.get("430100")?.url}/api/v1`;
      before = await call("GET", `${cs}/regions/440100/matters?q=养老`);
      expect(before.status).to.equal(200);
      expect(before.body.matters.length).to.be.greaterThan(0);
      expect(firstLogs.some((l) => l.msg === "partner catalog updated" && l.partner === "440100")).to.equal(
        true,
      );
    } finally {
      await first.close();
    }

    // 长沙 alone: 广州 and every other partner are down.
    const logs: Array<Record<string, unknown>> = [];
    const alone = await start(["430100"], logs);
    try {
      const cs = `${alone.regions.get("430100")?.url}/api/v1`;
      const again = await call("GET", `${cs}/regions/440100/matters?q=养老`);
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal(before.body);
      const regions = await call("GET", `${cs}/regions`);
      const gz = regions.body.regions.find((r: { code: string }) => r.code === "440100");
      expect(gz.catalogVersion).to.equal(before.body.catalogVersion);
      expect(gz.matterCount).to.be.greaterThan(0);
      const one = before.body.matters[0];
      const got = await call("GET", `${cs}/regions/440100/matters?q=${encodeURIComponent(one.localCode)}`);
      expect(got.body.matters.map((m: { code: string }) => m.code)).to.include(one.code);
      // Intake checks the case against the stored catalog: no partner call is needed.
      const filed = await call("POST", `${cs}/cases`, pensionTransfer());
      expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
      expect(filed.body.catalogVersion).to.equal(before.body.catalogVersion);
      expect(
        logs.some((l) => l.msg === "partner catalog updated"),
        "nothing pulled again",
      ).to.equal(false);
    } finally {
      await alone.close();
    }
  });

  it("says a partner's catalog has not come yet (503, retriable) while no pull has reached it", async function () {
    this.timeout(60_000);
    const fresh = mkdtempSync(join(tmpdir(), "xr-partner-catalogs-fresh-"));
    const fed = await startFederation({
      holidaysFile: TEST_HOLIDAYS,
      configDir: join(PROJECT_ROOT, "config"),
      adaptersDir: join(PROJECT_ROOT, "adapters"),
      dataDir: fresh,
      regions: ["430100"],
      ephemeralPorts: true,
      log: createLogger("warn", logSink([])),
    });
    try {
      const url = fed.regions.get("430100")?.url ?? "";
      registerRegionUrl(url, "430100");
      const cs = `${url}/api/v1`;
      // 广州 is down: each request tries to pull its catalog once more, and answers 503 naming what is missing.
      const list = await call("GET", `${cs}/regions/440100/matters?q=养老`);
      expect(list.status).to.equal(503);
      expect(list.body.error.details).to.deep.equal([
        { path: "code", issue: "catalog of 440100 not received yet; try again shortly" },
      ]);
      const filed = await call("POST", `${cs}/cases`, pensionTransfer());
      expect(filed.status).to.equal(503);
      expect(filed.body.error.details[0].path).to.equal("handlingRegion");
      const cases = await call("GET", `${cs}/cases`);
      expect(cases.body.cases).to.deep.equal([]);
      // A region outside the federation is still simply not found.
      expect((await call("GET", `${cs}/regions/999999/matters`)).status).to.equal(404);
    } finally {
      await fed.close();
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("refuses a member outside the agreements (403), which no pull will ever bring", async function () {
    this.timeout(60_000);
    const fresh = mkdtempSync(join(tmpdir(), "xr-partner-catalogs-none-"));
    const fed = await startFederation({
      holidaysFile: TEST_HOLIDAYS,
      configDir: join(PROJECT_ROOT, "config"),
      adaptersDir: join(PROJECT_ROOT, "adapters"),
      dataDir: fresh,
      regions: ["430181"],
      ephemeralPorts: true,
      log: createLogger("warn", logSink([])),
    });
    try {
      const url = fed.regions.get("430181")?.url ?? "";
      registerRegionUrl(url, "430181");
      const ly = `${url}/api/v1`;
      // 浏阳 has agreements with 长沙 and 南昌 only: 广州's catalog is never its to hold.
      const list = await call("GET", `${ly}/regions/440100/matters?q=养老`);
      expect(list.status).to.equal(403);
      expect(list.body.error.details).to.deep.equal([
        { path: "code", issue: "no cooperation agreement with 440100" },
      ]);
      const filed = await call("POST", `${ly}/cases`, {
        ...pensionTransfer(),
        intakeRegion: "430181",
        handlingRegion: "440100",
      });
      expect(filed.status, JSON.stringify(filed.body)).to.equal(403);
      expect(filed.body.error.details[0].path).to.equal("matterCode");
    } finally {
      await fed.close();
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
