/**
 * Issue 19, finding 2: one minimisation for every read a partner can make. A
 * 多地联办 (MULTI_REGION) collaborator learns who the applicant is but never how
 * to reach them or where the result goes, whether it reads over gRPC
 * (GetCase, ListCaseEvents, WatchCaseEvents) at the intake or the handling
 * region, or its own staff read their ledger over REST and the page's event
 * stream — even when a partner's gateway sent it more than it should have.
 */
import { join } from "node:path";
import { expect } from "chai";
import { ulid } from "ulid";
import { personCase, signedEnvelope, submittedEnvelope } from "../helpers/cases.js";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { material, residentId } from "../helpers/fixtures.js";
import { type Clients, clients, grpc, unary } from "../helpers/grpc-client.js";
import { authFor } from "../helpers/staff.js";

const INTAKE = "440100"; // 广州 takes the application in
const HANDLING = "430100"; // 长沙 leads
const COLLABORATOR = "420100"; // 武汉 does one part

const MOBILE = "13924567788";
const RECIPIENT = "王丽华";
const ADDRESS = "广东省广州市天河区体育西路191号";
const POSTAL = "510620";

/** The contact data a collaborator must never see, in every spelling a response may use. */
function expectNoContact(what: string, value: unknown): void {
  const text = JSON.stringify(value);
  for (const secret of [MOBILE, RECIPIENT, ADDRESS, POSTAL]) {
    expect(text, `${what} shows ${secret}`).to.not.include(secret);
  }
}

/** The first `n` frames of an SSE stream, then the stream is closed. */
async function sseEvents(url: string, n: number): Promise<string[]> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: authFor(url), signal: abort.signal });
  expect(res.status).to.equal(200);
  const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const data: string[] = [];
  while (data.length < n) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += chunk.value;
    data.length = 0;
    for (const m of text.matchAll(/^data: (.*)$/gm)) data.push(m[1] as string);
  }
  abort.abort();
  return data;
}

/** The first event WatchCaseEvents streams, then the stream is cancelled. */
function firstWatched(c: Clients, caseId: string): Promise<any> {
  const stream = c.caseExchange.WatchCaseEvents({ case_id: caseId, after: 0 });
  return new Promise((resolve, reject) => {
    stream.on("data", (e: any) => {
      resolve(e);
      stream.cancel();
    });
    stream.on("error", (err: any) => (err.code === grpc.status.CANCELLED ? undefined : reject(err)));
  });
}

