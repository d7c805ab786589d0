/**
 * Issue 18: the applicant is told of 受理, 补正, 办结, 寄出 and 送达 by SMS, sent
 * from the ledger's notification queue by the intake region (embedded bus,
 * the development provider's file read as a developer would).
 */
import { join } from "node:path";
import { expect } from "chai";
import { readSmsLog } from "../../gateway/transports/sms/dev.js";
import { call, eventually, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { takeCaseToDelivery } from "../helpers/scenario.js";

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
