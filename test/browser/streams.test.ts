/**
 * The window page's server side without a browser: the page and bundle
 * routes, and the two server-sent-event streams (resume, errors, live
 * notices, shutdown with a stream open).
 */
import { expect } from "chai";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { statusAt } from "../helpers/scenario.js";
import { authFor } from "../helpers/staff.js";
import { buildWeb } from "./browser.js";

interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

/** An open SSE response read frame by frame. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { ...authFor(url), ...headers }, signal: abort.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const next = async (): Promise<Frame | undefined> => {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Frame = {};
        for (const line of block.split("\n")) {
          const [field, ...rest] = line.split(": ");
          if (field === "id" || field === "event" || field === "data") frame[field] = rest.join(": ");
        }
        if (frame.event) return frame;
        continue;
      }
      const chunk = await reader.read();
      if (chunk.done) return undefined;
      buffer += chunk.value;
    }
  };
  return { res, next, close: () => abort.abort() };
}

describe("window page routes and event streams", function () {
  this.timeout(30_000);
  let t: TestFederation;
  let caseId: string;
  const root = (region: string) => t.url(region).replace(/\/api\/v1$/, "");
  before(async () => {
    buildWeb();
    t = await startTestFederation();
    const r = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    caseId = r.body.caseId;
    await statusAt(t.url("440100"), caseId, "FORWARDED");
    await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, { type: "accept" });
    await statusAt(t.url("430100"), caseId, "ACCEPTED");
  });
  let stopped = false;
  after(async () => {
    if (!stopped) await t?.stop();
  });

  it("serves the page with a same-origin-only policy, and its bundle under /app", async () => {
    const page = await fetch(`${root("430100")}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.match(/^text\/html/);
    expect(page.headers.get("content-security-policy")).to.include("default-src 'self'");
    const html = await page.text();
    expect(html).to.include('lang="zh-CN"').and.include('src="/app/app.js"');
    expect(html, "nothing from another origin").to.not.match(/(src|href)="(https?:)?\/\//);
    const bundle = await fetch(`${root("430100")}/app/app.js`);
    expect(bundle.status).to.equal(200);
    expect(bundle.headers.get("content-type")).to.match(/javascript/);
    const missing = await fetch(`${root("430100")}/app/nope.js`);
    expect(missing.status).to.equal(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).to.equal("NOT_FOUND");
  });

  it("streams a case's timeline with positions as ids, then new events as they are recorded", async () => {
    const s = await openStream(`${t.url("430100")}/cases/${caseId}/events/stream`);
    expect(s.res.headers.get("content-type")).to.match(/^text\/event-stream/);
    const first = await s.next();
    expect(first?.event).to.equal("case-event");
    expect(first?.id).to.equal("1");
    expect(JSON.parse(first?.data ?? "{}").type).to.equal("CaseSubmitted");
    expect(JSON.parse((await s.next())?.data ?? "{}")).to.include({
      type: "CaseAccepted",
      statusAfter: "ACCEPTED",
    });
    await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, {
      type: "note",
      note: "云会商：请核实参保地",
    });
    const live = await s.next();
    expect(live?.id).to.equal("3");
    expect(JSON.parse(live?.data ?? "{}").handlingNote.text).to.equal("云会商：请核实参保地");
    s.close();
  });

  it("resumes after Last-Event-ID (a reconnecting browser) or ?after=", async () => {
    for (const [query, headers] of [
      ["", { "Last-Event-ID": "2" }],
      ["?after=2", {}],
    ] as const) {
      const s = await openStream(`${t.url("430100")}/cases/${caseId}/events/stream${query}`, headers);
      const frame = await s.next();
      expect(frame?.id).to.equal("3");
      expect(JSON.parse(frame?.data ?? "{}").type).to.equal("HandlingNote");
      s.close();
    }
  });

  it("refuses an unknown case or a bad resume point with the documented JSON error", async () => {
    const unknown = await call("GET", `${t.url("430100")}/cases/01ARZ3NDEKTSV4RRFFQ69G5FAV/events/stream`);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.details).to.deep.equal([{ path: "caseId", issue: "unknown case" }]);
    const bad = await call("GET", `${t.url("430100")}/cases/${caseId}/events/stream?after=-1`);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].path).to.equal("after");
  });

  it("tells the case list which case changed", async () => {
    const s = await openStream(`${t.url("430100")}/stream`);
    await call("POST", `${t.url("440100")}/cases/${caseId}/actions`, { type: "note", note: "第二条留言" });
    const frame = await s.next();
    expect(frame?.event).to.equal("case-changed");
    expect(JSON.parse(frame?.data ?? "{}")).to.deep.equal({ caseId });
    s.close();
  });

  it("does not hold up shutdown while a page keeps a stream open", async () => {
    const s = await openStream(`${t.url("430100")}/stream`);
    const started = Date.now();
    await t.stop();
    stopped = true;
    expect(Date.now() - started).to.be.below(3_000);
    expect(await s.next()).to.equal(undefined);
  });
});
