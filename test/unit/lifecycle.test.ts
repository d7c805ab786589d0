import { expect } from "chai";
import { type ActionContext, planAction } from "../../gateway/domain/actions.js";
import type { CaseState } from "../../gateway/domain/case.js";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import type { EventPayload } from "../../gateway/domain/events.js";
import { applyEvent } from "../../gateway/domain/lifecycle.js";
import { deepFreeze, event, material, personCase } from "../helpers/cases.js";

const CS = "430100"; // 长沙: intake
const GZ = "440100"; // 广州: handling
const SZ = "440300"; // 深圳: a collaborating region in MULTI_REGION cases

/** Runs `fn`, expects an XrError and returns it. */
function xrErrorOf(fn: () => unknown): XrError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(XrError);
    return err as XrError;
  }
  expect.fail("expected an XrError, nothing was thrown");
}

/** Applies a chain of [source, payload] steps from a fresh submission. */
function walk(initial: CaseState, steps: ReadonlyArray<readonly [string, EventPayload]>): CaseState {
  let c = applyEvent(
    undefined,
    event(initial, initial.intakeRegion, { type: "CaseSubmitted", case: initial }),
  );
  for (const [source, payload] of steps) c = applyEvent(c, event(c, source, payload));
  return c;
}

const accepted = (c: CaseState) => walk(c, [[GZ, { type: "CaseAccepted", deadline: "2026-11-23" }]]);
const decided = (c: CaseState) =>
  walk(c, [
    [GZ, { type: "CaseAccepted", deadline: "2026-11-23" }],
    [GZ, { type: "CaseDecided", approved: true, reason: "" }],
  ]);

describe("lifecycle: REMOTE_INTAKE 430100→440100 happy path with mail delivery", () => {
  it("walks SUBMITTED → … → DELIVERED with the version counting every event", () => {
    const initial = personCase({ version: 0, status: "SUBMITTED" });

    const e1 = event(initial, CS, { type: "CaseSubmitted", case: initial });
    let c = applyEvent(undefined, e1);
    expect(c.status).to.equal("SUBMITTED");
    expect(c.version).to.equal(1);
    expect(c.updatedAt).to.equal(e1.occurredAt);
    expect(c.applicant).to.deep.equal(initial.applicant);

    c = applyEvent(c, event(c, GZ, { type: "CaseAccepted", deadline: "2026-11-24" }));
    expect(c.status).to.equal("ACCEPTED");
    expect(c.version).to.equal(2);
    expect(c.deadline).to.equal("2026-11-24");

    c = applyEvent(
      c,
      event(c, GZ, { type: "SupplementRequested", reason: "参保缴费凭证不清晰", materialCodes: ["CL-CBPZ"] }),
    );
    expect(c.status).to.equal("SUPPLEMENT_REQUESTED");
    expect(c.version).to.equal(3);
    expect(c.reason).to.equal("参保缴费凭证不清晰");
    expect(c.requestedMaterialCodes).to.deep.equal(["CL-CBPZ"]);

    const clearer = material("CL-CBPZ", "基本养老保险参保缴费凭证（重新扫描）", 2_097_152);
    c = applyEvent(c, event(c, CS, { type: "SupplementProvided", materials: [clearer] }));
    expect(c.status).to.equal("ACCEPTED");
    expect(c.version).to.equal(4);
    expect(c.requestedMaterialCodes).to.deep.equal([]);
    // The supplemented material replaces the old one; the others stay.
    expect(c.materials.map((m) => m.materialCode)).to.have.members(["CL-SFZ", "CL-CBPZ"]);
    expect(c.materials.find((m) => m.materialCode === "CL-CBPZ")).to.deep.equal(clearer);

    c = applyEvent(c, event(c, GZ, { type: "CaseDecided", approved: true, reason: "准予转移" }));
    expect(c.status).to.equal("DECIDED");
    expect(c.version).to.equal(5);
    expect(c.approved).to.equal(true);

    c = applyEvent(
      c,
      event(c, GZ, { type: "ResultMailed", courier: "中国邮政EMS", waybillNo: "1187654321098" }),
    );
    expect(c.status).to.equal("RESULT_MAILED");
    expect(c.version).to.equal(6);
    expect(c.delivery.courier).to.equal("中国邮政EMS");
    expect(c.delivery.waybillNo).to.equal("1187654321098");
    expect(c.delivery.address).to.equal(initial.delivery.address);

    c = applyEvent(c, event(c, GZ, { type: "ResultDelivered" }));
    expect(c.status).to.equal("DELIVERED");
    expect(c.version).to.equal(7);
    expect(c.caseId).to.equal(initial.caseId);
  });

  it("does not mutate the state it is given (deep-frozen input, unchanged clone)", () => {
    const before = deepFreeze(accepted(personCase()));
    const snapshot = structuredClone(before);
    const next = applyEvent(
      before,
      event(before, GZ, { type: "SupplementRequested", reason: "缺少申请表", materialCodes: ["CL-SQB"] }),
    );
    expect(next).to.not.equal(before);
    expect(next.status).to.equal("SUPPLEMENT_REQUESTED");
    expect(before).to.deep.equal(snapshot);

    const supplemented = applyEvent(
      deepFreeze(next),
      event(next, CS, { type: "SupplementProvided", materials: [material("CL-SQB", "申请表")] }),
    );
    expect(supplemented.materials).to.have.length(3);
    expect(next.materials).to.have.length(2);
  });

  it("leaves the input untouched when it refuses an event", () => {
    const before = deepFreeze(accepted(personCase()));
    const snapshot = structuredClone(before);
    xrErrorOf(() =>
      applyEvent(before, event(before, CS, { type: "CaseDecided", approved: true, reason: "" })),
    );
    expect(before).to.deep.equal(snapshot);
  });
});

