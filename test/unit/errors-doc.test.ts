/** docs/errors.md and the closed list of error codes stay in step (as fastify's errors test does). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { status as grpcStatus } from "@grpc/grpc-js";
import { expect } from "chai";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { GRPC_STATUS } from "../../gateway/transports/grpc/status.js";
import { HTTP_STATUS } from "../../gateway/transports/rest/status.js";

describe("error codes", () => {
  const rows = readFileSync(join(PROJECT_ROOT, "docs/errors.md"), "utf8")
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
});
