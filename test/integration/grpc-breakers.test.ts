/**
 * Circuit breakers around calls to partner gateways: a partner that stops
 * answering opens its breaker after the configured failures, calls then fail
 * fast (or fall back to the cached catalog, with its age), and a probe after
 * the reset time closes it again once the partner answers.
 */
import { join } from "node:path";
import { Writable } from "node:stream";
import { expect } from "chai";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { readRegionCredentials } from "../../gateway/security/keys-dir.js";
import { PartnerGateways } from "../../gateway/transports/grpc/partners.js";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";

async function rejection(p: Promise<unknown>): Promise<XrError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(XrError);
    return err as XrError;
  }
  throw new Error("expected the call to fail");
}

describe("gRPC: circuit breakers around partner gateways", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let proxy: TcpProxy;
  let partners: PartnerGateways;
  const lines: Array<Record<string, unknown>> = [];
  const settings = { callTimeoutMs: 400, volumeThreshold: 3, errorThresholdPercentage: 50, resetMs: 700 };

  before(async () => {
    t = await startTestFederation([], { partnerSettings: settings });
    proxy = await startTcpProxy(t.fed.regions.get("440100")?.grpcAddress as string);
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split("\n")) if (l) lines.push(JSON.parse(l));
        cb();
      },
    });
    // 长沙's client to 广州, through the proxy that can make 广州 go silent.
    partners = new PartnerGateways({
      region: "430100",
      security: "mtls",
      credentials: readRegionCredentials(join(t.dataDir, "keys"), "430100"),
      addresses: () => new Map([["440100", proxy.address]]),
      settings,
      log: createLogger("info", sink),
    });
  });
  after(async () => {
    partners?.close();
    await proxy?.close();
    await t?.stop();
  });

  it("stays closed while the partner answers, even when it refuses bad requests", async () => {
    const live = await partners.listMatters("440100", { query: "养老" });
    expect(live.source).to.equal("live");
    expect((live.page.matters as unknown[]).length).to.be.greaterThan(0);
    for (let i = 0; i < 6; i++) {
      const err = await rejection(
        partners.getCase("440100", `01J000000000000000000000${String(i).padStart(2, "0")}`),
      );
      expect(err.code).to.equal(ErrorCode.NOT_FOUND);
      expect(err.origin).to.equal("remote");
    }
    expect(partners.breakerStates()).to.deep.equal({ "440100": "closed" });
  });

  it("opens after the configured failures of a partner that stops answering, then fails fast", async () => {
    proxy.blackhole();
    // The answers above count as successes in the rolling window, so it takes more failures than
    // volumeThreshold to reach the 50% error rate; each one waits out the call's deadline.
    let failures = 0;
    while (partners.breakerStates()["440100"] !== "open") {
      const started = Date.now();
      const err = await rejection(partners.getCase("440100", "01J0000000000000000000000A"));
      expect(err.code).to.equal(ErrorCode.DEADLINE_EXCEEDED);
      expect(Date.now() - started).to.be.at.least(settings.callTimeoutMs - 50);
      failures++;
      expect(failures, "breaker still closed").to.be.at.most(10);
    }
    expect(failures).to.be.at.least(settings.volumeThreshold);
    expect(lines.some((l) => String(l.msg).startsWith("partner breaker open"))).to.equal(true);

    const started = Date.now();
    const fast = await rejection(partners.getCase("440100", "01J0000000000000000000000A"));
    expect(fast.code).to.equal(ErrorCode.UNAVAILABLE);
    expect(fast.message).to.include("circuit open");
    expect(Date.now() - started).to.be.below(50);
  });

  it("serves the partner's catalog from the last good answer, with its age, while open", async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    const cached = await partners.listMatters("440100", { query: "养老" });
    expect(cached.source).to.equal("cache");
    expect(cached.ageSeconds).to.be.at.least(1);
    const other = await rejection(partners.listMatters("440100", { query: "never asked" }));
    expect(other.code).to.equal(ErrorCode.UNAVAILABLE);
  });

  it("lets a probe through after the reset time and closes once the partner answers again", async () => {
    proxy.restore();
    await new Promise((r) => setTimeout(r, settings.resetMs + 100));
    expect(partners.breakerStates()).to.deep.equal({ "440100": "half-open" });
    const live = await partners.listMatters("440100", { query: "养老" });
    expect(live.source).to.equal("live");
    expect(partners.breakerStates()).to.deep.equal({ "440100": "closed" });
    expect(lines.some((l) => String(l.msg).startsWith("partner breaker closed"))).to.equal(true);
  });

  it("shows a partner's breaker state in /readyz", async () => {
    const r = await call("GET", `${t.fed.regions.get("430100")?.url}/readyz`);
    expect(r.status).to.equal(200);
    expect(r.body.breakers).to.include({ bus: "closed" });
  });
});

describe("gRPC: a region whose partner gateway is not running", function () {
  this.timeout(30_000);
  let t: TestFederation;
  before(async () => {
    // Only 长沙 runs; 广州's configured gRPC address does not answer as 广州.
    t = await startTestFederation(["430100"], {
      partnerSettings: {
        callTimeoutMs: 400,
        volumeThreshold: 3,
        errorThresholdPercentage: 50,
        resetMs: 60_000,
      },
    });
  });
  after(async () => {
    await t?.stop();
  });

  it("opens that partner's breaker, says so in /readyz, and fails fast with UNAVAILABLE", async () => {
    const cs = t.fed.regions.get("430100");
    if (!cs) throw new Error("430100 must be hosted");
    for (let i = 0; i < 3; i++) {
      const err = await rejection(cs.partners.getCase("440100", "01J0000000000000000000000C"));
      expect([ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED]).to.include(err.code);
    }
    const ready = await call("GET", `${cs.url}/readyz`);
    expect(ready.body.breakers).to.include({ "partner:440100": "open" });
    const fast = await rejection(cs.partners.getCase("440100", "01J0000000000000000000000C"));
    expect(fast.code).to.equal(ErrorCode.UNAVAILABLE);
    expect(fast.message).to.include("circuit open");
  });
});
