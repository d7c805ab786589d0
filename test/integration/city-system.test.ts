/**
 * 360100 南昌's city system over HTTP (a stand-in on 127.0.0.1): the adapter
 * pulls the paged catalog through 429s and 5xx, pushes accepted cases, and a
 * breaker guards it; partners learn of a new catalog version without a
 * restart, and a case keeps the version it was filed under.
 */
import { expect } from "chai";
import adapter360100 from "../../adapters/360100/adapter.js";
import { CityHttpError, HttpCitySystemClient } from "../../adapters/sdk/http-city-system.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import {
  type CitySystemServer,
  snapshotCatalog,
  startCitySystemServer,
} from "../helpers/city-system-server.js";
import { call, eventually, startTestFederation, waitForStatus } from "../helpers/federation.js";
import { type FixtureFederation, startFixtureFederation } from "../helpers/fixture-federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { type RegionFixture, regionFixture } from "../helpers/region-fixture.js";

const log = createLogger("silent");

describe("360100 city system: the HTTP adapter", () => {
  let city: CitySystemServer;
  beforeEach(async () => {
    city = await startCitySystemServer();
  });
  afterEach(() => city.close());
  const connect = (timeoutMs = 2000) => {
    const connectCitySystem = adapter360100.connectCitySystem;
    if (!connectCitySystem) throw new Error("360100 has no city system");
    return connectCitySystem({ url: city.url, timeoutMs, log });
  };

  it("pulls every page, waiting as long as a 429's Retry-After asks and retrying a 503", async () => {
    city.catalog = { ...city.catalog, version: "NC-2026.11.15" };
    city.faults.push("ok", "429", "503");
    const system = connect();
    const started = Date.now();
    const raw = await system.pullCatalog("NC-2026.11.02");
    system.close();
    const doc = JSON.parse(new TextDecoder().decode(raw));
    expect(doc.version).to.equal("NC-2026.11.15");
    expect(doc.items.map((i: { sxbm: string }) => i.sxbm)).to.deep.equal(
      snapshotCatalog().items.map((i) => i.sxbm),
    );
    const pages = city.requests.map((r) => r.path);
    expect(pages).to.deep.equal([
      "/api/catalog?page=1&size=20",
      "/api/catalog?page=2&size=20",
      "/api/catalog?page=2&size=20",
      "/api/catalog?page=2&size=20",
    ]);
    // Retry-After: 1 was honoured between the 429 and the next try.
    const [, throttled, retried] = city.requests;
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).to.be.at.least(950);
    expect(Date.now() - started).to.be.lessThan(5000);
  });

  it("answers 'unchanged' after one request when the version is the one held", async () => {
    const system = connect();
    expect(await system.pullCatalog(snapshotCatalog().version)).to.equal(undefined);
    system.close();
    expect(city.requests).to.have.length(1);
  });

  it("does not let 4xx answers trip the breaker, but opens it on repeated 5xx and then fails fast", async () => {
    const client = new HttpCitySystemClient(
      { url: city.url, timeoutMs: 1000, log },
      { retries: 0, volumeThreshold: 5, resetMs: 60_000 },
    );
    for (let i = 0; i < 8; i++) {
      city.faults.push("404");
      const err = await client.request("GET", "/api/catalog").catch((e) => e);
      expect(err).to.be.instanceOf(CityHttpError);
    }
    expect(client.breakerState()).to.equal("closed");
    // The 4xx answers count as successes of the city system: it takes more 5xx than them to open it.
    for (let i = 0; i < 10; i++) {
      city.faults.push("500");
      await client.request("GET", "/api/catalog").catch(() => undefined);
    }
    expect(client.breakerState()).to.equal("open");
    const seen = city.requests.length;
    const err = await client.request("GET", "/api/catalog").catch((e) => e);
    expect(String(err.message)).to.match(/is not answering \(circuit open\)/);
    expect(city.requests.length, "no request while open").to.equal(seen);
    client.close();
  });

  it("gives up on a request that takes longer than its deadline", async () => {
    const client = new HttpCitySystemClient(
      { url: city.url, timeoutMs: 200, log },
      { retries: 1, backoffMs: 10 },
    );
    city.faults.push({ delayMs: 600 }, { delayMs: 600 });
    const err = await client.request("GET", "/api/catalog").catch((e) => e);
    expect(String(err.message)).to.match(/no answer within 200 ms|timed out|aborted/i);
    client.close();
  });
});

