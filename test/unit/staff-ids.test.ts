import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { loadStaff, tokenHash } from "../../gateway/config/staff.js";
import { staffActor } from "../../gateway/domain/staff.js";

describe("staff ids (经办人 on events)", () => {
  it("takes the configured id, else a digest of the token's hash; dev tokens are named by region and role", () => {
    const dir = mkdtempSync(join(tmpdir(), "xr-staff-"));
    const a = tokenHash("xr_token_a");
    const b = tokenHash("xr_token_b");
    writeFileSync(
      join(dir, "staff.yaml"),
      `devTokens: true\ntokens:\n  - { id: GZ-0042, name: 李娜, role: handler, region: "440100", sha256: ${a} }\n  - { name: 王芳, role: clerk, region: "430100", sha256: ${b} }\n`,
    );
    const staff = loadStaff(dir, ["440100"]);
    const named = staff.get(a);
    expect(named && staffActor(named)).to.deep.equal({
      staffId: "GZ-0042",
      displayName: "李娜",
      kind: "staff",
      role: "handler",
    });
    expect(staff.get(b)?.id).to.equal(`staff-${b.slice(0, 12)}`);
    expect(staff.get(b)?.id).not.to.include("xr_token_b");
    expect(staff.get(tokenHash("dev-440100-clerk"))?.id).to.equal("dev-440100-clerk");
  });
});
