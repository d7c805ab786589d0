/**
 * The page shows the shared checks' findings in Chinese: every issue text
 * that domain/ids.ts and the request schema produce has a translation, so a
 * reworded check fails here instead of reaching window staff in English.
 */
import { expect } from "chai";
import type { Request } from "express";
import { caseActionSchema, parseRequest, submitCaseSchema } from "../../gateway/contract/requests.js";
import { WorkCalendar } from "../../gateway/domain/calendar.js";
import { XrError } from "../../gateway/domain/errors.js";
import {
  checkCreditCode,
  checkMobile,
  checkPostalCode,
  checkRegionCode,
  checkResidentId,
  checkSha256,
} from "../../gateway/domain/ids.js";
import { applyEvent } from "../../gateway/domain/lifecycle.js";
import { parseReceiptNumber } from "../../gateway/domain/receipt-number.js";
import { JSON_TYPES, requireMediaType, SCAN_TYPES } from "../../gateway/transports/rest/media-types.js";
import { requireSameOrigin } from "../../gateway/transports/rest/origin.js";
import { zhIssue } from "../../gateway/web/client/messages.js";
import { event, personCase } from "../helpers/cases.js";
import { creditCode, residentId } from "../helpers/fixtures.js";

const CJK = /[\u4e00-\u9fff]/;

function issuesOf(schema: typeof submitCaseSchema | typeof caseActionSchema, body: unknown): string[] {
  try {
    parseRequest(schema, body);
  } catch (err) {
    if (err instanceof XrError) return err.details.map((d) => d.issue);
  }
  throw new Error("expected the request to be refused");
}

describe("window page: Chinese wording of the shared checks", () => {
  it("translates every finding of domain/ids.ts", () => {
    const id = residentId();
    const code = creditCode();
    const findings = [
      checkResidentId("4301041986"),
      checkResidentId(`99${id.slice(2)}`),
      checkResidentId(`43010419860231${id.slice(14)}`),
      checkResidentId(residentId("430104", "20991231"), new Date("2026-01-01")),
      checkResidentId(id.slice(0, 17) + (id.endsWith("1") ? "2" : "1")),
      checkCreditCode("91440101MA59TQ8KIO"),
      checkCreditCode(code.slice(0, 17) + (code.endsWith("1") ? "2" : "1")),
      checkRegionCode("HN"),
      checkMobile("12807311234"),
      checkPostalCode("41001"),
      checkSha256("ABC"),
    ];
    for (const issue of findings) {
      expect(issue).to.be.a("string");
      expect(zhIssue(issue as string), issue).to.match(CJK);
    }
    expect(zhIssue("wrong check character (expected X)")).to.equal("校验位错误（按前 17 位应为 X）");
  });

  it("translates the request schema's findings on an intake form and an action", () => {
    const intake = issuesOf(submitCaseSchema, {
      mode: "REMOTE_INTAKE",
      matterCode: "XR-SB-001",
      intakeRegion: "430100",
      handlingRegion: "440100",
      applicant: { person: { name: "李".repeat(51), idNumber: "43010419860412231", mobile: "" } },
      materials: [{ materialCode: "CL-SFZ", name: "居民\u0007身份证", sha256: "x", sizeBytes: "0" }],
      delivery: { method: "MAIL", recipient: "", mobile: "110", address: "", postalCode: "4100" },
    });
    expect(intake).to.have.length.of.at.least(6);
    const action = issuesOf(caseActionSchema, { type: "mail", courier: "EMS", waybillNo: "12" });
    for (const issue of [...intake, ...action]) expect(zhIssue(issue), issue).to.match(CJK);
  });

  it("translates the REST layer's refusals of content type and origin (issue 19)", () => {
    const req = (headers: Record<string, string>) =>
      ({
        get: (name: string) => headers[name.toLowerCase()],
        protocol: "http",
        host: "gw",
      }) as unknown as Request;
    const issues: string[] = [];
    for (const check of [
      () => requireMediaType(req({ "content-type": "text/plain" }), JSON_TYPES),
      () => requireMediaType(req({ "content-type": "text/plain" }), SCAN_TYPES),
      () => requireSameOrigin(req({ "sec-fetch-site": "cross-site" })),
    ]) {
      try {
        check();
      } catch (err) {
        issues.push(...(err as XrError).details.map((d) => d.issue));
      }
    }
    expect(issues).to.have.length(3);
    for (const issue of issues) expect(zhIssue(issue), issue).to.match(CJK);
  });

  it("translates the time-limit refusals: suspended, not suspended, no holiday data (issue 17)", () => {
    const accepted = { ...personCase(), status: "ACCEPTED" as const };
    const suspended = {
      ...accepted,
      suspension: {
        kind: "HEARING" as const,
        reason: "听证",
        expectedDays: 5,
        since: "2026-11-02T02:00:00Z",
      },
    };
    const issues: string[] = [];
    for (const attempt of [
      () =>
        applyEvent(
          suspended,
          event(suspended, "440100", { type: "CaseDecided", approved: true, reason: "" }),
        ),
      () => applyEvent(accepted, event(accepted, "440100", { type: "CaseResumed", note: "" })),
      () => new WorkCalendar({ holidays: [], workdays: [], covers: [2026] }).addWorkingDays("2026-12-30", 5),
    ]) {
      try {
        attempt();
      } catch (err) {
        issues.push(...(err as XrError).details.map((d) => d.issue));
      }
    }
    expect(issues).to.have.length(3);
    for (const issue of issues) expect(zhIssue(issue), issue).to.match(CJK);
  });

  it("translates the findings on scans and receipt numbers (issue 16)", () => {
    let receipt = "";
    try {
      parseReceiptNumber("12345");
    } catch (err) {
      receipt = (err as XrError).details[0]?.issue ?? "";
    }
    const issues = [
      receipt,
      "is the same file as materials[0]",
      "not a material of this case",
      "still being fetched from 430100",
      "must lie within the file's 2048 bytes",
    ];
    for (const issue of issues) expect(zhIssue(issue), issue).to.match(CJK);
    expect(zhIssue("still being fetched from 430100")).to.include("430100");
  });

  it("leaves an issue it does not know as it came, never hiding it", () => {
    expect(zhIssue("a brand-new check said no")).to.equal("a brand-new check said no");
  });
});
