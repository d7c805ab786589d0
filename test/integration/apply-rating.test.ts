/**
 * Issue 18, done-when "a 非常不满意 rating reaches the handling region, and its 整改 answer comes back to the
 * applicant": the applicant signed in at 长沙 (development identity provider over HTTP) rates their own
 * delivered case through `POST /api/v1/apply/cases/{id}/rating`; it reaches 广州 with the 整改 due date,
 * 广州's handler answers, and the applicant reads the answer. Bad input and a second rating change nothing;
 * another applicant gets 404. Two real gateways on the embedded bus, real SQLite.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { expect } from "chai";
import { cstDate } from "../../gateway/domain/calendar.js";
import { DEFAULT_RATING_TAGS, RATING_LEVELS } from "../../gateway/domain/rating.js";
import type { DevIdentityProvider } from "../../gateway/identity/dev-provider.js";
import { readSmsLog } from "../../gateway/transports/sms/dev.js";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";

const CS = "430100";
const GZ = "440100";
const LI_XIUYING = 0;
const WANG_FANG = 2;

/** A browser-like client of the applicant routes: its own cookie, and the page's own origin. */
class Applicant {
  cookie = "";
  constructor(readonly base: string) {}

  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = {
      "accept-language": "zh-CN",
      origin: new URL(this.base).origin,
      ...headers,
    };
    if (this.cookie) h.cookie = this.cookie;
    let payload: Uint8Array | string | null = null;
    if (body instanceof Uint8Array) payload = body;
    else if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await fetch(`${this.base}/apply${path}`, { method, headers: h, body: payload });
    const set = res.headers.get("set-cookie");
    if (set?.startsWith("xr_applicant=")) this.cookie = set.split(";")[0] ?? "";
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async upload(materialCode: string, name: string) {
    const bytes = Buffer.from(`%PDF-1.4 rating scan ${materialCode} ${Math.random()}\n`);
    const r = await this.send("POST", "/materials", new Uint8Array(bytes), {
      "content-type": "application/pdf",
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body.sha256).to.equal(createHash("sha256").update(bytes).digest("hex"));
    return {
      materialCode,
      name,
      sha256: r.body.sha256,
      sizeBytes: r.body.sizeBytes,
      mediaType: "application/pdf",
    };
  }
}

describe("the applicant's own 好差评 and the 整改 answer back (issue 18)", function () {
  this.timeout(60_000);
  let t: TestFederation;
  let idp: DevIdentityProvider;
  let a: Applicant;
  let b: Applicant;
  let caseId = "";
  const handler = (body: unknown) =>
    call("POST", `${t.url(GZ)}/cases/${caseId}/actions`, body, { authorization: `Bearer dev-${GZ}-handler` });
  const eventsAt = async (who: Applicant) =>
    (await who.send("GET", `/cases/${caseId}/events`)).body.events.length;

  before(async () => {
    t = await startTestFederation([CS, GZ]);
    const p = t.fed.devIdentityProviders.get(CS);
    if (!p) throw new Error("430100 has no development identity provider");
    idp = p;
    a = new Applicant(t.url(CS));
    b = new Applicant(t.url(CS));
    expect((await a.send("POST", "/session", { idToken: await idp.token(LI_XIUYING) })).status).to.equal(200);
    expect((await b.send("POST", "/session", { idToken: await idp.token(WANG_FANG) })).status).to.equal(200);
    const materials = [await a.upload("CL-SFZ", "居民身份证"), await a.upload("CL-CBPZ", "参保缴费凭证")];
    const r = await a.send("POST", "/cases", {
      handlingRegion: GZ,
      matterCode: "XR-SB-001",
      materials,
      mobile: "13807311234",
      delivery: { method: "ELECTRONIC" },
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    caseId = r.body.caseId;
    await waitForStatus(t, GZ, caseId, "FORWARDED");
  });
  after(async () => {
    await t?.stop();
  });

  it("offers the five levels with their Chinese names and the configured tags", async () => {
    const r = await a.send("GET", "/rating-options");
    expect(r.status).to.equal(200);
    expect(r.body.levels.map((l: { level: string }) => l.level)).to.deep.equal([...RATING_LEVELS]);
    expect(r.body.levels.map((l: { label: string }) => l.label)).to.deep.equal([
      "非常满意",
      "满意",
      "基本满意",
      "不满意",
      "非常不满意",
    ]);
    const ctx = t.fed.regions.get(CS)?.context;
    expect(r.body.tags).to.deep.equal([...(ctx?.ratingTags ?? DEFAULT_RATING_TAGS)]);
    expect((await new Applicant(t.url(CS)).send("GET", "/rating-options")).status, "signed out").to.equal(
      401,
    );
  });

  it("refuses a rating before the service is over, changing nothing", async () => {
    const before = await eventsAt(a);
    const r = await a.send("POST", `/cases/${caseId}/rating`, { level: "SATISFIED" });
    expect(r.status, JSON.stringify(r.body)).to.equal(409);
    expect(await eventsAt(a)).to.equal(before);
    expect((await a.send("GET", `/cases/${caseId}`)).body.rating).to.equal(undefined);
  });

  it("after delivery: bad input is 400 naming the field; a non-JSON body is 415; nothing changes", async () => {
    for (const step of [
      { type: "accept" },
      { type: "decide", approved: true, reason: "准予办理" },
      { type: "deliver" },
    ]) {
      const r = await handler(step);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    }
    await eventually(async () => {
      const r = await a.send("GET", `/cases/${caseId}`);
      return r.body.status === "DELIVERED" ? true : undefined;
    }, "the applicant to see the delivery");
    const before = await eventsAt(a);
    const cases: Array<[unknown, string]> = [
      [{ tags: [] }, "level"],
      [{ level: "GOOD" }, "level"],
      [{ level: "SATISFIED", tags: ["很好"] }, "tags[0]"],
      [{ level: "SATISFIED", tags: "等待时间长" }, "tags"],
      [{ level: "SATISFIED", text: "x".repeat(501) }, "text"],
      [{ level: "SATISFIED", channel: "WINDOW" }, "channel"],
    ];
    for (const [body, path] of cases) {
      const r = await a.send("POST", `/cases/${caseId}/rating`, body);
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(r.body.error.code).to.equal("INVALID_ARGUMENT");
      expect(
        r.body.error.details.map((d: { path: string }) => d.path),
        JSON.stringify(body),
      ).to.include(path);
      for (const d of r.body.error.details) expect(d.message, d.path).to.match(/[\u4e00-\u9fa5]/);
    }
    const form = await a.send("POST", `/cases/${caseId}/rating`, "level=SATISFIED", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).to.equal(415);
    expect(await eventsAt(a)).to.equal(before);
    expect((await a.send("GET", `/cases/${caseId}`)).body.rating).to.equal(undefined);
  });

  it("another applicant gets 404 for the case, valid rating or not", async () => {
    const r = await b.send("POST", `/cases/${caseId}/rating`, { level: "VERY_SATISFIED" });
    expect(r.status, JSON.stringify(r.body)).to.equal(404);
    expect(r.body.error.details[0]).to.deep.include({ path: "caseId", issue: "unknown case" });
    expect((await a.send("GET", `/cases/${caseId}`)).body.rating).to.equal(undefined);
  });

  it("refuses a rating from another origin", async () => {
    const r = await a.send(
      "POST",
      `/cases/${caseId}/rating`,
      { level: "VERY_SATISFIED" },
      { origin: "https://evil.example" },
    );
    expect(r.status).to.equal(403);
    expect((await a.send("GET", `/cases/${caseId}`)).body.rating).to.equal(undefined);
  });

  it("a 非常不满意 rating reaches 广州 with the 整改 due in 15 working days; 广州 answers; the applicant reads it", async () => {
    const r = await a.send("POST", `/cases/${caseId}/rating`, {
      level: "VERY_DISSATISFIED",
      tags: ["等待时间长", "告知不清楚"],
      text: "电子送达的结果通知看不懂",
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const ctx = t.fed.regions.get(CS)?.context;
    if (!ctx) throw new Error("no 长沙 context");
    const due = ctx.calendar.addWorkingDays(cstDate(new Date(r.body.rating.ratedAt)), 15);
    expect(r.body.rating).to.deep.include({
      level: "VERY_DISSATISFIED",
      tags: ["等待时间长", "告知不清楚"],
      text: "电子送达的结果通知看不懂",
      channel: "APPLICANT",
      rectification: { dueOn: due, answer: "", answeredAt: "" },
    });
    const there = await eventually(async () => {
      const c = await call("GET", `${t.url(GZ)}/cases/${caseId}`, undefined, {
        authorization: `Bearer dev-${GZ}-handler`,
      });
      return c.body.rating ? c.body : undefined;
    }, "广州 to hold the rating");
    expect(there.rating).to.deep.equal(r.body.rating);

    const second = await a.send("POST", `/cases/${caseId}/rating`, { level: "VERY_SATISFIED" });
    expect(second.status, JSON.stringify(second.body)).to.equal(409);
    expect(second.body.error.details[0].message).to.match(/一次一评/);

    const answer = "已重写电子送达通知模板，并电话回访申请人";
    const answered = await handler({ type: "answer-rectification", note: answer });
    expect(answered.status, JSON.stringify(answered.body)).to.equal(200);
    const seen = await eventually(async () => {
      const c = await a.send("GET", `/cases/${caseId}`);
      return c.body.rating?.rectification?.answeredAt ? c.body : undefined;
    }, "the applicant to see the 整改 answer");
    expect(seen.rating.level).to.equal("VERY_DISSATISFIED");
    expect(seen.rating.rectification).to.deep.include({ dueOn: due, answer });
    const events = (await a.send("GET", `/cases/${caseId}/events`)).body.events as Array<
      Record<string, unknown>
    >;
    expect(events.some((e) => "caseRated" in e)).to.equal(true);
    expect(events.some((e) => "rectificationAnswered" in e)).to.equal(true);
    expect((await b.send("GET", `/cases/${caseId}`)).status).to.equal(404);

    // The applicant is told by SMS that the 整改 answer is there (once, by the intake region, without the words).
    const answeredEvent = events.find((e) => "rectificationAnswered" in e)?.eventId;
    const sms = await eventually(async () => {
      const got = readSmsLog(join(t.dataDir, CS, "sms.log")).filter(
        (l) => l.idempotencyKey === answeredEvent,
      );
      return got.length > 0 ? got : undefined;
    }, "the 整改 SMS at 长沙");
    expect(sms).to.have.length(1);
    const only = sms[0] as { to: string; text: string };
    expect(only.to).to.equal("13807311234");
    expect(only.text).to.match(
      /^【跨域通办】您对基本养老保险关系转移接续（受理编号\w+）的评价，办理地已反馈整改情况/,
    );
    expect(only.text).to.not.contain(answer);
    expect(
      readSmsLog(join(t.dataDir, GZ, "sms.log")).filter((l) => l.idempotencyKey === answeredEvent),
    ).to.deep.equal([]);
  });
});