describe("360100 city system in a running federation", () => {
  let fx: RegionFixture;
  let city: CitySystemServer;
  let t: FixtureFederation;
  before(async () => {
    city = await startCitySystemServer();
    fx = regionFixture();
    fx.edit(
      "config/federation.yaml",
      /# citySystem: \{[^}]*\}/,
      `citySystem: { url: "${city.url}", timeoutMs: 2000, pollSeconds: 3600 }`,
    );
    // Partners check catalog versions every 200 ms here (30 s in the shipped configuration).
    fx.edit(
      "config/federation.yaml",
      "catalogSync: { pollSeconds: 30 }",
      "catalogSync: { pollSeconds: 0.2 }",
    );
    t = await startFixtureFederation(fx, ["430100", "360100"]);
  });
  after(async () => {
    await t.stop();
    await city.close();
    fx.remove();
  });

  it("keeps a case's catalog version, pushes it on acceptance, and partners learn the new version without a restart", async function () {
    this.timeout(30_000);
    const nc = t.fed.regions.get("360100");
    if (!nc) throw new Error("360100 not hosted");
    // At start the gateway asked the city system, which still has the bundled version.
    await eventually(async () => (city.requests.length > 0 ? true : undefined), "the first catalog check");
    const first = await call("POST", `${t.url("430100")}/cases`, {
      ...pensionTransfer(),
      handlingRegion: "360100",
    });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body.catalogVersion).to.equal("NC-2026.11.02");
    const oldDays = first.body.promisedDays;

    // 南昌 publishes a new catalog: XR-SB-001 (养老保险关系转移) is promised in fewer days.
    const next = snapshotCatalog();
    const item = next.items.find((i) => i.sxmc === "养老保险关系转移（跨省）");
    if (!item) throw new Error("fixture matter missing");
    item.cnsx = oldDays - 2;
    city.catalog = { version: "NC-2026.11.15", items: next.items };
    city.faults.push("503");
    expect(await nc.catalogs.city.refreshCatalog()).to.equal(true);
    const own = await call("GET", `${t.url("360100")}/regions/360100/matters?q=XR-SB-001`);
    expect(own.body.catalogVersion).to.equal("NC-2026.11.15");
    expect(t.logs.some((l) => l.msg === "catalog updated from the city system")).to.equal(true);

    // 长沙 learns of it by its next versioned pull, with no restart.
    const seen = await eventually(async () => {
      const r = await call("GET", `${t.url("430100")}/regions/360100/matters?q=XR-SB-001`);
      return r.body.catalogVersion === "NC-2026.11.15" ? r.body : undefined;
    }, "长沙 to see 南昌's new catalog version");
    expect(seen.matters[0].promisedDays).to.equal(oldDays - 2);

    // The case filed before keeps its version and days; a new case gets the new ones.
    const kept = await waitForStatus({ url: t.url } as never, "360100", first.body.caseId, "FORWARDED");
    expect(kept.catalogVersion).to.equal("NC-2026.11.02");
    expect(kept.promisedDays).to.equal(oldDays);
    const second = await call("POST", `${t.url("430100")}/cases`, {
      ...pensionTransfer(),
      handlingRegion: "360100",
    });
    expect(second.body.catalogVersion).to.equal("NC-2026.11.15");
    expect(second.body.promisedDays).to.equal(oldDays - 2);

    // 南昌 accepts the first case: it is pushed to the city system once, through a 503, in its local terms.
    city.faults.push("503");
    const accepted = await call("POST", `${t.url("360100")}/cases/${first.body.caseId}/actions`, {
      type: "accept",
    });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    const pushed = await eventually(
      async () => city.cases.find((c) => c.key.startsWith(first.body.caseId)),
      "the accepted case in the city system",
    );
    expect(pushed.record.bjbh).to.equal(first.body.caseId);
    expect(pushed.record.zt).to.equal("已受理");
    expect(pushed.record.sxbm).to.match(/^NC3601RS\d{4}$/);
    expect(pushed.record.qdbb).to.equal("NC-2026.11.02");
    await nc.catalogs.city.pushesSettled();
    expect(city.cases.filter((c) => c.key.startsWith(first.body.caseId))).to.have.length(1);
    const ready = await fetch(`${t.fed.regions.get("360100")?.url}/readyz`).then((r) => r.json());
    expect(JSON.stringify(ready)).to.include('"city-system":"closed"');
  });
});

describe("360100 without a configured city system", () => {
  it("starts from the bundled snapshot and says so in the log", async () => {
    const t = await startTestFederation(["360100"]);
    try {
      const line = t.logs.find((l) => String(l.msg).startsWith("no city system configured"));
      expect(line, "log line").to.not.equal(undefined);
      expect(line?.catalogVersion).to.equal("NC-2026.11.02");
      const r = await call("GET", `${t.url("360100")}/regions/360100/matters?q=XR-SB-001`);
      expect(r.body.catalogVersion).to.equal("NC-2026.11.02");
    } finally {
      await t.stop();
    }
  });
});
