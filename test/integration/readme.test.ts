/**
 * The README's walk-through is executed against the built gateway (`npm
 * start`'s entry point, dist/gateway/main.js), so the docs cannot rot.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { type GatewayProcess, spawnGateway } from "../helpers/gateway-process.js";

function walkThrough(): string {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Walk-through"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("README has no walk-through shell block");
  return block;
}

describe("the README", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-readme-"));
  let gateway: GatewayProcess | undefined;
  after(async () => {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("opens with the two commands: npm start and npm test", () => {
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    const first = /```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split("\n") ?? [];
    expect(first[0]).to.match(/^npm install && npm start\b/);
    expect(first[1]).to.match(/^npm test\b/);
    expect(readFileSync(join(PROJECT_ROOT, ".ci/run"), "utf8")).to.match(/\nnpm ci[^\n]*\nnpm test\n/);
  });

  it("walk-through takes a case from intake to delivery on the built gateway", async function () {
    this.timeout(90_000);
    execFileSync("npm", ["run", "build"], { cwd: PROJECT_ROOT, stdio: "ignore" });
    gateway = await spawnGateway([join(PROJECT_ROOT, "dist/gateway/main.js")], dataDir, PROJECT_ROOT);
    const urls = gateway.urls;
    // The README uses the configured ports; point it at the ones this run got.
    const script = walkThrough()
      .replaceAll("http://127.0.0.1:8430", String(urls.get("430100")))
      .replaceAll("http://127.0.0.1:8440", String(urls.get("440100")));
    expect(script).to.not.include(":8430");
    const run = () =>
      execFileSync("bash", ["-euo", "pipefail", "-c", script], { encoding: "utf8", timeout: 60_000 });
    const output = run();
    const lines = output.trim().split("\n");
    expect(lines[0]).to.include("基本养老保险关系转移接续");
    expect(lines[1]).to.match(/^case [0-9A-Z]{26}$/);
    expect(lines.slice(2, 7)).to.deep.equal([
      "ACCEPTED",
      "DECIDED",
      "RESULT_MAILED",
      "DELIVERED",
      "DELIVERED",
    ]);
    const events = JSON.parse(lines[7] ?? "{}").events.map((e: { type: string }) => e.type);
    expect(events).to.deep.equal([
      "CaseSubmitted",
      "CaseAccepted",
      "CaseDecided",
      "ResultMailed",
      "ResultDelivered",
    ]);
    // Run again as a reader would: a new application (its own Idempotency-Key), not the first one replayed
    // and then refused, with every step printed (no "undefined").
    const again = run().trim().split("\n");
    expect(again[1])
      .to.match(/^case [0-9A-Z]{26}$/)
      .and.not.equal(lines[1]);
    expect(again.slice(2, 7)).to.deep.equal(lines.slice(2, 7));
    expect(again.join("\n")).to.not.include("undefined");
  });
});
