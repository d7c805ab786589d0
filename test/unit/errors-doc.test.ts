/** docs/errors.md and the closed list of error codes stay in step (as fastify's errors test does). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { status as grpcStatus } from "@grpc/grpc-js";
import { expect } from "chai";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import {
  CODE_MESSAGES,
  ISSUE_MESSAGES,
  issueKey,
  localizeError,
  zhIssue,
} from "../../gateway/domain/messages.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { GRPC_STATUS } from "../../gateway/transports/grpc/status.js";
import { HTTP_STATUS } from "../../gateway/transports/rest/status.js";

describe("error codes", () => {
  const doc = readFileSync(join(PROJECT_ROOT, "docs/errors.md"), "utf8");
  const rows = doc
    .split("\n")
    .map((line) => /^\| `([A-Z_]+)` \| (\d{3}) \| (yes|no) \| `([A-Z_]+)` \|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);

  it("documents every code once, with its HTTP status, retriability and gRPC status", () => {
    expect(rows.map((m) => m[1]).sort()).to.deep.equal(Object.values(ErrorCode).sort());
    for (const [, code, status, retriable, grpcName] of rows) {
      const c = code as ErrorCode;
      expect(HTTP_STATUS[c], code).to.equal(Number(status));
      expect(GRPC_STATUS[c], code).to.equal(grpcStatus[grpcName as keyof typeof grpcStatus]);
      expect(new XrError(c, "x").retriable, code).to.equal(retriable === "yes");
    }
  });

  it("wraps anything thrown as INTERNAL, keeping the cause", () => {
    const cause = new TypeError("boom");
    const e = XrError.from(cause);
    expect(e.code).to.equal("INTERNAL");
    expect(e.cause).to.equal(cause);
    expect(XrError.from(e)).to.equal(e);
  });

  describe("messages in both languages (one catalogue: gateway/domain/messages.ts)", () => {
    const CJK = /[\u4e00-\u9fff]/;
    const cell = (text: string) => text.replaceAll("|", "\\|");
    const lines = new Set(doc.split("\n"));

    it("documents every code's message in English and Chinese", () => {
      for (const code of Object.values(ErrorCode)) {
        const m = CODE_MESSAGES[code];
        expect(m.zh, code).to.match(CJK);
        expect(m.en, code).to.match(/^[ -~]+$/);
        expect(lines.has(`| \`${code}\` | ${cell(m.en)} | ${cell(m.zh)} |`), `row of ${code}`).to.equal(true);
      }
    });

    it("documents every entry once, its English example matching it and its Chinese as the catalogue words it", () => {
      const keys = ISSUE_MESSAGES.map((e) => e.key);
      expect(new Set(keys).size, "keys are unique").to.equal(keys.length);
      for (const e of ISSUE_MESSAGES) {
        // The example is worded by its own entry, not an earlier one whose pattern also matches.
        expect(issueKey(e.example), e.example).to.equal(e.key);
        const zh = zhIssue(e.example);
        expect(zh, e.key).to.match(CJK);
        const row = `| \`${e.key}\` | ${cell(e.example)} | ${cell(zh)} |`;
        expect(lines.has(row), `docs/errors.md lacks: ${row}`).to.equal(true);
      }
      const documented = doc.split("\n").filter((l) => /^\| `[a-z][\w.]*` \|/.test(l));
      expect(documented, "no rows for entries that are gone").to.have.length(ISSUE_MESSAGES.length);
    });

    it("words an error in Chinese from its code and details, never passing English through", () => {
      const refusal = new XrError(ErrorCode.PERMISSION_DENIED, "role clerk may not accept", {
        details: [{ path: "(role)", issue: "clerk may not act:accept" }],
      });
      const zh = localizeError(refusal, "zh-CN");
      expect(zh.message).to.equal("窗口收件员不能办理「受理」，请由有权限的人员操作");
      expect(zh.details).to.deep.equal([
        { path: "(role)", issue: "clerk may not act:accept", message: zh.message },
      ]);
      const unknown = localizeError(
        new XrError(ErrorCode.UNAVAILABLE, "partner 440100 is unreachable: breaker open"),
        "zh-CN",
      );
      expect(unknown.message).to.equal(CODE_MESSAGES.UNAVAILABLE.zh);
      const names = (code: string) => ({ "430100": "长沙市", "440100": "广州市" })[code];
      const agreement = localizeError(
        XrError.invalid("matterCode", "matter XR-SF-002 is not in the cooperation agreement 430100 → 440100"),
        "zh-CN",
        names,
      );
      expect(agreement.message).to.equal("事项 XR-SF-002 不在长沙市→广州市跨域通办合作协议范围内");
      expect(localizeError(refusal, "en")).to.deep.equal({
        message: refusal.message,
        details: refusal.details,
      });
    });
  });
});
