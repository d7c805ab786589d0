/**
 * A name cut from a catalog export by a regular expression must not keep
 * the export in memory (adapters/sdk/detach.ts). Measured in a child
 * process, where the garbage collector can be asked to run.
 */
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import { detached } from "../../adapters/sdk/detach.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";

/** KiB of heap still held after keeping one name from each of 20 texts of 200,000 characters. */
function heldKiB(keep: "cut" | "detached"): number {
  const detach = pathToFileURL(`${PROJECT_ROOT}/adapters/sdk/detach.ts`).href;
  const script = `
    import { detached } from ${JSON.stringify(detach)};
    const keep = [];
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    for (let k = 0; k < 20; k++) {
      const text = ("x".repeat(100000) + "基本养老保险关系转移接续申请" + k + "y".repeat(100000)).split("").join("");
      const name = /x+([^xy]+)y/.exec(text)[1];
      keep.push(${keep === "cut" ? "name" : "detached(name)"});
    }
    globalThis.gc();
    process.stdout.write(String(Math.round((process.memoryUsage().heapUsed - before) / 1024)));
  `;
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script],
    { cwd: PROJECT_ROOT, encoding: "utf8" },
  );
  return Number(out);
}

describe("detached strings", () => {
  it("keeps the text, equal, without what it was cut from", () => {
    const text = `${"x".repeat(50)}浏阳市人力资源和社会保障局${"y".repeat(50)}`;
    const name = /x+([^xy]+)y/.exec(text)?.[1] as string;
    expect(detached(name)).to.equal("浏阳市人力资源和社会保障局");
    expect(detached("短")).to.equal("短");
  });

  it("lets a large text go once only its names are kept", () => {
    const cut = heldKiB("cut");
    const copied = heldKiB("detached");
    // 20 texts of 200,000 two-byte characters are some 7,800 KiB; 20 names are a few.
    expect(cut).to.be.greaterThan(5_000);
    expect(copied).to.be.lessThan(500);
  });
});
