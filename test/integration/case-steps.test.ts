/**
 * Roles shape the page (issue 16, item 3): `GET /cases/{id}/actions` lists the steps of a case for the
 * signed-in staff member, allowed or with the reason they are not (another role's step, another region's
 * turn, 办结 waiting for a collaborator's subtask), decided by the rules the gateway enforces on
 * `POST …/actions`, in Chinese for the page.
 */
import { expect } from "chai";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { material, pensionTransfer, residentId } from "../helpers/fixtures.js";
import { authFor } from "../helpers/staff.js";

interface Step {
  type: string;
  allowed: boolean;
  reason?: string;
  message?: string;
}

describe("the steps of a case, by role and region", function () {
  this.timeout(30_000);
  let t: TestFederation;
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
  });
  after(async () => {
    await t.stop();
  });

  async function steps(region: string, caseId: string, role: string, lang = "zh-CN"): Promise<Step[]> {
    const url = t.url(region);
    const r = await call("GET", `${url}/cases/${caseId}/actions`, undefined, {
      ...authFor(url, role),
      "accept-language": lang,
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.steps;
  }
  const find = (all: Step[], type: string) => all.find((s) => s.type === type);

  it("shows a 广州 clerk 受理 as a handler's step, and the gateway refuses the clerk as it says", async () => {
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    const caseId = created.body.caseId as string;
    await waitForStatus(t, "440100", caseId, "FORWARDED");

    // The first event reads alike at both parties (it read FORWARDED at 广州 and SUBMITTED at 长沙).
    const [cs, gz] = await Promise.all(
      ["430100", "440100"].map((r) => call("GET", `${t.url(r)}/cases/${caseId}/events`)),
    );
    expect(gz?.body.events[0].statusAfter).to.equal("SUBMITTED");
    expect(cs?.body.events[0].statusAfter).to.equal("SUBMITTED");

    const clerk = await steps("440100", caseId, "clerk");
    expect(find(clerk, "accept")).to.deep.equal({
      type: "accept",
      allowed: false,
      reason: "a step for the handler",
      message: "此步骤须由办理人员操作",
    });
    expect(clerk.filter((s) => s.allowed).map((s) => s.type)).to.deep.equal(["note"]);
    const refused = await call(
      "POST",
      `${t.url("440100")}/cases/${caseId}/actions`,
      { type: "accept" },
      {
        ...authFor(t.url("440100"), "clerk"),
      },
    );
    expect(refused.status).to.equal(403);

    const handler = await steps("440100", caseId, "handler");
    expect(handler.filter((s) => s.allowed).map((s) => s.type)).to.deep.equal(["accept", "reject", "note"]);
    expect(handler.filter((s) => !s.allowed)).to.deep.equal([]);

    // At 长沙 受理 is 广州's turn; the clerk may withdraw and write a note.
    const window = await steps("430100", caseId, "clerk");
    expect(find(window, "accept")).to.deep.equal({
      type: "accept",
      allowed: false,
      reason: "the turn of 440100",
      message: "现由广州市办理",
    });
    expect(window.filter((s) => s.allowed).map((s) => s.type)).to.deep.equal(["withdraw", "note"]);
    const english = await steps("430100", caseId, "clerk", "en");
    expect(find(english, "accept")?.message).to.equal("the turn of 440100");

    // An auditor reads the same steps, none of them theirs.
    const auditor = await steps("440100", caseId, "auditor");
    expect(auditor.every((s) => !s.allowed)).to.equal(true);
    expect(find(auditor, "note")?.message).to.equal("此步骤须由窗口收件员、办理人员操作");
  });

  it("shows 办结 waiting for the collaborator's subtask, then offers it once the subtask is done", async () => {
    const created = await call("POST", `${t.url("430100")}/cases`, {
      mode: "MULTI_REGION",
      matterCode: "XR-HJ-001",
      intakeRegion: "430100",
      handlingRegion: "440100",
      collaboratingRegions: ["430100"],
      applicant: {
        person: { name: "陈志强", idNumber: residentId("430111", "19920815", "057"), mobile: "15973112233" },
      },
      materials: [material("CL-SFZ", "居民身份证"), material("CL-HKB", "居民户口簿")],
      delivery: { method: "WINDOW_PICKUP" },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const caseId = created.body.caseId as string;
    await waitForStatus(t, "440100", caseId, "FORWARDED");
    const gz = `${t.url("440100")}/cases/${caseId}/actions`;
    expect((await call("POST", gz, { type: "accept" })).status).to.equal(200);
    const assigned = await call("POST", gz, {
      type: "assign-subtask",
      region: "430100",
      description: "办理户口迁出登记",
    });
    expect(assigned.status).to.equal(200);

    expect(find(await steps("440100", caseId, "handler"), "decide")).to.deep.equal({
      type: "decide",
      allowed: false,
      reason: "waits for the subtasks of 430100",
      message: "等待长沙市完成联办任务",
    });
    await waitForStatus(t, "430100", caseId, "ACCEPTED");
    const subtaskId = assigned.body.subtasks[0].subtaskId as string;
    for (let i = 0; i < 50; i++) {
      const c = await call("GET", `${t.url("430100")}/cases/${caseId}`);
      if (c.body.subtasks?.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const done = await call("POST", `${t.url("430100")}/cases/${caseId}/actions`, {
      type: "complete-subtask",
      subtaskId,
      note: "迁出登记已办",
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    for (let i = 0; i < 50; i++) {
      if (find(await steps("440100", caseId, "handler"), "decide")?.allowed) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(find(await steps("440100", caseId, "handler"), "decide")).to.deep.equal({
      type: "decide",
      allowed: true,
    });

    // Completing it again: refused with details naming the subtask (it had none before).
    const again = await call(
      "POST",
      `${t.url("430100")}/cases/${caseId}/actions`,
      { type: "complete-subtask", subtaskId },
      {
        "accept-language": "zh-CN",
      },
    );
    expect(again.status).to.equal(409);
    expect(again.body.error.details).to.deep.equal([
      { path: "subtaskId", issue: "subtask is done", message: "该联办任务已经完成" },
    ]);
  });

  it("answers NOT_FOUND for a case this region is not party to, as every read does", async () => {
    const r = await call("GET", `${t.url("440100")}/cases/01JNOSUCHCASE0000000000000/actions`);
    expect(r.status).to.equal(404);
  });
});
