/**
 * Readiness and graceful drain: /readyz and gRPC health agree on whether the
 * region should get work; on close() the region first reports "draining"
 * while still serving, then stops taking connections, and a request in
 * flight still completes.
 */
import { rmSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { expect } from "chai";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { call, eventually, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { clients, unary } from "../helpers/grpc-client.js";
import { scrape } from "../helpers/prometheus.js";
import { authFor } from "../helpers/staff.js";

const CS = "430100";

/** Whether a new TCP connection to `url` is still taken. */
function accepts(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

describe("readiness: store, bus and breakers", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let cs: RegionHandle;
  before(async () => {
    // 广州 is not hosted: calls to it fail, and its breaker opens after 3.
    t = await startTestFederation([CS], {
      partnerSettings: {
        callTimeoutMs: 300,
        volumeThreshold: 3,
        errorThresholdPercentage: 50,
        resetMs: 60_000,
      },
    });
    cs = t.fed.regions.get(CS) as RegionHandle;
  });
  after(async () => {
    await t?.stop();
  });

  it("stays ready with a partner's breaker open, and shows it as 2 in /metrics", async () => {
    for (let i = 0; i < 3; i++)
      await cs.partners.getCase("440100", "01J0000000000000000000000C").catch(() => 0);
    const r = await call("GET", `${cs.url}/readyz`);
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ ready: true, status: "ready", store: true, bus: true, draining: false });
    expect(r.body.breakers).to.include({ bus: "closed", "partner:440100": "open" });
    const s = await scrape(cs.url);
    expect(s.value("xr_breaker_state", { breaker: "partner:440100" })).to.equal(2);
    expect(s.value("xr_breaker_state", { breaker: "bus" })).to.equal(0);
  });

  it("is 503 while the bus does not answer, and gRPC health says NOT_SERVING too", async () => {
    const health = clients(cs.grpcAddress, { keysDir: join(t.dataDir, "keys"), region: CS }).health;
    expect((await unary(health, "Check", { service: "" })).status).to.equal("SERVING");
    const ping = t.bus.ping;
    t.bus.ping = async () => false;
    try {
      const r = await call("GET", `${cs.url}/readyz`);
      expect(r.status).to.equal(503);
      expect(r.body).to.include({ ready: false, status: "unready", bus: false, store: true });
      expect(r.body.reasons).to.deep.equal(["the bus does not answer"]);
      // The gRPC server re-checks on a timer; a probe between two checks may still see the last answer.
      await eventually(
        async () =>
          (await unary(health, "Check", { service: "" })).status === "NOT_SERVING" ? true : undefined,
        "gRPC health NOT_SERVING",
        8_000,
      );
    } finally {
      t.bus.ping = ping;
    }
    expect((await call("GET", `${cs.url}/readyz`)).status).to.equal(200);
  });
});

describe("graceful drain on close()", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let cs: RegionHandle;
  before(async () => {
    t = await startTestFederation([CS], { drainMs: 800 });
    cs = t.fed.regions.get(CS) as RegionHandle;
  });
  // The test closes the federation itself; only its data directory is left to remove.
  after(() => {
    if (t) rmSync(t.dataDir, { recursive: true, force: true });
  });

  it("reports draining while still serving, then stops taking connections and finishes the request in hand", async () => {
    expect((await call("GET", `${cs.url}/readyz`)).status).to.equal(200);
    const health = clients(cs.grpcAddress, { keysDir: join(t.dataDir, "keys"), region: CS }).health;
    let uploadReq: ReturnType<typeof request> | undefined;
    // A window uploading a scan slowly: half the bytes now, the rest after the listener has closed.
    const scan = Buffer.from(`%PDF-1.4 居民身份证 scan ${"x".repeat(64 * 1024)}`);
    const upload = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${cs.url}/api/v1/materials`,
        {
          method: "POST",
          agent: false,
          headers: {
            ...authFor(`${cs.url}/api/v1`),
            "content-type": "application/pdf",
            "content-length": scan.length,
          },
        },
        (res) => {
          let body = "";
          res.on("data", (d) => {
            body += d;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.write(scan.subarray(0, 1000));
      uploadReq = req;
    });
    await new Promise((r) => setTimeout(r, 100));

    const closed = t.fed.close();
    const drainingAt = Date.now();
    const ready = await call("GET", `${cs.url}/readyz`);
    expect(ready.status).to.equal(503);
    expect(ready.body).to.include({ ready: false, status: "draining", draining: true });
    expect(ready.body.reasons).to.deep.equal(["draining"]);
    expect((await unary(health, "Check", { service: "" })).status).to.equal("NOT_SERVING");
    // Still serving during the drain delay: load balancers are still catching up.
    expect((await call("GET", `${t.url(CS)}/regions`)).status).to.equal(200);
    expect(await accepts(cs.url)).to.equal(true);

    await eventually(
      async () => ((await accepts(cs.url)) ? undefined : true),
      "the listener to close",
      5_000,
    );
    expect(Date.now() - drainingAt, "closed only after the drain delay").to.be.at.least(750);
    uploadReq?.end(scan.subarray(1000));
    const done = await upload;
    expect(done.status, done.body).to.equal(201);
    expect(JSON.parse(done.body).sizeBytes).to.equal(String(scan.length));
    await closed;
    const msgs = t.logs.filter((l) => l.region === CS).map((l) => l.msg);
    expect(msgs.indexOf("draining: reporting not ready before closing")).to.be.greaterThan(-1);
    expect(msgs.indexOf("region gateway stopped")).to.be.greaterThan(
      msgs.indexOf("draining: reporting not ready before closing"),
    );
  });
});
