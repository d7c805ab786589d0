/**
 * Time limits over REST (issue 17): 特别程序 suspend and resume through the act-on-case route, by the
 * handling region's handlers only, the clock in both cities' case JSON, and a time limit that would end
 * in a year without holiday data refused with CALENDAR_UNCOVERED, changing nothing.
 */
import { expect } from "chai";
import type { Clock } from "../../gateway/ports/clock.js";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { authFor } from "../helpers/staff.js";
import { testCalendarEnd } from "../helpers/test-calendar.js";

const CS = "430100";
const GZ = "440100";

describe("time limits over REST: suspend, resume, lights and the calendar's end", function () {
  this.timeout(60_000);
  let t: TestFederation;
  const act = (caseId: string, body: unknown, role = "handler", region = GZ) =>
    call("POST", `${t.url(region)}/cases/${caseId}/actions`, body, authFor(t.url(region), role));
  const forwarded = async () => {
    const r = await call("POST", `${t.url(CS)}/cases`, pensionTransfer());
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    await waitForStatus(t, GZ, r.body.caseId, "FORWARDED");
    return r.body.caseId as string;
  };

  before(async () => {
    t = await startTestFederation([CS, GZ]);
  });
  after(async () => {
    await t?.stop();
  });

  it("a handler suspends for a hearing and resumes; both cities' JSON show the stopped clock and its light", async () => {
    const id = await forwarded();
    expect((await act(id, { type: "accept" })).status).to.equal(200);
    const clerk = await act(
      id,
      { type: "suspend", suspensionKind: "HEARING", reason: "听证", expectedDays: 10 },
      "clerk",
    );
    expect(clerk.status).to.equal(403);
    const bad = await act(id, {
      type: "suspend",
      suspensionKind: "PICNIC",
      reason: "听证",
      expectedDays: 10,
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].path).to.equal("suspensionKind");
    const noDays = await act(id, { type: "suspend", suspensionKind: "HEARING", reason: "听证" });
    expect(noDays.status).to.equal(400);
    expect(noDays.body.error.details[0].path).to.equal("expectedDays");

    const suspended = await act(id, {
      type: "suspend",
      suspensionKind: "HEARING",
      reason: "申请人依法要求听证",
      expectedDays: 10,
    });
    expect(suspended.status, JSON.stringify(suspended.body)).to.equal(200);
    expect(suspended.body.suspension).to.include({ kind: "HEARING", expectedDays: 10 });
    expect(suspended.body.clock).to.include({ stage: "decide", stoppedFor: "HEARING" });
    expect(suspended.body.light).to.equal("GREEN");
    const deciding = await act(id, { type: "decide", approved: true });
    expect(deciding.status).to.equal(409);
    expect(deciding.body.error.details[0].issue).to.equal("the case is suspended");
    // The intake city folds the same clock from the same events.
    await waitForStatus(t, CS, id, "ACCEPTED");
    const atIntake = async () => (await call("GET", `${t.url(CS)}/cases/${id}`)).body;
    for (let i = 0; i < 50 && (await atIntake()).suspension === undefined; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await atIntake()).clock).to.include({ stoppedFor: "HEARING" });

    const resumed = await act(id, { type: "resume" });
    expect(resumed.status).to.equal(200);
    expect(resumed.body.suspension).to.equal(undefined);
    expect(resumed.body.clock.stoppedOn).to.equal(undefined);
    expect(resumed.body.clock.suspendedDays).to.be.a("number");
    expect((await act(id, { type: "resume" })).status).to.equal(409);
    const events = (await call("GET", `${t.url(GZ)}/cases/${id}/events`)).body.events;
    expect(events.map((e: { type: string }) => e.type)).to.include.members(["CaseSuspended", "CaseResumed"]);
  });

  it("refuses an acceptance whose time limit ends in a year without holiday data, and changes nothing", async () => {
    const id = await forwarded();
    const gz = t.fed.regions.get(GZ)?.context as { clock: Clock };
    const real = gz.clock;
    // 15 working days from 28 December end in the next year, which the calendar does not cover (as
    // config/holidays.yaml does not cover a year whose arrangement is not published yet).
    gz.clock = { now: () => new Date(`${testCalendarEnd}-12-28T02:00:00Z`) };
    try {
      const r = await act(id, { type: "accept" });
      expect(r.status).to.equal(503);
      expect(r.body.error.code).to.equal("CALENDAR_UNCOVERED");
      expect(r.body.error.message).to.contain(String(testCalendarEnd + 1));
    } finally {
      gz.clock = real;
    }
    const c = (await call("GET", `${t.url(GZ)}/cases/${id}`)).body;
    expect(c.status).to.equal("FORWARDED");
    expect(c.version).to.equal(1);
  });
});
