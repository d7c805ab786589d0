/**
 * `GET /api/v1/stats` (issue 17, 统计/效能监督) on a two-city federation whose ledgers are SQLite files or
 * PostgreSQL: cases filed, accepted, suspended and decided on chosen days (the cities' clocks are set to
 * them), then the figures read back as a manager reads them.
 */
import { expect } from "chai";
import type { Clock } from "../../gateway/ports/clock.js";
import {
  call,
  eventually,
  startTestFederation,
  type TestFederation,
  waitForStatus,
} from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { authFor } from "../helpers/staff.js";

const CS = "430100";
const GZ = "440100";

/** The stats route's behaviour on one kind of ledger (`databaseUrl` absent: SQLite). */
export function statsRoute(label: string, databaseUrl: () => Promise<string | undefined>): void {
  describe(`GET /api/v1/stats on ${label}`, function () {
    this.timeout(120_000);
    let t: TestFederation;
    const ids: Record<string, string> = {};
    const on = (day: string) => {
      for (const r of [CS, GZ]) {
        const ctx = t.fed.regions.get(r)?.context as { clock: Clock };
        ctx.clock = { now: () => new Date(`${day}T02:00:00Z`) };
      }
    };
    const act = async (caseId: string, body: unknown, day: string) => {
      on(day);
      const r = await call(
        "POST",
        `${t.url(GZ)}/cases/${caseId}/actions`,
        body,
        authFor(t.url(GZ), "handler"),
      );
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      return r.body;
    };
    const file = async (day: string) => {
      on(day);
      const r = await call("POST", `${t.url(CS)}/cases`, pensionTransfer());
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      await waitForStatus(t, GZ, r.body.caseId, "FORWARDED");
      return r.body.caseId as string;
    };
    const stats = (query: string, role = "manager", region = GZ) =>
      call("GET", `${t.url(region)}/stats${query}`, undefined, authFor(t.url(region), role));

    before(async () => {
      const url = await databaseUrl();
      t = await startTestFederation([CS, GZ], url === undefined ? {} : { databaseUrl: url });
      // On time: accepted the next day, decided two days later.
      ids.onTime = await file("2026-03-02");
      await act(ids.onTime, { type: "accept" }, "2026-03-03");
      await act(ids.onTime, { type: "decide", approved: true }, "2026-03-05");
      // Accepted late (the 5-working-day limit ran out on 2026-03-09), then decided: the breach stays.
      ids.late = await file("2026-03-02");
      await act(ids.late, { type: "accept" }, "2026-03-20");
      await act(ids.late, { type: "decide", approved: true }, "2026-03-23");
      // Suspended for a hearing for a week (特别程序), then decided in time.
      ids.suspended = await file("2026-03-02");
      await act(ids.suspended, { type: "accept" }, "2026-03-03");
      await act(
        ids.suspended,
        { type: "suspend", suspensionKind: "HEARING", reason: "听证", expectedDays: 5 },
        "2026-03-04",
      );
      await act(ids.suspended, { type: "resume" }, "2026-03-11");
      ids.suspendedDays = String(
        (await act(ids.suspended, { type: "decide", approved: true }, "2026-03-12")).clock.suspendedDays,
      );
      // Never accepted: overdue now.
      ids.open = await file("2026-03-02");
      // Out of the March range: filed and decided in May.
      ids.may = await file("2026-05-04");
      await act(ids.may, { type: "accept" }, "2026-05-06");
      await act(ids.may, { type: "decide", approved: true }, "2026-05-07");
      on("2026-03-25");
      // The intake city folds the same events: wait until it holds the last decision too.
      await waitForStatus(t, CS, ids.may, "DECIDED");
    });
    after(async () => {
      await t?.stop();
    });

    it("counts received, decided, on time (a late acceptance stays late), suspended days and overdue per matter", async () => {
      const r = await stats("?from=2026-03-01&to=2026-03-31&groupBy=matter");
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body).to.include({
        from: "2026-03-01",
        to: "2026-03-31",
        groupBy: "matter",
        today: "2026-03-25",
      });
      expect(r.body.groups).to.have.length(1);
      const g = r.body.groups[0];
      expect(g).to.include({
        key: "XR-SB-001",
        name: "基本养老保险关系转移接续",
        received: 4,
        decided: 3,
        onTime: 2,
        onTimeRate: 0.6667,
        overdueNow: 1,
      });
      expect(Number(ids.suspendedDays)).to.be.greaterThan(0);
      expect(g.suspendedDays).to.equal(Number(ids.suspendedDays));
      expect(g.avgDecideDays).to.be.a("number").and.greaterThan(0);
      expect(r.body.totals).to.include({ received: 4, decided: 3, onTime: 2, overdueNow: 1 });
      const red = r.body.overdue.find((w: { caseId: string }) => w.caseId === ids.open);
      expect(red).to.include({ light: "RED", matterCode: "XR-SB-001", partner: CS, partnerName: "长沙市" });
      expect(r.body.overdue.map((w: { caseId: string }) => w.caseId)).not.to.include(ids.late);
    });

    it("the late case keeps its breach in the case JSON after acceptance and decision", async () => {
      const c = await call("GET", `${t.url(GZ)}/cases/${ids.late}`);
      expect(c.body.status).to.equal("DECIDED");
      expect(c.body.clock.breach).to.include({ stage: "accept" });
    });

    it("counts only the range asked for", async () => {
      const may = await stats("?from=2026-05-01&to=2026-05-31");
      expect(may.status).to.equal(200);
      expect(may.body.groups[0]).to.include({ received: 1, decided: 1, onTime: 1, onTimeRate: 1 });
      const april = await stats("?from=2026-04-01&to=2026-04-30");
      // Nothing arrived or was decided in April: only the overdue-now count remains, with no rates.
      expect(april.body.groups).to.have.length(1);
      expect(april.body.groups[0]).to.include({ received: 0, decided: 0, onTimeRate: null, overdueNow: 1 });
    });

    it("groups by partner region, named from the federation config, on both sides", async () => {
      const r = await stats("?from=2026-03-01&to=2026-05-31&groupBy=region");
      expect(r.body.groups).to.have.length(1);
      expect(r.body.groups[0]).to.include({ key: CS, name: "长沙市", received: 5, decided: 4, onTime: 3 });
      const intake = await stats("?from=2026-03-01&to=2026-05-31&groupBy=region", "manager", CS);
      expect(intake.status).to.equal(200);
      expect(intake.body.groups[0]).to.include({
        key: GZ,
        name: "广州市",
        received: 5,
        decided: 4,
        onTime: 3,
      });
    });

    it("exports CSV that Excel opens with the Chinese intact: UTF-8 with a BOM", async () => {
      const res = await fetch(`${t.url(GZ)}/stats?from=2026-03-01&to=2026-03-31&format=csv`, {
        headers: authFor(t.url(GZ), "manager"),
      });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^text\/csv; charset=utf-8/);
      expect(res.headers.get("content-disposition")).to.match(
        /^attachment; filename="?stats-440100-matter-2026-03-01-2026-03-31\.csv"?$/,
      );
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1);
      const lines = text.split("\r\n");
      expect(lines[1]).to.match(/^事项编码,事项名称,收件数,办结数,按时办结数,按时办结率/);
      expect(lines[1]).to.match(/,当前超期件数,评价数,满意率,差评数,整改未反馈,整改逾期$/);
      expect(lines[2]).to.equal(
        "XR-SB-001,基本养老保险关系转移接续,4,3,2,66.7%," +
          lines[2]?.split(",")[6] +
          `,${ids.suspendedDays},1,0,,0,0,0`,
      );
      expect(lines[3]).to.match(/^,合计,4,3,2,66.7%,/);
    });

    it("refuses bad parameters with 400 naming the parameter, and changes nothing", async () => {
      const cases: Array<[string, string]> = [
        ["?from=2026-3-1", "from"],
        ["?from=2026-02-30", "from"],
        ["?from=2026-03-31&to=2026-03-01", "to"],
        ["?groupBy=city", "groupBy"],
        ["?format=xlsx", "format"],
        ["?from=2020-01-01&to=2026-01-01", "to"],
        ["?colour=red", "colour"],
        ["?from=2026-03-01&from=2026-03-02", "from"],
      ];
      for (const [query, field] of cases) {
        const r = await stats(query);
        expect(r.status, query).to.equal(400);
        expect(
          r.body.error.details.map((d: { path: string }) => d.path),
          query,
        ).to.include(field);
      }
    });

    it("is 403 for clerks, handlers and auditors; admins and managers may read it", async () => {
      for (const role of ["clerk", "handler", "auditor"]) {
        const r = await stats("?from=2026-03-01&to=2026-03-31", role);
        expect(r.status, role).to.equal(403);
      }
      expect((await stats("", "admin")).status).to.equal(200);
      const none = await call("GET", `${t.url(GZ)}/stats`, undefined, { authorization: "" });
      expect(none.status).to.equal(401);
    });

    it("the manager reads cases but takes no step and files nothing", async () => {
      const list = await call("GET", `${t.url(GZ)}/cases`, undefined, authFor(t.url(GZ), "manager"));
      expect(list.status).to.equal(200);
      const accept = await call(
        "POST",
        `${t.url(GZ)}/cases/${ids.open}/actions`,
        { type: "accept" },
        authFor(t.url(GZ), "manager"),
      );
      expect(accept.status).to.equal(403);
    });

    describe("好差评 in the figures (issue 18)", () => {
      const rated: Record<string, string> = {};
      /** A case filed on `day`, refused (so it may be rated at once), rated at 长沙 on `ratedOn`. */
      const rate = async (level: string, day: string, ratedOn: string) => {
        const id = await file(day);
        await act(id, { type: "accept" }, day);
        await act(id, { type: "decide", approved: false, reason: "材料不符" }, day);
        await waitForStatus(t, CS, id, "DECIDED");
        on(ratedOn);
        const r = await call(
          "POST",
          `${t.url(CS)}/cases/${id}/actions`,
          { type: "rate", ratingLevel: level },
          authFor(t.url(CS), "clerk"),
        );
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
        await eventually(async () => {
          const c = await call("GET", `${t.url(GZ)}/cases/${id}`, undefined, authFor(t.url(GZ), "manager"));
          return c.body.rating ? c.body : undefined;
        }, "广州 to hold the rating");
        return id;
      };

      before(async () => {
        rated.very = await rate("VERY_SATISFIED", "2026-06-01", "2026-06-02");
        rated.basic = await rate("BASICALLY_SATISFIED", "2026-06-01", "2026-06-03");
        // 整改 due 15 working days after 2026-06-04: past by 2026-07-15, never answered.
        rated.overdue = await rate("DISSATISFIED", "2026-06-01", "2026-06-04");
        // Answered by 广州: no longer open.
        rated.answered = await rate("VERY_DISSATISFIED", "2026-06-01", "2026-06-05");
        await act(rated.answered, { type: "answer-rectification", note: "已电话致歉并改进" }, "2026-06-08");
        // Decided in June but rated in July: a rating counts by the day it was given.
        rated.july = await rate("DISSATISFIED", "2026-06-29", "2026-07-10");
        on("2026-07-15");
      });
      after(() => on("2026-03-25"));

      it("counts ratings by the day given, 满意率 (基本满意 included), 差评, and 整改 open and overdue now", async () => {
        const june = await stats("?from=2026-06-01&to=2026-06-30");
        expect(june.status, JSON.stringify(june.body)).to.equal(200);
        expect(june.body.groups).to.have.length(1);
        const expected = {
          received: 5,
          decided: 5,
          rated: 4,
          satisfactionRate: 0.5,
          negative: 2,
          rectificationOpen: 2,
          rectificationOverdue: 1,
        };
        expect(june.body.groups[0]).to.include({ key: "XR-SB-001", ...expected });
        expect(june.body.totals).to.include({ name: "合计", ...expected });
        const summer = await stats("?from=2026-06-01&to=2026-07-31&groupBy=region");
        expect(summer.body.groups[0]).to.include({
          key: CS,
          rated: 5,
          satisfactionRate: 0.4,
          negative: 3,
          rectificationOpen: 2,
          rectificationOverdue: 1,
        });
        // The intake side holds the same ratings (the events reached both ledgers).
        const intake = await stats("?from=2026-06-01&to=2026-07-31&groupBy=region", "manager", CS);
        expect(intake.body.groups[0]).to.include({ key: GZ, rated: 5, negative: 3, rectificationOpen: 2 });
        // Nothing rated in March: no rate rather than 0%; the open 整改 are counted whatever the range.
        const march = await stats("?from=2026-03-01&to=2026-03-31");
        expect(march.body.groups[0]).to.include({
          rated: 0,
          satisfactionRate: null,
          negative: 0,
          rectificationOpen: 2,
          rectificationOverdue: 1,
        });
      });

      it("exports the rating columns in the CSV, with the BOM", async () => {
        const res = await fetch(`${t.url(GZ)}/stats?from=2026-06-01&to=2026-06-30&format=csv`, {
          headers: authFor(t.url(GZ), "manager"),
        });
        expect(res.status).to.equal(200);
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect([...bytes.slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
        const lines = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1).split("\r\n");
        expect(lines[1]?.split(",").slice(-5)).to.deep.equal([
          "评价数",
          "满意率",
          "差评数",
          "整改未反馈",
          "整改逾期",
        ]);
        expect(lines[2]?.split(",").slice(-5)).to.deep.equal(["4", "50.0%", "2", "2", "1"]);
        expect(lines[3]).to.match(/^,合计,5,5,/);
        expect(lines[3]?.split(",").slice(-5)).to.deep.equal(["4", "50.0%", "2", "2", "1"]);
      });
    });
  });
}