describe("minimisation on every read a partner can make (issue 19)", function () {
  this.timeout(60_000);
  let t: TestFederation;
  let caseId = "";
  const callers: Record<string, Clients> = {};

  before(async () => {
    t = await startTestFederation([INTAKE, HANDLING, COLLABORATOR]);
    const keysDir = join(t.dataDir, "keys");
    for (const at of [INTAKE, HANDLING]) {
      const address = t.fed.regions.get(at)?.grpcAddress as string;
      callers[at] = clients(address, { keysDir, region: COLLABORATOR });
    }
    const created = await call("POST", `${t.url(INTAKE)}/cases`, {
      mode: "MULTI_REGION",
      matterCode: "XR-HJ-001",
      intakeRegion: INTAKE,
      handlingRegion: HANDLING,
      collaboratingRegions: [COLLABORATOR],
      applicant: {
        person: { name: "陈志强", idNumber: residentId("440106", "19920815", "057"), mobile: MOBILE },
      },
      materials: [material("CL-SFZ", "居民身份证"), material("CL-HKB", "居民户口簿")],
      delivery: {
        method: "MAIL",
        recipient: RECIPIENT,
        mobile: MOBILE,
        address: ADDRESS,
        postalCode: POSTAL,
      },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    caseId = created.body.caseId;
    await waitForStatus(t, COLLABORATOR, caseId, "FORWARDED");
    await waitForStatus(t, HANDLING, caseId, "FORWARDED");
  });
  after(async () => {
    for (const c of Object.values(callers)) c.close();
    await t?.stop();
  });

  it("the intake and handling regions' own staff still see the whole case", async () => {
    for (const at of [INTAKE, HANDLING]) {
      const r = await call("GET", `${t.url(at)}/cases/${caseId}`);
      expect(r.body.delivery).to.include({ recipient: RECIPIENT, mobile: MOBILE, address: ADDRESS });
    }
  });

  for (const at of [INTAKE, HANDLING]) {
    it(`gRPC GetCase at ${at} gives the collaborator the applicant's identity, no contact data`, async () => {
      const c = await unary(callers[at]?.caseExchange, "GetCase", { case_id: caseId });
      expect(c.applicant.person.name).to.equal("陈志强");
      expect(c.applicant.person.id_number).to.have.length(18);
      expect(c.delivery.method).to.equal("MAIL");
      expectNoContact(`GetCase at ${at}`, c);
    });

    it(`gRPC ListCaseEvents at ${at} shapes the CaseSubmitted payload the same way`, async () => {
      const { events } = await unary(callers[at]?.caseExchange, "ListCaseEvents", { case_id: caseId });
      const submitted = events.find((e: any) => e.type === "CaseSubmitted");
      expect(submitted, "the timeline has the submission").to.not.equal(undefined);
      expect(submitted.case_submitted.case.applicant.person.name).to.equal("陈志强");
      expectNoContact(`ListCaseEvents at ${at}`, events);
    });

    it(`gRPC WatchCaseEvents at ${at} streams the submission minimised`, async () => {
      const first = await firstWatched(callers[at] as Clients, caseId);
      expect(first.type).to.equal("CaseSubmitted");
      expectNoContact(`WatchCaseEvents at ${at}`, first);
    });
  }

  describe("the collaborator's own views, when a partner over-shared", () => {
    // A partner's gateway (another implementation, an older version) that sends the whole case
    // to a collaborator: what 武汉 keeps and shows must still be minimised.
    const c = personCase({
      caseId: ulid(),
      receiptNo: "44010020261102OVERSHR1",
      mode: "MULTI_REGION",
      matterCode: "XR-HJ-001",
      matterName: "户口迁移",
      intakeRegion: INTAKE,
      handlingRegion: HANDLING,
      collaboratingRegions: [COLLABORATOR],
      submittedAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      applicant: {
        person: { name: "陈志强", idNumber: residentId("440106", "19920815", "057"), mobile: MOBILE },
      },
      delivery: {
        method: "MAIL",
        recipient: RECIPIENT,
        mobile: MOBILE,
        address: ADDRESS,
        postalCode: POSTAL,
        courier: "",
        waybillNo: "",
      },
    });

    before(async () => {
      const env = submittedEnvelope(ulid(), c, { sourceRegion: INTAKE, targetRegion: COLLABORATOR });
      await t.bus.publish([
        {
          topic: `xr.v1.intake.${COLLABORATOR}`,
          key: c.caseId,
          value: signedEnvelope(env),
          headers: { "xr-source": INTAKE, "xr-target": COLLABORATOR, "xr-type": "CaseSubmitted" },
        },
      ]);
      await eventually(async () => {
        const r = await call("GET", `${t.url(COLLABORATOR)}/cases/${c.caseId}`);
        return r.status === 200 ? true : undefined;
      }, "the over-shared case at the collaborator");
    });

    it("REST GET /cases/{id} and GET /cases at the collaborator show no contact data", async () => {
      for (const id of [caseId, c.caseId]) {
        const r = await call("GET", `${t.url(COLLABORATOR)}/cases/${id}`);
        expect(r.status).to.equal(200);
        expect(r.body.applicant.person.name).to.equal("陈志强");
        expectNoContact(`GET /cases/${id}`, r.body);
      }
      const list = await call("GET", `${t.url(COLLABORATOR)}/cases`);
      expect(list.body.cases.map((x: any) => x.caseId)).to.include(c.caseId);
      expectNoContact("GET /cases", list.body);
    });

    it("REST GET /cases/{id}/events and the page's event stream at the collaborator show no contact data", async () => {
      for (const id of [caseId, c.caseId]) {
        const r = await call("GET", `${t.url(COLLABORATOR)}/cases/${id}/events`);
        expect(r.body.events[0].type).to.equal("CaseSubmitted");
        expectNoContact(`GET /cases/${id}/events`, r.body);
        const streamed = await sseEvents(`${t.url(COLLABORATOR)}/cases/${id}/events/stream`, 1);
        expect(streamed).to.have.length(1);
        expectNoContact(`events/stream of ${id}`, streamed);
      }
    });
  });
});
