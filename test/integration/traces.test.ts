/**
 * One case followed across cities by its trace: a W3C traceparent given to
 * the 长沙 window's REST call reaches the envelope, the Kafka-style headers,
 * 广州's inbox, and 广州's gRPC material fetch back to 长沙; every log line on
 * the way carries the trace id and the case id.
 */
import { expect } from "chai";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";

const CS = "430100";
const GZ = "440100";
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe("traces: one case followed through the logs of both cities", function () {
  this.timeout(60_000);
  let t: TestFederation;
  let gz: RegionHandle;
  before(async () => {
    t = await startTestFederation([CS, GZ]);
    gz = t.fed.regions.get(GZ) as RegionHandle;
  });
  after(async () => {
    await t?.stop();
  });

  it("carries the window's trace id and the case id on every hop, in both cities' log lines", async () => {
    const submitted = await call("POST", `${t.url(CS)}/cases`, pensionTransfer(), { traceparent: PARENT });
    expect(submitted.status).to.equal(201);
    const caseId: string = submitted.body.caseId;
    // The answer continues the caller's trace with the gateway's own span.
    const answered = submitted.headers.get("traceparent") ?? "";
    expect(answered).to.match(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(answered).not.to.equal(PARENT);

    await waitForStatus(t, GZ, caseId, "FORWARDED");
    await gz.materialFetcher.idle();
    // The record on the bus carries the trace in its header and in the signed envelope.
    const record = t.bus.read("xr.v1.intake.440100").find((r) => r.key === caseId);
    expect(record?.headers.traceparent).to.match(new RegExp(`^00-${TRACE_ID}-`));

    const traced = await eventually(async () => {
      const lines = t.logs.filter((l) => l.traceId === TRACE_ID);
      const has = (region: string, msg: string) => lines.some((l) => l.region === region && l.msg === msg);
      return has(CS, "case submitted") &&
        has(CS, "event sent") &&
        has(GZ, "event applied") &&
        has(GZ, "material fetched") &&
        has(CS, "rpc served")
        ? lines
        : undefined;
    }, "the trace's log lines in both cities");
    // Every line of the trace names the case, whichever city wrote it and whatever part of the gateway.
    for (const l of traced) expect(l.caseId, JSON.stringify(l)).to.equal(caseId);
    const where = new Set(traced.map((l) => `${l.region} ${l.msg}`));
    expect([...where]).to.include.members([
      `${CS} case submitted`, // the REST request
      `${CS} event sent`, // the outbox relay
      `${GZ} event applied`, // 广州's inbox
      `${GZ} material fetched`, // 广州's material fetcher, calling 长沙 over gRPC…
      `${CS} rpc served`, // …whose FetchMaterial handler continued the trace from the call's metadata
    ]);
    expect(traced.filter((l) => l.region === CS && l.msg === "rpc served").map((l) => l.rpc)).to.include(
      "FetchMaterial",
    );
  });

  it("starts a trace when the window sends none, shared by the answer, the logs and the envelope", async () => {
    const submitted = await call("POST", `${t.url(CS)}/cases`, pensionTransfer());
    expect(submitted.status).to.equal(201);
    const caseId: string = submitted.body.caseId;
    const traceId = /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/.exec(
      submitted.headers.get("traceparent") ?? "",
    )?.[1];
    expect(traceId, "a traceparent in the answer").to.be.a("string");
    expect(traceId).not.to.equal(TRACE_ID);
    const submitLine = t.logs.find((l) => l.msg === "case submitted" && l.caseId === caseId);
    expect(submitLine?.traceId).to.equal(traceId);
    await waitForStatus(t, GZ, caseId, "FORWARDED");
    const record = t.bus.read("xr.v1.intake.440100").find((r) => r.key === caseId);
    expect(record?.headers.traceparent).to.match(new RegExp(`^00-${traceId}-`));
    await eventually(
      async () =>
        t.logs.some((l) => l.region === GZ && l.traceId === traceId && l.caseId === caseId)
          ? true
          : undefined,
      "广州's lines in the same trace",
    );
  });

  it("ignores a malformed traceparent and starts a new trace", async () => {
    const r = await call("GET", `${t.url(CS)}/regions`, undefined, { traceparent: "00-zz-not-a-trace" });
    expect(r.status).to.equal(200);
    expect(r.headers.get("traceparent")).to.match(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
