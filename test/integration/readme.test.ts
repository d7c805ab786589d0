/**
 * The README's walk-through is executed against the built gateway (`npm
 * start`'s entry point, dist/gateway/main.js), so the docs cannot rot.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { eventually } from "../helpers/federation.js";

function walkThrough(): string {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Walk-through"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("README has no walk-through shell block");
  return block;
}

describe("the README", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-readme-"));
  let child: ChildProcess | undefined;
  after(async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child?.once("exit", r));
      child.kill("SIGTERM");
      await gone;
    }
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
    child = spawn(process.execPath, [join(PROJECT_ROOT, "dist/gateway/main.js")], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, XR_DATA_DIR: dataDir, XR_EPHEMERAL_PORTS: "1", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (d) => {
      out += String(d);
    });
    const urls = await eventually(
      async () => {
        const m = new Map(
          [...out.matchAll(/^\s+(\d{6}) \S+\s+(http:\/\/\S+\/api\/v1)/gm)].map((x) => [x[1], x[2]]),
        );
        return m.size === 2 ? m : undefined;
      },
      "the built gateway to print its URLs",
      20_000,
    );
    // The README uses the configured ports; point it at the ones this run got.
    const script = walkThrough()
      .replaceAll("http://127.0.0.1:8430/api/v1", String(urls.get("430100")))
      .replaceAll("http://127.0.0.1:8440/api/v1", String(urls.get("440100")));
    expect(script).to.not.include(":8430");
    const output = execFileSync("bash", ["-euo", "pipefail", "-c", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
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
  });
});
