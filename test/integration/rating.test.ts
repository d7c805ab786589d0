/**
 * Issue 18 item 4 (好差评): a 非常不满意 rating recorded at the 长沙 window reaches 广州 as a signed CaseRated,
 * opens a 整改 task due in 15 working days there, 广州's handler answers it and the answer is visible at 长沙
 * (case and timeline); a second rating is refused; bad input changes nothing. Also the use case the
 * applicant's own route calls (rateCase), on a refused case. Real gateways on the embedded bus, real SQLite.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { cstDate } from "../../gateway/domain/calendar.js";
import type { XrError } from "../../gateway/domain/errors.js";
import { DEFAULT_RATING_TAGS } from "../../gateway/domain/rating.js";
import { rateCase } from "../../gateway/usecases/rate-case.js";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { material, residentId } from "../helpers/fixtures.js";

const CS = "430100"; // 长沙: intake window
const GZ = "440100"; // 广州: handling region

describe("好差评 across two cities", function () {
  this.timeout(60_000);
  let t: TestFederation;
  let caseId = "";
  const act = (region: string, role: string, id: string, body: unknown, lang = "en") =>
    call("POST", `${t.url(region)}/cases/${id}/actions`, body, {
      authorization: `Bearer dev-${region}-${role}`,
      "accept-language": lang,
    });
  const read = (region: string, path: string) =>
    call("GET", `${t.url(region)}${path}`, undefined, { authorization: `Bearer dev-${region}-clerk` });

  async function newCase(): Promise<string> {
    const created = await call(
      "POST",
      `${t.url(CS)}/cases`,
      {
        mode: "REMOTE_INTAKE",
        matterCode: "XR-HJ-001",
        intakeRegion: CS,
        handlingRegion: GZ,
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
      { authorization: `Bearer dev-${CS}-clerk` },
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.caseId as string;
    await waitForStatus(t, GZ, id, "FORWARDED");
    return id;
  }

  before(async () => {
    t = await startTestFederation([CS, GZ]);
    caseId = await newCase();
    for (const step of [{ type: "accept" }, { type: "decide", approved: true }]) {
      const r = await act(GZ, "handler", caseId, step);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    }
    await waitForStatus(t, CS, caseId, "DECIDED");
  });
  after(async () => {
    await t?.stop();
  });

  it("refuses a rating before delivery; once delivered, offers the window the rate step with the configured tags", async () => {
    const steps = async () =>
      (await read(CS, `/cases/${caseId}/actions`)).body.steps as Array<{ type: string; options?: string[] }>;
    expect((await steps()).map((s) => s.type)).to.not.include("rate");
    await refusedBeforeDelivery();
    const d = await act(CS, "clerk", caseId, { type: "deliver" });
    expect(d.status, JSON.stringify(d.body)).to.equal(200);
    await waitForStatus(t, GZ, caseId, "DELIVERED");
    const rate = (await steps()).find((s) => s.type === "rate");
    expect(rate).to.deep.equal({ type: "rate", allowed: true, options: [...DEFAULT_RATING_TAGS] });
  });

  /** A rating before delivery is refused, naming why, and changes nothing. */
  async function refusedBeforeDelivery(): Promise<void> {
    const before = (await read(CS, `/cases/${caseId}/events`)).body.events.length;
    const r = await act(CS, "clerk", caseId, { type: "rate", ratingLevel: "SATISFIED" });
    expect(r.status).to.equal(409);
    expect(r.body.error.details).to.deep.equal([{ path: "type", issue: "not delivered or refused yet" }]);
    expect((await read(CS, `/cases/${caseId}/events`)).body.events.length).to.equal(before);
  }

  it("refuses bad input with 400 naming the field, a handler's rating with 403, and changes nothing", async () => {
    const before = (await read(CS, `/cases/${caseId}/events`)).body.events.length;
    const level = await act(CS, "clerk", caseId, { type: "rate", ratingLevel: "GOOD" });
    expect(level.status).to.equal(400);
    expect(level.body.error.details[0].path).to.equal("ratingLevel");
    const missing = await act(CS, "clerk", caseId, { type: "rate", ratingTags: ["等待时间长"] });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.details[0].path).to.equal("ratingLevel");
    const tag = await act(
      CS,
      "clerk",
      caseId,
      {
        type: "rate",
        ratingLevel: "SATISFIED",
        ratingTags: ["随便写"],
      },
      "zh-CN",
    );
    expect(tag.status).to.equal(400);
    expect(tag.body.error.details).to.deep.equal([
      {
        path: "ratingTags[0]",
        issue: "is not a configured rating tag: 随便写",
        message: "“随便写”不是可选的评价标签",
      },
    ]);
    const handler = await act(CS, "handler", caseId, { type: "rate", ratingLevel: "SATISFIED" });
    expect(handler.status).to.equal(403);
    const fromGz = await act(GZ, "admin", caseId, { type: "rate", ratingLevel: "SATISFIED" });
    expect(fromGz.status).to.equal(403);
    expect((await read(CS, `/cases/${caseId}/events`)).body.events.length).to.equal(before);
    expect((await read(CS, `/cases/${caseId}`)).body.rating).to.equal(undefined);
  });

  it("a 非常不满意 rating at 长沙 reaches 广州 and opens the 整改 task due in 15 working days", async () => {
    const r = await act(CS, "clerk", caseId, {
      type: "rate",
      ratingLevel: "VERY_DISSATISFIED",
      ratingTags: ["等待时间长", "材料反复提交"],
      note: "来回跑了三趟",
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const ctx = t.fed.regions.get(CS)?.context;
    if (!ctx) throw new Error("no 长沙 context");
    const due = ctx.calendar.addWorkingDays(cstDate(new Date(r.body.rating.ratedAt)), 15);
    expect(r.body.rating).to.deep.include({
      level: "VERY_DISSATISFIED",
      tags: ["等待时间长", "材料反复提交"],
      text: "来回跑了三趟",
      channel: "WINDOW",
      rectification: { dueOn: due, answer: "", answeredAt: "" },
    });
    const there = await eventually(async () => {
      const c = await call("GET", `${t.url(GZ)}/cases/${caseId}`, undefined, {
        authorization: `Bearer dev-${GZ}-handler`,
      });
      return c.body.rating ? c.body : undefined;
    }, "广州 to hold the rating");
    expect(there.rating).to.deep.equal(r.body.rating);
    const steps = await call("GET", `${t.url(GZ)}/cases/${caseId}/actions`, undefined, {
      authorization: `Bearer dev-${GZ}-handler`,
    });
    expect(steps.body.steps).to.deep.include({ type: "answer-rectification", allowed: true });
    // The plain column the supervision statistics aggregate, in 广州's own ledger.
    const db = new Database(join(t.dataDir, GZ, "ledger.db"), { readonly: true });
    try {
      const row = db
        .prepare("SELECT rating_level, rectification_due_on FROM cases WHERE case_id = ?")
        .get(caseId);
      expect(row).to.deep.equal({ rating_level: "VERY_DISSATISFIED", rectification_due_on: due });
    } finally {
      db.close();
    }
  });

  it("a second rating is refused (一次一评)", async () => {
    const again = await act(CS, "clerk", caseId, { type: "rate", ratingLevel: "VERY_SATISFIED" }, "zh-CN");
    expect(again.status).to.equal(409);
    expect(again.body.error.details).to.deep.equal([
      { path: "type", issue: "the case is rated already", message: "该件已评价过（一次一评），不能再次评价" },
    ]);
  });

  it("广州 answers the 整改; the answer is visible at 长沙 in the case and its timeline", async () => {
    const empty = await act(GZ, "handler", caseId, { type: "answer-rectification" });
    expect(empty.status).to.equal(400);
    expect(empty.body.error.details[0].path).to.equal("note");
    const byClerk = await act(CS, "clerk", caseId, { type: "answer-rectification", note: "-" });
    expect(byClerk.status).to.equal(403);
    const answer = "已约谈窗口负责人，材料清单改为一次告知，并电话回访申请人";
    const r = await act(GZ, "handler", caseId, { type: "answer-rectification", note: answer });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const here = await eventually(async () => {
      const c = await read(CS, `/cases/${caseId}`);
      return c.body.rating?.rectification?.answeredAt ? c.body : undefined;
    }, "长沙 to hold the answer");
    expect(here.rating.rectification.answer).to.equal(answer);
    const events = (await read(CS, `/cases/${caseId}/events`)).body.events;
    expect(events.map((e: { type: string }) => e.type).slice(-2)).to.deep.equal([
      "CaseRated",
      "RectificationAnswered",
    ]);
    expect(events.at(-1).rectificationAnswered.answer).to.equal(answer);
    expect(events.at(-2).sourceRegion).to.equal(CS);
    expect(events.at(-1).sourceRegion).to.equal(GZ);
    const twice = await act(GZ, "handler", caseId, { type: "answer-rectification", note: "再答一次" });
    expect(twice.status).to.equal(409);
  });

  it("rateCase (the applicant's route) rates a refused case as APPLICANT; a satisfied rating opens no 整改", async () => {
    const id = await newCase();
    expect(
      (await act(GZ, "handler", id, { type: "reject", reason: "不属于本事项受理范围" })).status,
    ).to.equal(200);
    await waitForStatus(t, CS, id, "REJECTED");
    const ctx = t.fed.regions.get(CS)?.context;
    if (!ctx) throw new Error("no 长沙 context");
    const out = await rateCase(
      ctx,
      id,
      { level: "BASICALLY_SATISFIED", tags: ["告知不清楚"], text: "" },
      "APPLICANT",
    );
    expect(out.state.rating).to.include({ level: "BASICALLY_SATISFIED", channel: "APPLICANT" });
    expect(out.state.rating?.rectification).to.equal(undefined);
    try {
      await rateCase(ctx, id, { level: "VERY_SATISFIED", tags: [], text: "" }, "APPLICANT");
      expect.fail("a second rating was taken");
    } catch (err) {
      expect((err as XrError).code).to.equal("FAILED_PRECONDITION");
    }
    const there = await eventually(async () => {
      const c = await call("GET", `${t.url(GZ)}/cases/${id}`, undefined, {
        authorization: `Bearer dev-${GZ}-handler`,
      });
      return c.body.rating ? c.body : undefined;
    }, "广州 to hold the applicant's rating");
    expect(there.rating.channel).to.equal("APPLICANT");
  });
});

