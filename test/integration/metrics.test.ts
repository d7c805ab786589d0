/**
 * /metrics after a case goes 长沙 → 广州 and back: the exact series and
 * values of cases by status, events sent and received per topic, outbox
 * backlog, overdue cases, consumer lag, dead letters, breakers and the
 * gRPC latency histogram.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CaseStatus } from "../../gateway/domain/case.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { type Scrape, scrape } from "../helpers/prometheus.js";

const CS = "430100";
const GZ = "440100";

/** Every status at 0 but `held`, as the xr_cases series should read. */
function casesWith(held: Record<string, number>): Array<[Record<string, string>, number]> {
  return Object.values(CaseStatus)
    .map((status): [Record<string, string>, number] => [{ status }, held[status] ?? 0])
    .sort((x, y) => JSON.stringify(x[0]).localeCompare(JSON.stringify(y[0])));
}

describe("metrics: one case across two cities", function () {
  this.timeout(60_000);
  let t: TestFederation;
  let cs: RegionHandle;
  let gz: RegionHandle;
  let caseId: string;
  const root = (r: RegionHandle) => r.url;
  /** Scrapes until the outbox is empty and the inbox has caught up, so the counts are final. */
  const settled = (r: RegionHandle): Promise<Scrape> =>
    eventually(async () => {
      const s = await scrape(root(r));
      const lag = s.series("xr_consumer_lag").reduce((n, [, v]) => n + v, 0);
      return s.value("xr_outbox_backlog") === 0 && lag === 0 ? s : undefined;
    }, `${r.region} to settle`);

  before(async () => {
    t = await startTestFederation([CS, GZ]);
    cs = t.fed.regions.get(CS) as RegionHandle;
    gz = t.fed.regions.get(GZ) as RegionHandle;
    const submitted = await call("POST", `${t.url(CS)}/cases`, pensionTransfer());
    expect(submitted.status).to.equal(201);
    caseId = submitted.body.caseId;
    await waitForStatus(t, GZ, caseId, "FORWARDED");
    const accepted = await call("POST", `${t.url(GZ)}/cases/${caseId}/actions`, { type: "accept" });
    expect(accepted.status).to.equal(200);
    await waitForStatus(t, CS, caseId, "ACCEPTED");
    await gz.materialFetcher.idle();
  });
  after(async () => {
    await t?.stop();
  });

  it("shows each ledger's cases by status, every status present", async () => {
    expect((await settled(cs)).series("xr_cases")).to.deep.equal(casesWith({ ACCEPTED: 1 }));
    expect((await settled(gz)).series("xr_cases")).to.deep.equal(casesWith({ ACCEPTED: 1 }));
  });

  it("counts events sent per topic by the relay and received per topic and outcome by the inbox", async () => {
    const c = await settled(cs);
    const g = await settled(gz);
    expect(c.series("xr_events_sent_total")).to.deep.equal([[{ topic: "xr.v1.intake.440100" }, 1]]);
    expect(g.series("xr_events_sent_total")).to.deep.equal([[{ topic: "xr.v1.handling.430100" }, 1]]);
    expect(c.series("xr_events_received_total")).to.deep.equal([
      [{ topic: "xr.v1.handling.430100", outcome: "applied" }, 1],
    ]);
    expect(g.series("xr_events_received_total")).to.deep.equal([
      [{ topic: "xr.v1.intake.440100", outcome: "applied" }, 1],
    ]);
    expect(c.series("xr_events_refused_total")).to.deep.equal([]);
  });

  it("shows an empty outbox, no lag on any inbox topic, nothing parked and nothing dead-lettered", async () => {
    for (const r of [cs, gz]) {
      const s = await settled(r);
      expect(s.value("xr_outbox_backlog"), r.region).to.equal(0);
      expect(s.value("xr_parked_events"), r.region).to.equal(0);
      expect(s.value("xr_dlq_records"), r.region).to.equal(0);
      expect(s.series("xr_consumer_lag"), r.region).to.deep.equal(
        ["delivery", "handling", "intake"].map((k) => [{ topic: `xr.v1.${k}.${r.region}` }, 0]),
      );
    }
  });

  it("shows breaker states as 0 closed, with the partner breaker that the material fetch created", async () => {
    const g = await settled(gz);
    expect(g.value("xr_breaker_state", { breaker: "bus" })).to.equal(0);
    expect(g.value("xr_breaker_state", { breaker: "partner:430100" })).to.equal(0);
  });

  it("times every gRPC call served, by method and status code", async () => {
    // 广州 fetched both scans of the case from 长沙 over gRPC.
    const c = await scrape(root(cs));
    expect(
      c.value("xr_grpc_server_duration_seconds_count", {
        method: "/xr.v1.CaseExchange/FetchMaterial",
        code: "OK",
      }),
    ).to.equal(2);
    const bucketsInf = c.value("xr_grpc_server_duration_seconds_bucket", {
      method: "/xr.v1.CaseExchange/FetchMaterial",
      code: "OK",
      le: "+Inf",
    });
    expect(bucketsInf).to.equal(2);
  });

  it("counts a case past its deadline as overdue, as of the gateway's today", async () => {
    expect((await settled(gz)).value("xr_cases_overdue")).to.equal(0);
    const clock = gz.context.clock as { now: () => Date };
    const real = clock.now;
    // A year on, the promised working days have long passed.
    clock.now = () => new Date(Date.now() + 366 * 86_400_000);
    try {
      // Scrapes within a second share one ledger read: wait for a fresh one.
      const s = await eventually(async () => {
        const x = await scrape(root(gz));
        return x.value("xr_cases_overdue") === 1 ? x : undefined;
      }, "the case to count as overdue");
      expect(s.value("xr_cases_overdue")).to.equal(1);
    } finally {
      clock.now = real;
    }
  });

  it("shows open cases per 电子监察 light, and logs one alert (no personal data) when a case turns red (issue 17)", async () => {
    // Scrapes within a second share one ledger read (the test before looked a year ahead): wait for today's.
    const today = await eventually(async () => {
      const x = await settled(gz);
      return x.value("xr_cases_by_light", { light: "GREEN" }) === 1 ? x : undefined;
    }, "today's lights");
    expect(today.series("xr_cases_by_light")).to.deep.equal([
      [{ light: "GREEN" }, 1],
      [{ light: "RED" }, 0],
      [{ light: "YELLOW" }, 0],
    ]);
    const clock = gz.context.clock as { now: () => Date };
    const real = clock.now;
    const alerts = () => t.logs.filter((l) => l.alert === "case-overdue" && l.region === GZ);
    expect(alerts()).to.have.length(0);
    clock.now = () => new Date(Date.now() + 366 * 86_400_000);
    try {
      const s = await eventually(async () => {
        const x = await scrape(root(gz));
        return x.value("xr_cases_by_light", { light: "RED" }) === 1 ? x : undefined;
      }, "the case to count as red");
      expect(s.value("xr_cases_by_light", { light: "GREEN" })).to.equal(0);
      await gz.timeLimits.sweep();
      await gz.timeLimits.sweep();
    } finally {
      clock.now = real;
    }
    await gz.timeLimits.sweep();
    const [alert, ...more] = alerts();
    expect(more, "one alert per case, not per sweep").to.have.length(0);
    expect(alert).to.include({ level: 40, caseId, matterCode: "XR-SB-001", handlingRegion: GZ });
    expect(alert?.dueOn).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(alert)).not.to.match(/applicant|idNumber|mobile|name"/);
  });

  it("shows consumer lag while the inbox is paused, then a refused envelope as a dead letter", async () => {
    await gz.pauseInbox();
    try {
      await t.bus.publish([
        {
          topic: "xr.v1.intake.440100",
          key: "01J0000000000000000000BAD1",
          value: new TextEncoder().encode("not an envelope"),
          headers: { "xr-source": CS, "xr-target": GZ, "xr-type": "CaseSubmitted" },
        },
      ]);
      const paused = await eventually(async () => {
        const s = await scrape(root(gz));
        return s.value("xr_consumer_lag", { topic: "xr.v1.intake.440100" }) === 1 ? s : undefined;
      }, "lag of 1 on the intake topic");
      expect(paused.value("xr_consumer_lag", { topic: "xr.v1.handling.440100" })).to.equal(0);
    } finally {
      await gz.resumeInbox();
    }
    const s = await eventually(async () => {
      const x = await scrape(root(gz));
      return x.value("xr_dlq_records") === 1 &&
        x.value("xr_consumer_lag", { topic: "xr.v1.intake.440100" }) === 0
        ? x
        : undefined;
    }, "the bad record dead-lettered and committed");
    expect(s.series("xr_events_refused_total")).to.deep.equal([
      [{ topic: "xr.v1.intake.440100", reason: "invalid" }, 1],
    ]);
    expect(s.series("xr_events_received_total")).to.deep.equal([
      [{ topic: "xr.v1.intake.440100", outcome: "applied" }, 1],
      [{ topic: "xr.v1.intake.440100", outcome: "dead-lettered" }, 1],
    ]);
  });

  it("explains every xr_ metric in its HELP text and never labels a series with a case id", async () => {
    const s = await scrape(root(cs));
    const names = [...s.help.keys()].filter((n) => n.startsWith("xr_"));
    expect(names).to.include.members([
      "xr_cases",
      "xr_cases_overdue",
      "xr_cases_by_light",
      "xr_outbox_backlog",
      "xr_parked_events",
      "xr_consumer_lag",
      "xr_dlq_records",
      "xr_breaker_state",
      "xr_events_sent_total",
      "xr_events_received_total",
      "xr_events_refused_total",
      "xr_http_request_duration_seconds",
      "xr_grpc_server_duration_seconds",
    ]);
    for (const n of names) expect(s.help.get(n), n).to.have.length.greaterThan(30);
    // The README's Operating table explains exactly the metrics the gateway exposes.
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    const operating = readme.slice(readme.indexOf("## Operating"), readme.indexOf("## Performance"));
    const documented = [...operating.matchAll(/^\| `(xr_\w+)` \|/gm)].map((m) => m[1]);
    expect([...documented].sort()).to.deep.equal([...names].sort());
    const text = await fetch(`${root(cs)}/metrics`).then((r) => r.text());
    expect(text).not.to.include(caseId);
  });
});