describe("lifecycle: refusals", () => {
  it("refuses a submission by a region other than the intake region (PERMISSION_DENIED)", () => {
    const c = personCase();
    const err = xrErrorOf(() => applyEvent(undefined, event(c, GZ, { type: "CaseSubmitted", case: c })));
    expect(err.code).to.equal(ErrorCode.PERMISSION_DENIED);
  });

  it("refuses acceptance by the intake region (PERMISSION_DENIED)", () => {
    const c = walk(personCase(), []);
    const err = xrErrorOf(() =>
      applyEvent(c, event(c, CS, { type: "CaseAccepted", deadline: "2026-11-23" })),
    );
    expect(err.code).to.equal(ErrorCode.PERMISSION_DENIED);
    expect(err.message).to.include(GZ);
  });

  it("refuses a supplement by the handling region (PERMISSION_DENIED)", () => {
    const c = walk(personCase(), [
      [GZ, { type: "CaseAccepted", deadline: "2026-11-23" }],
      [GZ, { type: "SupplementRequested", reason: "缺少申请表", materialCodes: ["CL-SQB"] }],
    ]);
    const err = xrErrorOf(() =>
      applyEvent(c, event(c, GZ, { type: "SupplementProvided", materials: [material("CL-SQB", "申请表")] })),
    );
    expect(err.code).to.equal(ErrorCode.PERMISSION_DENIED);
  });

  it("refuses a decision before acceptance (FAILED_PRECONDITION)", () => {
    const c = walk(personCase(), []);
    const err = xrErrorOf(() =>
      applyEvent(c, event(c, GZ, { type: "CaseDecided", approved: true, reason: "" })),
    );
    expect(err.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(err.message).to.include("SUBMITTED");
  });

  it("refuses accepting twice (FAILED_PRECONDITION)", () => {
    const c = accepted(personCase());
    const err = xrErrorOf(() =>
      applyEvent(c, event(c, GZ, { type: "CaseAccepted", deadline: "2026-11-23" })),
    );
    expect(err.code).to.equal(ErrorCode.FAILED_PRECONDITION);
  });

  it("refuses a supplement that lacks a requested material (INVALID_ARGUMENT)", () => {
    const c = walk(personCase(), [
      [GZ, { type: "CaseAccepted", deadline: "2026-11-23" }],
      [GZ, { type: "SupplementRequested", reason: "材料不全", materialCodes: ["CL-SQB", "CL-CBPZ"] }],
    ]);
    const err = xrErrorOf(() =>
      applyEvent(c, event(c, CS, { type: "SupplementProvided", materials: [material("CL-SQB", "申请表")] })),
    );
    expect(err.code).to.equal(ErrorCode.INVALID_ARGUMENT);
    expect(err.message).to.include("CL-CBPZ");
    expect(err.message).to.not.include("CL-SQB");
    expect(err.details.map((d) => d.path)).to.deep.equal(["materials"]);
  });

  it("refuses to mail a result the applicant picks up at the window (FAILED_PRECONDITION)", () => {
    const pickup = personCase({
      delivery: { ...personCase().delivery, method: "WINDOW_PICKUP", address: "", postalCode: "" },
    });
    const c = decided(pickup);
    const err = xrErrorOf(() =>
      applyEvent(c, event(c, GZ, { type: "ResultMailed", courier: "顺丰速运", waybillNo: "SF1234567890" })),
    );
    expect(err.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(err.message).to.include("WINDOW_PICKUP");
    // The intake region hands the result over at its window instead.
    expect(applyEvent(c, event(c, CS, { type: "ResultDelivered" })).status).to.equal("DELIVERED");
  });

  it("refuses a withdrawal after the decision (FAILED_PRECONDITION), allows it before", () => {
    const c = decided(personCase());
    const err = xrErrorOf(() =>
      applyEvent(c, event(c, CS, { type: "CaseWithdrawn", reason: "申请人不再需要" })),
    );
    expect(err.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(err.message).to.include("DECIDED");

    const open = accepted(personCase());
    expect(
      applyEvent(open, event(open, CS, { type: "CaseWithdrawn", reason: "申请人不再需要" })).status,
    ).to.equal("WITHDRAWN");
  });

  it("refuses any event on an unknown case except CaseSubmitted (NOT_FOUND)", () => {
    const err = xrErrorOf(() =>
      applyEvent(undefined, event(personCase(), GZ, { type: "CaseAccepted", deadline: "2026-11-23" })),
    );
    expect(err.code).to.equal(ErrorCode.NOT_FOUND);
  });
});

describe("lifecycle: MULTI_REGION subtasks", () => {
  const multi = () =>
    accepted(
      personCase({
        mode: "MULTI_REGION",
        matterCode: "XR-HJ-001",
        matterName: "户口迁移",
        collaboratingRegions: [SZ],
      }),
    );
  const assign: EventPayload = {
    type: "SubtaskAssigned",
    subtaskId: "ST-1",
    region: SZ,
    description: "核查原籍户籍信息",
  };

  it("refuses the decision while a subtask is open, allows it once the assigned region completes it", () => {
    const assigned = event(multi(), GZ, assign);
    let c = applyEvent(multi(), assigned);
    expect(c.subtasks).to.deep.equal([
      {
        subtaskId: "ST-1",
        region: SZ,
        description: "核查原籍户籍信息",
        completed: false,
        note: "",
        assignedAt: assigned.occurredAt,
      },
    ]);

    const open = xrErrorOf(() =>
      applyEvent(c, event(c, GZ, { type: "CaseDecided", approved: true, reason: "" })),
    );
    expect(open.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(open.message).to.include("ST-1");

    c = applyEvent(
      c,
      event(c, SZ, { type: "SubtaskCompleted", subtaskId: "ST-1", note: "户籍信息核查无误" }),
    );
    expect(c.subtasks[0]).to.include({ completed: true, note: "户籍信息核查无误" });
    expect(c.status).to.equal("ACCEPTED");

    const done = applyEvent(c, event(c, GZ, { type: "CaseDecided", approved: true, reason: "" }));
    expect(done.status).to.equal("DECIDED");
  });

  it("takes up, cancels and reassigns subtasks: only the assigned region takes up, only the lead withdraws", () => {
    let c = applyEvent(multi(), event(multi(), GZ, assign));
    expect(
      xrErrorOf(() => applyEvent(c, event(c, GZ, { type: "SubtaskTakenUp", subtaskId: "ST-1" }))).code,
    ).to.equal(ErrorCode.PERMISSION_DENIED);
    c = applyEvent(c, event(c, SZ, { type: "SubtaskTakenUp", subtaskId: "ST-1" }));
    expect(c.subtasks[0]?.takenUp).to.equal(true);
    const again = xrErrorOf(() => applyEvent(c, event(c, SZ, { type: "SubtaskTakenUp", subtaskId: "ST-1" })));
    expect(again.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(again.details).to.deep.equal([{ path: "subtaskId", issue: "subtask ST-1 is already taken up" }]);
    const byCollaborator = xrErrorOf(() =>
      applyEvent(c, event(c, SZ, { type: "SubtaskCancelled", subtaskId: "ST-1", reason: "x" })),
    );
    expect(byCollaborator.code).to.equal(ErrorCode.PERMISSION_DENIED);
    const reassign = (region: string, newSubtaskId: string): EventPayload => ({
      type: "SubtaskReassigned",
      subtaskId: "ST-1",
      newSubtaskId,
      region,
      description: "核查并出具证明",
      reason: "说明不全",
    });
    expect(
      xrErrorOf(() => applyEvent(c, event(c, GZ, reassign("430100", "ST-2")))).details?.[0]?.path,
    ).to.equal("region");
    expect(xrErrorOf(() => applyEvent(c, event(c, GZ, reassign(SZ, "ST-1")))).details?.[0]?.path).to.equal(
      "newSubtaskId",
    );
    c = applyEvent(c, event(c, GZ, reassign(SZ, "ST-2")));
    expect(c.subtasks.map((s) => [s.subtaskId, s.cancelled ?? false, s.replacedBy ?? ""])).to.deep.equal([
      ["ST-1", true, "ST-2"],
      ["ST-2", false, ""],
    ]);
    // A completion that crossed the reassignment is recorded; the withdrawal and its reason stand.
    c = applyEvent(c, event(c, SZ, { type: "SubtaskCompleted", subtaskId: "ST-1", note: "已核对" }));
    expect(c.subtasks[0]).to.include({
      completed: true,
      cancelled: true,
      note: "说明不全",
      replacedBy: "ST-2",
    });
    const twice = xrErrorOf(() =>
      applyEvent(c, event(c, GZ, { type: "SubtaskCancelled", subtaskId: "ST-1", reason: "x" })),
    );
    expect(twice.details).to.deep.equal([{ path: "subtaskId", issue: "subtask ST-1 is cancelled" }]);
    const blocked = xrErrorOf(() =>
      applyEvent(c, event(c, GZ, { type: "CaseDecided", approved: true, reason: "" })),
    );
    expect(blocked.details).to.deep.equal([{ path: "subtasks.ST-2", issue: `subtask of ${SZ} is open` }]);
    c = applyEvent(c, event(c, GZ, { type: "SubtaskCancelled", subtaskId: "ST-2", reason: "不再需要" }));
    expect(applyEvent(c, event(c, GZ, { type: "CaseDecided", approved: true, reason: "" })).status).to.equal(
      "DECIDED",
    );
  });

  it("ends with the same subtasks in either order when the lead's withdrawal and the collaborator's step cross", () => {
    const base = applyEvent(multi(), event(multi(), GZ, assign));
    const reassign: EventPayload = {
      type: "SubtaskReassigned",
      subtaskId: "ST-1",
      newSubtaskId: "ST-2",
      region: SZ,
      description: "重新核对",
      reason: "说明不全",
    };
    const lead: EventPayload[] = [
      { type: "SubtaskCancelled", subtaskId: "ST-1", reason: "不再需要" },
      reassign,
    ];
    const collaborator: EventPayload[] = [
      { type: "SubtaskCompleted", subtaskId: "ST-1", note: "已核对" },
      { type: "SubtaskTakenUp", subtaskId: "ST-1" },
    ];
    for (const l of lead) {
      for (const k of collaborator) {
        const leadFirst = applyEvent(applyEvent(base, event(base, GZ, l)), event(base, SZ, k));
        const collaboratorFirst = applyEvent(applyEvent(base, event(base, SZ, k)), event(base, GZ, l));
        const strip = (c: typeof base) => c.subtasks.map(({ assignedAt: _a, ...s }) => s);
        expect(strip(leadFirst), `${l.type} / ${k.type}`).to.deep.equal(strip(collaboratorFirst));
        expect(leadFirst.subtasks[0]?.cancelled).to.equal(true);
      }
    }
  });

  it("refuses completion of a subtask by a region it was not assigned to (PERMISSION_DENIED)", () => {
    const c = applyEvent(multi(), event(multi(), GZ, assign));
    for (const wrong of [GZ, CS]) {
      const err = xrErrorOf(() =>
        applyEvent(c, event(c, wrong, { type: "SubtaskCompleted", subtaskId: "ST-1", note: "" })),
      );
      expect(err.code, wrong).to.equal(ErrorCode.PERMISSION_DENIED);
    }
  });

  it("refuses subtasks in a REMOTE_INTAKE case (FAILED_PRECONDITION)", () => {
    const c = accepted(personCase({ collaboratingRegions: [SZ] }));
    const err = xrErrorOf(() => applyEvent(c, event(c, GZ, assign)));
    expect(err.code).to.equal(ErrorCode.FAILED_PRECONDITION);
  });
});

describe("lifecycle: re-addressing a returned mail (issue 16 item 7)", () => {
  const newAddress = {
    method: "MAIL" as const,
    recipient: "李建国",
    mobile: "13807315678",
    address: "湖南省长沙市开福区湘江中路二段36号",
    postalCode: "410005",
    courier: "",
    waybillNo: "",
  };
  const returned = (c: CaseState) =>
    walk(c, [
      [GZ, { type: "CaseAccepted", deadline: "2026-11-23" }],
      [GZ, { type: "CaseDecided", approved: true, reason: "" }],
      [GZ, { type: "ResultMailed", courier: "中国邮政EMS", waybillNo: "1151234567890" }],
      [GZ, { type: "ResultReturned", reason: "查无此人" }],
    ]);

  it("refuses to mail again to the address the mail came back from", () => {
    const c = returned(personCase());
    const e = xrErrorOf(() =>
      applyEvent(
        c,
        event(c, GZ, { type: "ResultMailed", courier: "中国邮政EMS", waybillNo: "1159999999999" }),
      ),
    );
    expect(e.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    expect(e.details).to.deep.equal([
      { path: "type", issue: "delivery not corrected since the mail was returned" },
    ]);
  });

  it("lets the intake window correct the delivery, then the handling region mails to the new address", () => {
    let c = returned(personCase());
    c = applyEvent(
      c,
      event(c, CS, { type: "DeliveryCorrected", delivery: newAddress, reason: "门牌号有误" }),
    );
    expect(c.status).to.equal("RETURNED");
    expect(c.delivery).to.deep.equal(newAddress);
    c = applyEvent(
      c,
      event(c, GZ, { type: "ResultMailed", courier: "中国邮政EMS", waybillNo: "1159999999999" }),
    );
    expect(c.status).to.equal("RESULT_MAILED");
    expect(c.delivery).to.include({ address: newAddress.address, waybillNo: "1159999999999" });
    c = applyEvent(c, event(c, GZ, { type: "ResultDelivered" }));
    expect(c.status).to.equal("DELIVERED");
  });

  it("refuses a correction by the handling region, before a return, or to a method other than mail", () => {
    const c = returned(personCase());
    const byHandler = xrErrorOf(() =>
      applyEvent(c, event(c, GZ, { type: "DeliveryCorrected", delivery: newAddress, reason: "-" })),
    );
    expect(byHandler.code).to.equal(ErrorCode.PERMISSION_DENIED);
    const d = decided(personCase());
    const early = xrErrorOf(() =>
      applyEvent(d, event(d, CS, { type: "DeliveryCorrected", delivery: newAddress, reason: "-" })),
    );
    expect(early.code).to.equal(ErrorCode.FAILED_PRECONDITION);
    const pickup = { ...newAddress, method: "WINDOW_PICKUP" as const };
    const e = xrErrorOf(() =>
      applyEvent(c, event(c, CS, { type: "DeliveryCorrected", delivery: pickup, reason: "-" })),
    );
    expect(e.details[0]?.path).to.equal("delivery.method");
  });

  it("plans correct-delivery only with a whole address and a reason, naming each missing field", () => {
    const ctx: ActionContext = {
      deadlineIfAcceptedNow: "2026-11-23",
      newSubtaskId: "ST1",
      matterMaterialCodes: new Set(),
    };
    const e = xrErrorOf(() =>
      planAction(
        {
          type: "correct-delivery",
          reason: "门牌号有误",
          delivery: { ...newAddress, address: "", postalCode: "" },
        },
        ctx,
      ),
    );
    expect(e.details.map((d) => d.path)).to.deep.equal(["delivery.address", "delivery.postalCode"]);
    expect(
      xrErrorOf(() => planAction({ type: "correct-delivery", delivery: newAddress }, ctx)).details[0]?.path,
    ).to.equal("reason");
    expect(
      planAction({ type: "correct-delivery", reason: "门牌号有误", delivery: newAddress }, ctx),
    ).to.deep.equal({
      type: "DeliveryCorrected",
      delivery: newAddress,
      reason: "门牌号有误",
    });
  });
});

describe("actions: planAction", () => {
  const ctx: ActionContext = {
    deadlineIfAcceptedNow: "2026-11-23",
    newSubtaskId: "ST-NEW",
    matterMaterialCodes: new Set(["CL-SFZ", "CL-CBPZ", "CL-SQB"]),
  };

  it("refuses supplement codes the matter does not ask for, naming each", () => {
    const request = xrErrorOf(() =>
      planAction({ type: "request-supplement", reason: "缺页", materialCodes: ["CL-SFZ", "CL-XX"] }, ctx),
    );
    expect(request.details.map((d) => d.path)).to.deep.equal(["materialCodes[1]"]);
    const material = {
      materialCode: "CL-BOGUS",
      name: "无关材料",
      sha256: "a".repeat(64),
      sizeBytes: 1,
      mediaType: "application/pdf",
    };
    const supplement = xrErrorOf(() => planAction({ type: "supplement", materials: [material] }, ctx));
    expect(supplement.details.map((d) => d.path)).to.deep.equal(["materials[0].materialCode"]);
  });

  it("refuses a reject without a reason: INVALID_ARGUMENT with detail path reason", () => {
    for (const reason of [undefined, ""]) {
      const err = xrErrorOf(() => planAction({ type: "reject", reason }, ctx));
      expect(err.code).to.equal(ErrorCode.INVALID_ARGUMENT);
      expect(err.details.map((d) => d.path)).to.deep.equal(["reason"]);
    }
  });

  it("plans a reject with its reason", () => {
    expect(planAction({ type: "reject", reason: "不属于本地管辖" }, ctx)).to.deep.equal({
      type: "CaseRejected",
      reason: "不属于本地管辖",
    });
  });

  it("plans accept with the deadline of the context and dedupes supplement codes", () => {
    expect(planAction({ type: "accept" }, ctx)).to.deep.equal({
      type: "CaseAccepted",
      deadline: "2026-11-23",
    });
    const plan = planAction(
      { type: "request-supplement", reason: "补充材料", materialCodes: ["CL-SQB", "CL-SQB"] },
      ctx,
    );
    expect(plan).to.deep.equal({
      type: "SupplementRequested",
      reason: "补充材料",
      materialCodes: ["CL-SQB"],
    });
  });

  it("requires a reason to deny but not to approve", () => {
    const err = xrErrorOf(() => planAction({ type: "decide", approved: false }, ctx));
    expect(err.details[0]?.path).to.equal("reason");
    expect(planAction({ type: "decide", approved: true }, ctx)).to.deep.equal({
      type: "CaseDecided",
      approved: true,
      reason: "",
    });
  });

  it("fills a new subtask ID from the context when none is given", () => {
    const plan = planAction({ type: "assign-subtask", region: SZ, description: "核查" }, ctx);
    expect(plan).to.deep.include({ type: "SubtaskAssigned", subtaskId: "ST-NEW", region: SZ });
  });
});
