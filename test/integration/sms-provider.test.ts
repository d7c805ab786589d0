/**
 * Issue 18: the HTTP SMS provider adapter against a real HTTP server on
 * 127.0.0.1 standing in for the SMS gateway (a boundary we do not own): a
 * failing provider is retried with backoff and its breaker opens; a failed
 * message is kept and sent once the provider is back; a provider that hangs
 * does not slow POST /cases (nothing is sent from the request path).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { type FederationHandle, startFederation } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { HttpSmsProvider } from "../../gateway/transports/sms/http.js";
import { call, eventually, logSink } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { registerRegionUrl } from "../helpers/staff.js";
import { TEST_HOLIDAYS } from "../helpers/test-calendar.js";

interface Received {
  readonly headers: IncomingMessage["headers"];
  readonly body: { to: string; text: string; idempotencyKey: string };
}

/** The fake SMS gateway: answers as `mode` says, keeps every request. */
class FakeSmsGateway {
  mode: "ok" | "fail" | "hang" = "ok";
  readonly received: Received[] = [];
  readonly #hung: ServerResponse[] = [];
  readonly server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => {
      raw += String(d);
    });
    req.on("end", () => {
      this.received.push({ headers: req.headers, body: JSON.parse(raw) });
      if (this.mode === "hang") this.#hung.push(res);
      else res.writeHead(this.mode === "ok" ? 200 : 503).end("{}");
    });
  });
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
  }
  async close(): Promise<void> {
    for (const res of this.#hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

describe("the HTTP SMS provider (issue 18)", () => {
  const fake = new FakeSmsGateway();
  let url = "";
  before(async () => {
    url = await fake.listen();
  });
  after(() => fake.close());

  it("retries a failing provider with backoff, then its breaker opens and calls stop", async () => {
    fake.mode = "fail";
    fake.received.length = 0;
    const states: string[] = [];
    const p = new HttpSmsProvider({
      url,
      apiKey: "test-key-1",
      timeoutMs: 2_000,
      attempts: 3,
      baseDelayMs: 20,
      name: "sms-test",
      volumeThreshold: 4,
      resetMs: 60_000,
      onBreaker: (s) => states.push(s),
    });
    try {
      const sms = {
        idempotencyKey: "01JTESTEVENT0000000000000A",
        mobile: "13807311234",
        text: "【跨域通办】测试",
      };
      const err = await p.send(sms).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(XrError);
      expect((err as XrError).code).to.equal(ErrorCode.UNAVAILABLE);
      expect((err as XrError).message).to.not.contain("13807311234");
      expect(fake.received).to.have.length(3);
      const first = fake.received[0] as Received;
      expect(first.headers.authorization).to.equal("Bearer test-key-1");
      expect(first.headers["idempotency-key"]).to.equal(sms.idempotencyKey);
      expect(first.body).to.deep.equal({
        to: sms.mobile,
        text: sms.text,
        idempotencyKey: sms.idempotencyKey,
      });
      // Three more failed calls pass the volume threshold: the breaker opens, and no request goes out.
      await p.send(sms).catch(() => undefined);
      expect(p.breakerState()).to.equal("open");
      expect(states).to.deep.equal(["open"]);
      const before = fake.received.length;
      const refused = await p.send(sms).then(
        () => undefined,
        (e: unknown) => e as XrError,
      );
      expect(refused?.message).to.match(/breaker sms-test is open/);
      expect(fake.received.length).to.equal(before);
    } finally {
      await p.close();
    }
  });

  it("does not retry a message the provider refuses (4xx)", async () => {
    const refusing = createServer((_req, res) => res.writeHead(400).end("{}"));
    await new Promise<void>((r) => refusing.listen(0, "127.0.0.1", r));
    let calls = 0;
    refusing.on("request", () => {
      calls++;
    });
    const p = new HttpSmsProvider({
      url: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/`,
      apiKey: "k",
      timeoutMs: 2_000,
      attempts: 3,
      baseDelayMs: 10,
      name: "sms-refusing",
    });
    try {
      const err = await p
        .send({ idempotencyKey: "E1", mobile: "13807311234", text: "【跨域通办】x" })
        .catch((e) => e);
      expect((err as XrError).code).to.equal(ErrorCode.FAILED_PRECONDITION);
      expect(calls).to.equal(1);
      expect(p.breakerState()).to.equal("closed");
    } finally {
      await p.close();
      refusing.closeAllConnections();
      await new Promise((r) => refusing.close(r));
    }
  });

  describe("in a running gateway", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "xr-sms-http-"));
    const configDir = join(dataDir, "config");
    let fed: FederationHandle;
    const api = (region: string) => `${fed.regions.get(region)?.url}/api/v1`;
    const logs: Array<Record<string, unknown>> = [];

    before(async () => {
      cpSync(join(PROJECT_ROOT, "config"), configDir, { recursive: true });
      writeFileSync(
        join(configDir, "notifications.yaml"),
        [
          "provider:",
          "  kind: http",
          `  url: ${url}`,
          "  apiKeyEnv: XR_TEST_SMS_API_KEY",
          "  timeoutMs: 30000",
          "  retry: { attempts: 2, baseDelayMs: 20 }",
          "templates:",
          '  accepted: "【跨域通办】{matterName}已受理（{receiptNo}）"',
          '  supplementRequested: "【跨域通办】{matterName}需补正"',
          '  decided: "【跨域通办】{matterName}已办结：{decision}"',
          '  mailed: "【跨域通办】已由{courier}寄出，运单号{waybillNo}"',
          '  delivered: "【跨域通办】已送达"',
          '  rectificationAnswered: "【跨域通办】已反馈整改情况"',
        ].join("\n"),
      );
      process.env.XR_TEST_SMS_API_KEY = "test-key-2";
      fed = await startFederation({
        holidaysFile: TEST_HOLIDAYS,
        configDir,
        adaptersDir: join(PROJECT_ROOT, "adapters"),
        dataDir,
        regions: ["430100", "440100"],
        ephemeralPorts: true,
        log: createLogger("debug", logSink(logs)),
      });
      for (const r of fed.regions.values()) {
        await r.inboxStarted();
        registerRegionUrl(r.url, r.region);
      }
    });
    after(async () => {
      // The relay's call still hangs: the gateway stops at once all the same (close() aborts it).
      const t0 = Date.now();
      await fed?.close();
      expect(Date.now() - t0, "stopping with a hung SMS call").to.be.lessThan(10_000);
      delete process.env.XR_TEST_SMS_API_KEY;
      rmSync(dataDir, { recursive: true, force: true });
    });

    const acceptedCase = async (): Promise<{ caseId: string; receiptNo: string }> => {
      const r = await call("POST", `${api("430100")}/cases`, pensionTransfer());
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      await eventually(
        async () =>
          (await call("GET", `${api("440100")}/cases/${r.body.caseId}`)).status === 200 ? true : undefined,
        "arrival",
      );
      const a = await call("POST", `${api("440100")}/cases/${r.body.caseId}/actions`, { type: "accept" });
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      return { caseId: r.body.caseId, receiptNo: r.body.receiptNo };
    };
    const metrics = async () => (await fetch(`${fed.regions.get("430100")?.url}/metrics`)).text();

    it("keeps a message the provider fails, retries it, and sends it once the provider is back", async () => {
      fake.mode = "fail";
      fake.received.length = 0;
      const { receiptNo } = await acceptedCase();
      await eventually(async () => (fake.received.length >= 2 ? true : undefined), "two tries", 20_000);
      const failing = await eventually(async () => {
        const m = await metrics();
        return /xr_notifications_failed\{region="430100"\} 1/.test(m) ? m : undefined;
      }, "the failed gauge");
      expect(failing).to.match(/xr_notifications_pending\{region="430100"\} 1/);
      expect(failing).to.match(
        /xr_notification_attempts_total\{kind="accepted",outcome="failed",region="430100"\} 1/,
      );
      fake.mode = "ok";
      const key = (fake.received[0] as Received).body.idempotencyKey;
      await eventually(
        async () =>
          (await metrics()).includes('xr_notifications_sent{region="430100"} 1') ? true : undefined,
        "sent",
        20_000,
      );
      const calls = fake.received.filter((r) => r.body.idempotencyKey === key);
      expect(calls.every((c) => c.body.to === "13807311234")).to.equal(true);
      expect((calls.at(-1) as Received).body.text).to.equal(
        `【跨域通办】基本养老保险关系转移接续已受理（${receiptNo}）`,
      );
      expect(await metrics()).to.match(/xr_notifications_pending\{region="430100"\} 0/);
      // The log says which event failed, never to whom.
      const text = JSON.stringify(logs.filter((l) => String(l.msg).startsWith("SMS")));
      expect(text).to.contain(key);
      expect(text).to.not.contain("13807311234");
    });

    it("takes cases at full speed while the provider hangs", async () => {
      fake.mode = "hang";
      fake.received.length = 0;
      await acceptedCase();
      await eventually(async () => (fake.received.length >= 1 ? true : undefined), "the hung call", 20_000);
      for (let i = 0; i < 3; i++) {
        const t0 = Date.now();
        const r = await call("POST", `${api("430100")}/cases`, pensionTransfer());
        expect(r.status).to.equal(201);
        expect(Date.now() - t0, "POST /cases while the SMS provider hangs").to.be.lessThan(1_500);
      }
      expect(fake.received).to.have.length(1);
    });
  });
});
