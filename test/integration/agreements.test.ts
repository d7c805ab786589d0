/**
 * Cooperation agreements are enforced on every path: when a case is filed
 * (REST and gRPC, in their own suites), when an event is sent, and when one
 * is received; each test fails if its check is removed.
 */
import { expect } from "chai";
import type { Agreement } from "../../gateway/domain/matter.js";
import { receive } from "../../gateway/inbound/pipeline.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { personCase, signedEnvelope, submittedEnvelope } from "../helpers/cases.js";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";

describe("cooperation agreements, enforced when events are sent and received", function () {
  this.timeout(20_000);
  let t: TestFederation;
  let gz: RegionHandle;
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    gz = t.fed.regions.get("440100") as RegionHandle;
  });
  after(async () => {
    await t.stop();
  });

  /** Runs `body` with the 430100 → 440100 agreement taken away (as a config reload would). */
  async function withoutAgreement(body: () => Promise<void>): Promise<void> {
    const agreements = t.fed.config.federation.agreements as Map<string, Agreement>;
    const saved = agreements.get("430100>440100") as Agreement;
    agreements.delete("430100>440100");
    try {
      await body();
    } finally {
      agreements.set("430100>440100", saved);
    }
  }

  it("refuses to send an event of a case the agreement no longer covers, and changes nothing", async () => {
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    const caseId = created.body.caseId as string;
    await waitForStatus(t, "440100", caseId, "FORWARDED");
    await withoutAgreement(async () => {
      const r = await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, { type: "accept" });
      expect(r.status).to.equal(403);
      expect(r.body.error.code).to.equal("PERMISSION_DENIED");
      expect(r.body.error.details[0].path).to.equal("matterCode");
    });
    expect((await call("GET", `${t.url("440100")}/cases/${caseId}`)).body.status).to.equal("FORWARDED");
    const r = await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, { type: "accept" });
    expect(r.status).to.equal(200);
  });

  it("refuses a received case the agreement does not cover, even when genuinely signed", async () => {
    const caseId = "01JAGREEMENT00000000000001";
    const at = new Date().toISOString();
    // A matter the 430100 → 440100 agreement does not list.
    const c = personCase({ caseId, matterCode: "XR-QQ-999", submittedAt: at, updatedAt: at, version: 0 });
    const value = signedEnvelope(submittedEnvelope("01JAGREEMENTEVENT000000001", c));
    const outcome = await receive(gz.context, {
      topic: "xr.v1.intake.440100",
      partition: 0,
      offset: 0,
      key: caseId,
      value,
      headers: { "xr-source": "430100" },
    });
    expect(outcome).to.equal("dead-lettered");
    const dlq = t.bus.read("xr.v1.dlq.440100").filter((r) => r.key === caseId);
    expect(dlq[0]?.headers["xr-dlq-reason"]).to.match(
      /^agreement: .*matter XR-QQ-999 is not in the cooperation agreement 430100 → 440100/,
    );
    expect(await gz.context.store.getCase(caseId)).to.equal(undefined);
  });

  it("refuses a received event of a case whose agreement was withdrawn meanwhile", async () => {
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    const caseId = created.body.caseId as string;
    await waitForStatus(t, "440100", caseId, "FORWARDED");
    await gz.pauseInbox();
    try {
      // 长沙 sends a note while the agreement still holds; 广州 receives it after it is gone.
      const noted = await call("POST", `${t.url("430100")}/cases/${caseId}/actions`, {
        type: "note",
        note: "申请人补充说明",
      });
      expect(noted.status).to.equal(200);
      let record: Awaited<ReturnType<typeof t.bus.read>>[number] | undefined;
      for (let i = 0; i < 200 && !record; i++) {
        record = ["intake", "handling", "delivery"]
          .flatMap((kind) => t.bus.read(`xr.v1.${kind}.440100`))
          .find((r) => r.key === caseId && r.headers["xr-type"] === "HandlingNote");
        if (!record) await new Promise((r) => setTimeout(r, 25));
      }
      if (!record) throw new Error("the note never reached the bus");
      await withoutAgreement(async () => {
        expect(await receive(gz.context, record)).to.equal("dead-lettered");
      });
      const dlq = t.bus.read("xr.v1.dlq.440100").filter((r) => r.key === caseId);
      expect(dlq[0]?.headers["xr-dlq-reason"]).to.match(/^agreement: /);
    } finally {
      await gz.resumeInbox();
    }
  });
});
