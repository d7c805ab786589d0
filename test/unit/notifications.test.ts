/** Issue 18: which events are told of, by whom, and config/notifications.yaml's checks. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { readNotifications } from "../../gateway/config/notifications.js";
import type { LedgerEvent } from "../../gateway/domain/events.js";
import { notificationsFor, render } from "../../gateway/domain/notifications.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { event, organizationCase, personCase } from "../helpers/cases.js";

const ledgerEvent = (e: ReturnType<typeof event>): LedgerEvent =>
  ({ ...e, statusAfter: "ACCEPTED" }) as LedgerEvent;

describe("notifications (issue 18)", () => {
  it("are owed by the intake region only, for the five told-of events, to the applicant's number", () => {
    const c = personCase();
    const events = [
      ledgerEvent(event(c, c.handlingRegion, { type: "CaseAccepted", deadline: "2026-12-30" })),
      ledgerEvent(event(c, c.handlingRegion, { type: "HandlingNote", author: "王", text: "x" })),
      ledgerEvent(
        event(c, c.handlingRegion, { type: "ResultMailed", courier: "顺丰速运", waybillNo: "SF1" }),
      ),
    ];
    expect(notificationsFor(c, events, c.handlingRegion)).to.deep.equal([]);
    const owed = notificationsFor(c, events, c.intakeRegion);
    expect(owed.map((n) => [n.eventId, n.kind])).to.deep.equal([
      [events[0]?.eventId, "accepted"],
      [events[2]?.eventId, "mailed"],
    ]);
    expect(owed.every((n) => "person" in c.applicant && n.mobile === c.applicant.person.mobile)).to.equal(
      true,
    );
    expect(render("【跨域通办】{courier} {waybillNo} {unknown}", owed[1]?.vars ?? ({} as never))).to.equal(
      "【跨域通办】顺丰速运 SF1 {unknown}",
    );
  });

  it("tell the applicant that the handling region answered their rating (整改), once, from the intake region", () => {
    const c = personCase();
    const answered = ledgerEvent(
      event(c, c.handlingRegion, { type: "RectificationAnswered", answer: "已整改" }),
    );
    const rated = ledgerEvent(
      event(c, c.intakeRegion, {
        type: "CaseRated",
        level: "VERY_DISSATISFIED",
        tags: [],
        text: "",
        channel: "APPLICANT",
        rectificationDue: "2026-12-28",
      }),
    );
    expect(notificationsFor(c, [rated, answered], c.handlingRegion)).to.deep.equal([]);
    const owed = notificationsFor(c, [rated, answered], c.intakeRegion);
    expect(owed.map((n) => [n.eventId, n.kind])).to.deep.equal([[answered.eventId, "rectificationAnswered"]]);
    expect(Object.values(owed[0]?.vars ?? {})).to.not.include("已整改");
  });

  it("go to a company's delivery contact, and nowhere without a number", () => {
    const none = organizationCase();
    expect(
      notificationsFor(
        { ...none, delivery: { ...none.delivery, mobile: "" } },
        [ledgerEvent(event(none, none.handlingRegion, { type: "ResultDelivered" }))],
        none.intakeRegion,
      ),
    ).to.deep.equal([]);
    const c = { ...none, delivery: { ...none.delivery, mobile: "13907311234" } };
    const [n] = notificationsFor(
      c,
      [ledgerEvent(event(c, c.handlingRegion, { type: "ResultDelivered" }))],
      c.intakeRegion,
    );
    expect(n?.mobile).to.equal("13907311234");
  });

  it("config: the shipped file is valid, and a bad one is refused naming each key", () => {
    const shipped: string[] = [];
    expect(readNotifications(join(PROJECT_ROOT, "config"), shipped)).to.not.equal(undefined);
    expect(shipped).to.deep.equal([]);
    const dir = mkdtempSync(join(tmpdir(), "xr-notify-config-"));
    try {
      writeFileSync(
        join(dir, "notifications.yaml"),
        [
          "provider: { kind: http, url: 'ftp://x', apiKeyEnv: lower }",
          "templates:",
          '  accepted: "已受理"',
          '  supplementRequested: "【跨域通办】{matterName}"',
          '  decided: "【跨域通办】{result}"',
          '  mailed: "【跨域通办】{courier}"',
        ].join("\n"),
      );
      const problems: string[] = [];
      expect(readNotifications(dir, problems)).to.equal(undefined);
      const text = problems.join("\n");
      expect(text).to.contain("notifications.yaml: provider.url:");
      expect(text).to.contain("notifications.yaml: provider.apiKeyEnv: must name an environment variable");
      expect(text).to.contain("notifications.yaml: templates.accepted: must start with a signature");
      expect(text).to.contain("notifications.yaml: templates.decided: unknown placeholder {result}");
      expect(text).to.contain("notifications.yaml: templates.delivered:");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
