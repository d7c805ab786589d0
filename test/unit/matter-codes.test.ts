/**
 * A region's local → shared matter codes (gateway/config/matter-codes.ts):
 * a map of codes to every reader, shared matter numbers to the catalog
 * reader, and the check that no two local codes share one shared code.
 */
import { expect } from "chai";
import { sharedColumns } from "../../adapters/sdk/shared-columns.js";
import { MatterCodes } from "../../gateway/config/matter-codes.js";
import type { SharedMatter } from "../../gateway/ports/adapter.js";

const matter = (code: string): SharedMatter => ({
  code,
  name: `共享${code}`,
  category: "BM",
  applicant: "PERSON",
  modes: ["FULL_ONLINE"],
  promisedDays: 20,
  materials: [],
});
const shared = sharedColumns({
  version: "s1",
  materials: new Map(),
  matters: new Map(["XR-AB-001", "XR-AB-002"].map((c) => [c, matter(c)])),
});

describe("mapping: local → shared matter codes", () => {
  it("reads as a map of codes, and gives the shared matter's number where the shared catalog has it", () => {
    const codes = new MatterCodes(shared);
    expect(codes.add("L-1", "XR-AB-001")).to.equal(true);
    expect(codes.add("L-2", "XR-ZZ-999")).to.equal(true);
    expect(codes.add("L-3", "XR-AB-002")).to.equal(true);
    expect([...codes]).to.deep.equal([
      ["L-1", "XR-AB-001"],
      ["L-2", "XR-ZZ-999"],
      ["L-3", "XR-AB-002"],
    ]);
    expect(codes.size).to.equal(3);
    expect(codes.get("L-2")).to.equal("XR-ZZ-999");
    expect(codes.get("L-9")).to.equal(undefined);
    expect(codes.sharedNumber("L-3")).to.equal(1);
    expect(shared.list[1]?.code).to.equal("XR-AB-002");
    expect(codes.sharedNumber("L-2"), "a code the shared catalog lacks").to.equal(undefined);
    expect(codes.collisions()).to.deep.equal([]);
    expect(codes.add("L-1", "XR-AB-002"), "a local code listed twice").to.equal(false);
  });

  it("names every local code mapped to a shared code another took first, known to the shared catalog or not", () => {
    const codes = new MatterCodes(shared);
    codes.add("L-1", "XR-AB-001");
    codes.add("L-2", "XR-ZZ-999");
    codes.add("L-3", "XR-AB-001");
    codes.add("L-4", "XR-ZZ-999");
    codes.add("L-5", "XR-AB-001");
    expect(codes.collisions()).to.deep.equal([
      { local: "L-3", shared: "XR-AB-001", other: "L-1" },
      { local: "L-4", shared: "XR-ZZ-999", other: "L-2" },
      { local: "L-5", shared: "XR-AB-001", other: "L-1" },
    ]);
  });

  it("inverts when first asked (of a code mapped twice, the later), and sees entries added before that", () => {
    const codes = new MatterCodes(shared);
    codes.add("L-1", "XR-AB-001");
    const inverse = codes.inverse();
    codes.add("L-2", "XR-AB-002");
    codes.add("L-3", "XR-AB-001");
    expect([...inverse]).to.deep.equal([
      ["XR-AB-001", "L-3"],
      ["XR-AB-002", "L-2"],
    ]);
    expect(inverse.get("XR-AB-002")).to.equal("L-2");
    expect(inverse.has("XR-ZZ-999")).to.equal(false);
  });
});
