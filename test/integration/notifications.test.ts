/**
 * Issue 18: the applicant is told of 受理, 补正, 办结, 寄出 and 送达 by SMS, sent
 * from the ledger's notification queue by the intake region (embedded bus,
 * the development provider's file read as a developer would).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { readNotifications } from "../../gateway/config/notifications.js";
import type { LedgerEvent } from "../../gateway/domain/events.js";
import { notificationsFor } from "../../gateway/domain/notifications.js";
import { NotificationRelay } from "../../gateway/outbound/notification-relay.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { SqliteLedger } from "../../gateway/store/sqlite/ledger.js";
import { DevSmsProvider, readSmsLog } from "../../gateway/transports/sms/dev.js";
import { event, personCase } from "../helpers/cases.js";
import { testCipher } from "../helpers/cipher.js";
import { call, eventually, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { takeCaseToDelivery } from "../helpers/scenario.js";

const TEMPLATES = (readNotifications(join(PROJECT_ROOT, "config"), []) ?? { templates: {} as never })
  .templates;

/** The events told of, each with the text config/notifications.yaml makes of it for the scenario's case. */
const EXPECTED: ReadonlyArray<[string, (receiptNo: string) => string]> = [
  ["CaseAccepted", (r) => `【跨域通办】您申请的基本养老保险关系转移接续已受理，受理编号${r}，承诺办结日期`],
  [
    "SupplementRequested",
    (r) => `【跨域通办】您申请的基本养老保险关系转移接续（受理编号${r}）需要补正材料，请按补正告知补交。`,
  ],
  ["CaseDecided", (r) => `【跨域通办】您申请的基本养老保险关系转移接续（受理编号${r}）已办结，结果：准予。`],
  [
    "ResultMailed",
    () => "【跨域通办】您申请的基本养老保险关系转移接续的办理结果已由中国邮政EMS寄出，运单号1151234567890。",
  ],
  ["ResultDelivered", () => "【跨域通办】您申请的基本养老保险关系转移接续的办理结果已送达，感谢您的使用。"],
];

describe("SMS notifications to the applicant (issue 18)", () => {
  let f: TestFederation;
  before(async () => {
    f = await startTestFederation(["430100", "440100"]);
  });
  after(async () => f?.stop());

  it("sends one message per event, in Chinese, to the applicant's number, from the intake region only", async () => {
    const caseId = await takeCaseToDelivery((r) => f.url(r));
    const c = (await call("GET", `${f.url("430100")}/cases/${caseId}`)).body;
    const events = (await call("GET", `${f.url("430100")}/cases/${caseId}/events`)).body.events as Array<{
      eventId: string;
      type: string;
    }>;
    const file = join(f.dataDir, "430100", "sms.log");
    const lines = await eventually(async () => {
      const got = readSmsLog(file);
      return got.length >= EXPECTED.length ? got : undefined;
    }, "five SMS in the development provider's file");
    // Give a duplicate a chance to show before counting.
    await new Promise((r) => setTimeout(r, 1_000));
    const all = readSmsLog(file);
    expect(all.filter((l) => "duplicate" in l)).to.deep.equal([]);
    expect(all).to.have.length(EXPECTED.length);
    for (const [type, text] of EXPECTED) {
      const e = events.find((x) => x.type === type);
      expect(e, type).to.not.equal(undefined);
      const sms = lines.filter((l) => l.idempotencyKey === e?.eventId);
      expect(sms, type).to.have.length(1);
      const only = sms[0] as { to: string; text: string };
      expect(only.to).to.equal("13807311234");
      expect(only.text.startsWith(text(c.receiptNo)), `${type}: ${only.text}`).to.equal(true);
    }
    // The handling region holds the same events but does not hold the applicant's SMS duty.
    expect(readSmsLog(join(f.dataDir, "440100", "sms.log"))).to.deep.equal([]);
    const metrics = await fetch(`${f.url("430100").replace("/api/v1", "")}/metrics`);
    const text = await metrics.text();
    expect(text).to.match(/xr_notifications_sent\{region="430100"\} 5/);
    expect(text).to.match(/xr_notifications_pending\{region="430100"\} 0/);
  });
});

describe("the notification relay after a crash between the provider's answer and the ledger's note (issue 18)", () => {
  const dir = mkdtempSync(join(tmpdir(), "xr-sms-relay-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("sends again with the same key, and the development provider writes no second message", async () => {
    const store = new SqliteLedger({ path: join(dir, "ledger.db"), cipher: testCipher() });
    const file = join(dir, "sms.log");
    try {
      const c = personCase({ caseId: "01JSMSRELAYCASE00000000000" });
      const accepted: LedgerEvent = {
        ...event(c, c.handlingRegion, { type: "CaseAccepted", deadline: "2026-12-30" }),
        statusAfter: "ACCEPTED",
      };
      await store.commit({
        state: c,
        expectedVersion: 0,
        events: [accepted],
        outbox: [],
        notifications: notificationsFor(c, [accepted], c.intakeRegion),
      });
      // The provider took the message, then the gateway died before noting it: the row is still pending.
      const before = new DevSmsProvider(file);
      await before.send({
        idempotencyKey: accepted.eventId,
        mobile: "13807311234",
        text: "【跨域通办】已受理",
      });
      expect(await store.notificationStats()).to.deep.equal({ sent: 0, pending: 1, failing: 0 });

      const provider = new DevSmsProvider(file);
      const relay = new NotificationRelay({
        store,
        notifier: provider,
        templates: { ...TEMPLATES },
        log: createLogger("silent"),
      });
      relay.start();
      await eventually(
        async () => ((await store.notificationStats()).sent === 1 ? true : undefined),
        "noted",
      );
      await relay.stop();
      const lines = readSmsLog(file);
      expect(lines.filter((l) => !("duplicate" in l))).to.have.length(1);
      expect(lines.filter((l) => "duplicate" in l)).to.deep.equal([
        { at: (lines[1] as { at: string }).at, idempotencyKey: accepted.eventId, duplicate: 1 },
      ]);
      expect(provider.calls(accepted.eventId)).to.equal(2);
    } finally {
      await store.close();
    }
  });
});
