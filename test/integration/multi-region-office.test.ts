/**
 * Issue 16, items 4 and 5 over the real federation (embedded bus, gRPC on 127.0.0.1): every event names
 * its 经办人 at every party; 多地联办 subtasks are taken up, cancelled and reassigned by new events, and
 * 办结 waits for every open subtask, saying which.
 */
import { join } from "node:path";
import { expect } from "chai";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { material, residentId } from "../helpers/fixtures.js";
import { clients, grpc, unary } from "../helpers/grpc-client.js";

const CS = "430100";
const GZ = "440100";
const WH = "420100";

const as = (region: string, role: string) => ({ authorization: `Bearer dev-${region}-${role}` });

describe("多地联办 and 经办人 across regions", () => {
  let t: TestFederation;
  before(async () => {
    t = await startTestFederation([CS, GZ, WH]);
  });
  after(async () => {
    await t.stop();
  });

  const act = async (region: string, caseId: string, action: Record<string, unknown>, role = "handler") => {
    const r = await call("POST", `${t.url(region)}/cases/${caseId}/actions`, action, as(region, role));
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body;
  };
  const caseAt = async (region: string, id: string) =>
    (await call("GET", `${t.url(region)}/cases/${id}`)).body;

  async function fileCase(): Promise<string> {
    const created = await call(
      "POST",
      `${t.url(CS)}/cases`,
      {
        mode: "MULTI_REGION",
        matterCode: "XR-HJ-001",
        intakeRegion: CS,
        handlingRegion: GZ,
        collaboratingRegions: [WH],
        applicant: {
          person: {
            name: "陈志强",
            idNumber: residentId("430111", "19920815", "057"),
            mobile: "15973112233",
          },
        },
        materials: [material("CL-SFZ", "居民身份证"), material("CL-HKB", "居民户口簿")],
        delivery: { method: "WINDOW_PICKUP" },
      },
      as(CS, "clerk"),
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.caseId as string;
    await waitForStatus(t, GZ, id, "FORWARDED");
    await waitForStatus(t, WH, id, "FORWARDED");
    return id;
  }

  it("names the acting staff member on every event, at every party, signed inside the envelope", async () => {
    const id = await fileCase();
    await act(GZ, id, { type: "accept" });
    const assigned = await act(GZ, id, {
      type: "assign-subtask",
      region: WH,
      description: "办理户口迁出登记",
    });
    const subtaskId = assigned.subtasks[0].subtaskId;
    await eventually(
      async () => ((await caseAt(WH, id)).subtasks.length === 1 ? true : undefined),
      "WH subtask",
    );
    await act(WH, id, { type: "take-up-subtask", subtaskId });
    await act(WH, id, { type: "complete-subtask", subtaskId, note: "迁出已办" });
    await eventually(
      async () => ((await caseAt(GZ, id)).subtasks[0].completed ? true : undefined),
      "completion at GZ",
    );
    await act(GZ, id, { type: "decide", approved: true });
    await waitForStatus(t, CS, id, "DECIDED");
    await act(CS, id, { type: "deliver" }, "clerk");
    await waitForStatus(t, GZ, id, "DELIVERED");
    await waitForStatus(t, WH, id, "DELIVERED");

    const expected = [
      ["CaseSubmitted", `dev-${CS}-clerk`, "clerk"],
      ["CaseAccepted", `dev-${GZ}-handler`, "handler"],
      ["SubtaskAssigned", `dev-${GZ}-handler`, "handler"],
      ["SubtaskTakenUp", `dev-${WH}-handler`, "handler"],
      ["SubtaskCompleted", `dev-${WH}-handler`, "handler"],
      ["CaseDecided", `dev-${GZ}-handler`, "handler"],
      ["ResultDelivered", `dev-${CS}-clerk`, "clerk"],
    ];
    for (const region of [CS, GZ, WH]) {
      const events = await eventually(async () => {
        const r = await call("GET", `${t.url(region)}/cases/${id}/events`);
        return r.body.events.length === expected.length ? r.body.events : undefined;
      }, `all events at ${region}`);
      const seen = events.map((e: any) => [e.type, e.actor?.staffId, e.actor?.role]);
      expect(seen, `timeline at ${region}`).to.have.deep.members(expected);
      for (const e of events) {
        expect(e.actor.kind).to.equal("staff");
        expect(e.actor.displayName).to.equal(`dev ${e.actor.role}`);
      }
    }
  });

  it("cancels and reassigns subtasks by new events; 办结 waits for open ones and names them", async () => {
    const id = await fileCase();
    await act(GZ, id, { type: "accept" });
    const first = (await act(GZ, id, { type: "assign-subtask", region: WH, description: "核对迁出信息" }))
      .subtasks[0].subtaskId;
    const second = (await act(GZ, id, { type: "assign-subtask", region: WH, description: "重复分派" }))
      .subtasks[1].subtaskId;

    const refused = await call(
      "POST",
      `${t.url(GZ)}/cases/${id}/actions`,
      { type: "decide", approved: true },
      as(GZ, "handler"),
    );
    expect(refused.status).to.equal(409);
    expect(refused.body.error.details.map((d: any) => d.path)).to.have.members([
      `subtasks.${first}`,
      `subtasks.${second}`,
    ]);

    // A reason is required: a bad request changes nothing and emits nothing.
    const before = (await call("GET", `${t.url(GZ)}/cases/${id}/events`)).body.events.length;
    const noReason = await call(
      "POST",
      `${t.url(GZ)}/cases/${id}/actions`,
      { type: "cancel-subtask", subtaskId: second },
      as(GZ, "handler"),
    );
    expect(noReason.status).to.equal(400);
    expect(noReason.body.error.details[0].path).to.equal("reason");
    expect((await call("GET", `${t.url(GZ)}/cases/${id}/events`)).body.events.length).to.equal(before);

    // Only the lead may cancel; the collaborator may not.
    await eventually(
      async () => ((await caseAt(WH, id)).subtasks.length === 2 ? true : undefined),
      "WH subtasks",
    );
    const notLead = await call(
      "POST",
      `${t.url(WH)}/cases/${id}/actions`,
      { type: "cancel-subtask", subtaskId: second, reason: "x" },
      as(WH, "handler"),
    );
    expect(notLead.status).to.equal(403);

    await act(GZ, id, { type: "cancel-subtask", subtaskId: second, reason: "重复分派" });
    const reassigned = await act(GZ, id, {
      type: "reassign-subtask",
      subtaskId: first,
      region: WH,
      description: "办理户口迁出登记并出具迁移证",
      reason: "任务说明不全",
    });
    const replacement = reassigned.subtasks.find(
      (s: any) => s.subtaskId === reassigned.subtasks[0].replacedBy,
    );
    expect(reassigned.subtasks[0]).to.include({ cancelled: true, replacedBy: replacement.subtaskId });
    expect(replacement).to.include({ region: WH, completed: false, cancelled: false, takenUp: false });
    expect(replacement.assignedAt).to.match(/^\d{4}-\d\d-\d\dT/);

    // The collaborator sees the same: two withdrawn, one open; a withdrawn one cannot be completed.
    const atWh = await eventually(async () => {
      const c = await caseAt(WH, id);
      return c.subtasks.length === 3 ? c : undefined;
    }, "reassignment at WH");
    expect(atWh.subtasks.map((s: any) => s.cancelled)).to.deep.equal([true, true, false]);
    const late = await call(
      "POST",
      `${t.url(WH)}/cases/${id}/actions`,
      { type: "complete-subtask", subtaskId: first },
      as(WH, "handler"),
    );
    // It crossed nothing here, but a completion of a withdrawn subtask is recorded (the events may cross on
    // the bus, and both sides must end alike); the withdrawal stands and 办结 still waits for the new one.
    expect(late.status, JSON.stringify(late.body)).to.equal(200);
    expect(late.body.subtasks[0]).to.include({
      completed: true,
      cancelled: true,
      replacedBy: replacement.subtaskId,
    });
    const view = await eventually(async () => {
      const v = (await call("GET", `${t.url(GZ)}/cases/${id}/collaboration`)).body;
      return v.collaborators[0].subtasks[0].completed ? v : undefined;
    }, "the late completion at GZ");
    expect(view.collaborators[0].subtasks[0].state).to.equal("reassigned");
    expect(view.openSubtasks).to.deep.equal([replacement.subtaskId]);
    const twice = await call(
      "POST",
      `${t.url(WH)}/cases/${id}/actions`,
      { type: "complete-subtask", subtaskId: first },
      as(WH, "handler"),
    );
    expect(twice.status).to.equal(409);
    expect(twice.body.error.details[0]).to.deep.include({ path: "subtaskId" });

    const stillOpen = await call(
      "POST",
      `${t.url(GZ)}/cases/${id}/actions`,
      { type: "decide", approved: true },
      as(GZ, "handler"),
    );
    expect(stillOpen.status).to.equal(409);
    expect(stillOpen.body.error.details.map((d: any) => d.path)).to.deep.equal([
      `subtasks.${replacement.subtaskId}`,
    ]);

    await act(WH, id, { type: "complete-subtask", subtaskId: replacement.subtaskId, note: "已出具迁移证" });
    await eventually(
      async () =>
        (await caseAt(GZ, id)).subtasks.find((s: any) => s.subtaskId === replacement.subtaskId).completed
          ? true
          : undefined,
      "completion at GZ",
    );
    await act(GZ, id, { type: "decide", approved: true });
    await waitForStatus(t, WH, id, "DECIDED");
    const types = (await call("GET", `${t.url(CS)}/cases/${id}/events`)).body.events.map((e: any) => e.type);
    expect(types).to.include.members([
      "SubtaskCancelled",
      "SubtaskReassigned",
      "SubtaskCompleted",
      "CaseDecided",
    ]);
  });

  it("names a region's own system, by its certificate, for a step it takes over gRPC", async () => {
    const id = await fileCase();
    const keysDir = join(t.dataDir, "keys");
    const gz = clients(t.fed.regions.get(GZ)?.grpcAddress as string, { keysDir, region: GZ });
    try {
      const metadata = new grpc.Metadata();
      metadata.set("xr-system", encodeURIComponent("广州市公安政务服务系统"));
      await new Promise((resolve, reject) =>
        gz.caseExchange.ActOnCase(
          { case_id: id, action: { type: "accept" } },
          metadata,
          (err: unknown, r: unknown) => (err ? reject(err) : resolve(r)),
        ),
      );
      // The partner's view of the timeline over gRPC carries the same actor (CaseEvent.actor).
      const cs = clients(t.fed.regions.get(CS)?.grpcAddress as string, { keysDir, region: GZ });
      try {
        const listed = await eventually(async () => {
          const r = await unary(cs.caseExchange, "ListCaseEvents", { case_id: id });
          return r.events.length === 2 ? r.events : undefined;
        }, "the acceptance at CS");
        expect(listed[1].actor).to.deep.equal({
          staff_id: `system:cn=${GZ}`,
          display_name: "广州市公安政务服务系统",
          kind: "system",
          role: "",
        });
        expect(listed[0].actor).to.include({ staff_id: `dev-${CS}-clerk`, kind: "staff" });
      } finally {
        cs.close();
      }
    } finally {
      gz.close();
    }
  });
});

describe("多地联办: a collaborator that stalls is shown to the lead, counted in metrics and /readyz", () => {
  let t: TestFederation;
  before(async () => {
    t = await startTestFederation([CS, GZ, WH], {
      // Half a second to take a subtask up; one failed call opens a partner breaker for a minute.
      subtaskTakeUpHours: 0.5 / 3600,
      partnerSettings: {
        callTimeoutMs: 500,
        volumeThreshold: 1,
        errorThresholdPercentage: 1,
        resetMs: 60_000,
      },
    });
  });
  after(async () => {
    await t.stop();
  });

  const root = (region: string) => t.url(region).replace(/\/api\/v1$/, "");
  const stalledMetric = async (reason: string) => {
    const text = await (await fetch(`${root(GZ)}/metrics`)).text();
    const line = text
      .split("\n")
      .find(
        (l) =>
          l.startsWith("xr_subtasks_stalled{") && l.includes(`collaborator="${WH}"`) && l.includes(reason),
      );
    return line === undefined ? 0 : Number(line.split(" ").at(-1));
  };

  it("flags a subtask not taken up in time, then the collaborator's open breaker; readiness stays", async () => {
    const created = await call(
      "POST",
      `${t.url(CS)}/cases`,
      {
        mode: "MULTI_REGION",
        matterCode: "XR-HJ-001",
        intakeRegion: CS,
        handlingRegion: GZ,
        collaboratingRegions: [WH],
        applicant: {
          person: {
            name: "陈志强",
            idNumber: residentId("430111", "19920815", "057"),
            mobile: "15973112233",
          },
        },
        materials: [material("CL-SFZ", "居民身份证"), material("CL-HKB", "居民户口簿")],
        delivery: { method: "WINDOW_PICKUP" },
      },
      as(CS, "clerk"),
    );
    const id = created.body.caseId as string;
    await waitForStatus(t, GZ, id, "FORWARDED");
    await call("POST", `${t.url(GZ)}/cases/${id}/actions`, { type: "accept" }, as(GZ, "handler"));
    const assigned = await call(
      "POST",
      `${t.url(GZ)}/cases/${id}/actions`,
      { type: "assign-subtask", region: WH, description: "办理户口迁出登记" },
      as(GZ, "handler"),
    );
    const subtaskId = assigned.body.subtasks[0].subtaskId;

    const fresh = (await call("GET", `${t.url(GZ)}/cases/${id}/collaboration`)).body;
    expect(fresh.stalls).to.deep.equal([]);
    expect(fresh.openSubtasks).to.deep.equal([subtaskId]);
    expect(fresh.collaborators[0]).to.deep.include({ region: WH, breaker: "closed" });
    expect(fresh.collaborators[0].subtasks[0]).to.include({ subtaskId, state: "assigned" });

    const overdue = await eventually(async () => {
      const v = (await call("GET", `${t.url(GZ)}/cases/${id}/collaboration`)).body;
      return v.stalls.length > 0 ? v : undefined;
    }, "the take-up limit to pass");
    expect(overdue.stalls).to.deep.equal([{ region: WH, subtaskId, reason: "take-up-overdue" }]);
    expect(await stalledMetric("take-up-overdue")).to.equal(1);
    const ready = await fetch(`${root(GZ)}/readyz`);
    expect(ready.status).to.equal(200);
    expect(((await ready.json()) as any).stalledSubtasks).to.deep.equal({ [WH]: { "take-up-overdue": 1 } });
    // Only the lead watches: the collaborator's own view has no stalls.
    await eventually(async () => {
      const v = (await call("GET", `${t.url(WH)}/cases/${id}/collaboration`)).body;
      return v.openSubtasks?.length === 1 ? true : undefined;
    }, "the subtask at WH");
    expect((await call("GET", `${t.url(WH)}/cases/${id}/collaboration`)).body.stalls).to.deep.equal([]);

    // Taken up: no longer overdue.
    const took = await call(
      "POST",
      `${t.url(WH)}/cases/${id}/actions`,
      { type: "take-up-subtask", subtaskId },
      as(WH, "handler"),
    );
    expect(took.status, JSON.stringify(took.body)).to.equal(200);
    await eventually(async () => {
      const v = (await call("GET", `${t.url(GZ)}/cases/${id}/collaboration`)).body;
      return v.stalls.length === 0 && v.collaborators[0].subtasks[0].state === "taken-up" ? true : undefined;
    }, "the take-up at GZ");
    // prom-client caches a source for a second; the next scrape sees the change.
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await stalledMetric("take-up-overdue")).to.equal(0);

    // 武汉's gateway goes away: 广州's next call to it fails and opens the breaker.
    const wh = t.fed.regions.get(WH);
    await wh?.close();
    const gz = t.fed.regions.get(GZ);
    await eventually(async () => {
      await gz?.partners.getCase(WH, id).catch(() => undefined);
      return gz?.partners.breakerStates()[WH] === "open" ? true : undefined;
    }, "the breaker towards WH to open");
    const cut = (await call("GET", `${t.url(GZ)}/cases/${id}/collaboration`)).body;
    expect(cut.collaborators[0].breaker).to.equal("open");
    expect(cut.stalls).to.deep.equal([{ region: WH, subtaskId, reason: "breaker-open" }]);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await stalledMetric("breaker-open")).to.equal(1);
    const stillReady = await fetch(`${root(GZ)}/readyz`);
    expect(stillReady.status).to.equal(200);
    expect(((await stillReady.json()) as any).stalledSubtasks).to.deep.equal({ [WH]: { "breaker-open": 1 } });
  });
});