describe("好差评 at a 多地联办 collaborator", function () {
  this.timeout(60_000);
  const INTAKE = "440100"; // 广州 takes the application in
  const HANDLING = "430100"; // 长沙 leads
  const COLLABORATOR = "420100"; // 武汉 does one part
  let t: TestFederation;
  after(async () => {
    await t?.stop();
  });

  it("gets the level and tags on the bus, not the applicant's words nor the 整改 answer", async () => {
    t = await startTestFederation([INTAKE, HANDLING, COLLABORATOR]);
    const created = await call("POST", `${t.url(INTAKE)}/cases`, {
      mode: "MULTI_REGION",
      matterCode: "XR-HJ-001",
      intakeRegion: INTAKE,
      handlingRegion: HANDLING,
      collaboratingRegions: [COLLABORATOR],
      applicant: {
        person: { name: "陈志强", idNumber: residentId("440106", "19920815", "057"), mobile: "13924567788" },
      },
      materials: [material("CL-SFZ", "居民身份证"), material("CL-HKB", "居民户口簿")],
      delivery: { method: "WINDOW_PICKUP" },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.caseId as string;
    await waitForStatus(t, HANDLING, id, "FORWARDED");
    const act = (region: string, body: unknown) => call("POST", `${t.url(region)}/cases/${id}/actions`, body);
    for (const step of [{ type: "accept" }, { type: "decide", approved: true }]) {
      expect((await act(HANDLING, step)).status).to.equal(200);
    }
    await waitForStatus(t, INTAKE, id, "DECIDED");
    expect((await act(INTAKE, { type: "deliver" })).status).to.equal(200);
    await waitForStatus(t, HANDLING, id, "DELIVERED");
    const words = "窗口人员态度冷淡";
    const answer = "已对窗口人员批评教育并电话致歉";
    const rated = await act(INTAKE, {
      type: "rate",
      ratingLevel: "DISSATISFIED",
      ratingTags: ["态度不好"],
      note: words,
    });
    expect(rated.status, JSON.stringify(rated.body)).to.equal(200);
    await eventually(async () => {
      const c = await call("GET", `${t.url(HANDLING)}/cases/${id}`);
      return c.body.rating ? c.body : undefined;
    }, "长沙 to hold the rating");
    expect((await act(HANDLING, { type: "answer-rectification", note: answer })).status).to.equal(200);
    const events = await eventually(async () => {
      const r = await call("GET", `${t.url(COLLABORATOR)}/cases/${id}/events`);
      return r.body.events.some((e: { type: string }) => e.type === "RectificationAnswered")
        ? r.body.events
        : undefined;
    }, "武汉 to receive the rating and the answer");
    const ratedEvent = events.find((e: { type: string }) => e.type === "CaseRated");
    expect(ratedEvent.caseRated).to.include({ level: "DISSATISFIED", text: "" });
    expect(ratedEvent.caseRated.tags).to.deep.equal(["态度不好"]);
    const c = (await call("GET", `${t.url(COLLABORATOR)}/cases/${id}`)).body;
    expect(c.rating.level).to.equal("DISSATISFIED");
    expect(c.rating.rectification.answeredAt).to.not.equal("");
    for (const secret of [words, answer]) {
      expect(JSON.stringify(events)).to.not.include(secret);
      expect(JSON.stringify(c)).to.not.include(secret);
    }
    // The intake region, which serves the applicant, has both.
    const intake = await eventually(async () => {
      const r = await call("GET", `${t.url(INTAKE)}/cases/${id}`);
      return r.body.rating?.rectification?.answeredAt ? r.body : undefined;
    }, "广州 to hold the answer");
    expect(intake.rating).to.include({ text: words });
    expect(intake.rating.rectification.answer).to.equal(answer);
  });
});
