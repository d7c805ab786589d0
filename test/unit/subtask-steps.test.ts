/**
 * 多地联办 steps in `GET /cases/{id}/actions` (domain/steps.ts): the page offers the subtask forms the gateway
 * would take from the signed-in staff member, and says why not otherwise (issue 16, items 3 and 5 merged).
 */
import { expect } from "chai";
import type { CaseState } from "../../gateway/domain/case.js";
import type { EventPayload } from "../../gateway/domain/events.js";
import { applyEvent, RECORDED_WHEN_CLOSED } from "../../gateway/domain/lifecycle.js";
import { type CaseStep, caseSteps } from "../../gateway/domain/steps.js";
import { event, personCase } from "../helpers/cases.js";

const CS = "430100"; // 长沙: intake
const GZ = "440100"; // 广州: handling, the lead
const SZ = "440300"; // 深圳: collaborating

function walk(steps: ReadonlyArray<readonly [string, EventPayload]>): CaseState {
  const initial = personCase({
    mode: "MULTI_REGION",
    matterCode: "XR-HJ-001",
    matterName: "户口迁移",
    collaboratingRegions: [SZ],
  });
  let c = applyEvent(undefined, event(initial, CS, { type: "CaseSubmitted", case: initial }));
  for (const [source, payload] of steps) c = applyEvent(c, event(c, source, payload));
  return c;
}

const accept: readonly [string, EventPayload] = [GZ, { type: "CaseAccepted", deadline: "2026-11-23" }];
const assign: readonly [string, EventPayload] = [
  GZ,
  { type: "SubtaskAssigned", subtaskId: "ST-1", region: SZ, description: "核查原籍户籍信息" },
];
const onSubtasks = (steps: CaseStep[]) => steps.filter((s) => s.subtaskId !== undefined);

describe("steps: 多地联办 subtasks", () => {
  it("offers the lead's handler 分派 in handling, and no subtask steps before 受理", () => {
    const submitted = walk([]);
    expect(caseSteps(submitted, GZ, "handler").map((s) => s.type)).to.not.include("assign-subtask");
    const c = walk([accept]);
    expect(caseSteps(c, GZ, "handler").find((s) => s.type === "assign-subtask")).to.deep.equal({
      type: "assign-subtask",
      allowed: true,
    });
    expect(caseSteps(c, GZ, "clerk").find((s) => s.type === "assign-subtask")).to.deep.equal({
      type: "assign-subtask",
      allowed: false,
      reason: "a step for the handler",
    });
    // Assigning is the lead's throughout: the collaborator is not told it is another party's turn.
    expect(caseSteps(c, SZ, "handler").map((s) => s.type)).to.not.include("assign-subtask");
  });

  it("gives each party its own steps on an open subtask: the collaborator takes up and completes, the lead cancels and reassigns", () => {
    const c = walk([accept, assign]);
    expect(onSubtasks(caseSteps(c, SZ, "handler"))).to.deep.equal([
      { type: "take-up-subtask", subtaskId: "ST-1", allowed: true },
      { type: "complete-subtask", subtaskId: "ST-1", allowed: true },
    ]);
    expect(onSubtasks(caseSteps(c, GZ, "handler"))).to.deep.equal([
      { type: "reassign-subtask", subtaskId: "ST-1", allowed: true },
      { type: "cancel-subtask", subtaskId: "ST-1", allowed: true },
    ]);
    expect(onSubtasks(caseSteps(c, SZ, "clerk"))).to.deep.equal([
      { type: "take-up-subtask", subtaskId: "ST-1", allowed: false, reason: "a step for the handler" },
      { type: "complete-subtask", subtaskId: "ST-1", allowed: false, reason: "a step for the handler" },
    ]);
    // 办结 waits for the open subtask, naming its region.
    expect(caseSteps(c, GZ, "handler").find((s) => s.type === "decide")).to.deep.equal({
      type: "decide",
      allowed: false,
      reason: `waits for the subtasks of ${SZ}`,
    });
    // The intake region has no subtask steps.
    expect(onSubtasks(caseSteps(c, CS, "handler"))).to.deep.equal([]);
  });

  it("offers no take-up once taken up, and nothing on a completed or withdrawn subtask; 办结 then proceeds", () => {
    const taken = walk([accept, assign, [SZ, { type: "SubtaskTakenUp", subtaskId: "ST-1" }]]);
    expect(onSubtasks(caseSteps(taken, SZ, "handler")).map((s) => s.type)).to.deep.equal([
      "complete-subtask",
    ]);
    const cancelled = walk([
      accept,
      assign,
      [GZ, { type: "SubtaskCancelled", subtaskId: "ST-1", reason: "不再需要" }],
    ]);
    for (const region of [GZ, SZ])
      expect(onSubtasks(caseSteps(cancelled, region, "handler"))).to.deep.equal([]);
    expect(caseSteps(cancelled, GZ, "handler").find((s) => s.type === "decide")?.allowed).to.equal(true);
    const done = walk([
      accept,
      assign,
      [SZ, { type: "SubtaskCompleted", subtaskId: "ST-1", note: "已核查" }],
    ]);
    for (const region of [GZ, SZ]) expect(onSubtasks(caseSteps(done, region, "handler"))).to.deep.equal([]);
  });

  it("holds the lead's reassignment, not its cancellation, while a withdrawal request is pending", () => {
    const c = walk([accept, assign, [CS, { type: "WithdrawalRequested", reason: "申请人不再办理" }]]);
    expect(onSubtasks(caseSteps(c, GZ, "handler")).map((s) => s.type)).to.deep.equal(["cancel-subtask"]);
    expect(caseSteps(c, GZ, "handler").map((s) => s.type)).to.not.include("assign-subtask");
  });
});

describe("lifecycle: a collaborator's take-up crossing the lead's confirmed withdrawal", () => {
  it("is recorded when received on the closed case, and refused to a sender that sees it closed", () => {
    const c = walk([
      accept,
      assign,
      [CS, { type: "WithdrawalRequested", reason: "申请人不再办理" }],
      [GZ, { type: "WithdrawalConfirmed", reason: "申请人不再办理" }],
    ]);
    expect(c.status).to.equal("WITHDRAWN");
    const takeUp = event(c, SZ, { type: "SubtaskTakenUp", subtaskId: "ST-1" });
    const received = applyEvent(c, takeUp, { received: true });
    expect(received.status).to.equal("WITHDRAWN");
    expect(received.subtasks[0]?.takenUp).to.equal(true);
    expect(() => applyEvent(c, takeUp)).to.throw(/not allowed in status|cannot take up/);
    expect(RECORDED_WHEN_CLOSED.has("SubtaskTakenUp")).to.equal(true);
  });
});
