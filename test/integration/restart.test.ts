/**
 * `npm start`'s process keeps every case across a restart: the SQLite ledger
 * and the embedded bus are durable. Runs the real entry point as a child.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { call, eventually } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";

interface Running {
  readonly child: ChildProcess;
  readonly urls: Map<string, string>;
}

async function startGateway(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "gateway/main.ts")], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, XR_DATA_DIR: dataDir, XR_EPHEMERAL_PORTS: "1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
  });
  const urls = await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited early:\n${out}`);
      const found = new Map(
        [...out.matchAll(/^\s+(\d{6}) \S+\s+(http:\/\/\S+)\/api\/v1/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]),
      );
      return found.size === 2 ? found : undefined;
    },
    "the gateway to print its URLs",
    20_000,
  );
  return { child, urls };
}

async function stop(r: Running): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => r.child.once("exit", (code) => resolve(code)));
  r.child.kill("SIGTERM");
  return exited;
}

describe("restarting the gateway keeps every case", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-restart-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("serves the same cases, events and statuses after SIGTERM and a new start", async () => {
    const first = await startGateway(dataDir);
    const cs = `${first.urls.get("430100")}/api/v1`;
    const gz = `${first.urls.get("440100")}/api/v1`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call("POST", `${cs}/cases`, pensionTransfer())).body.caseId);
    const accepted = ids[0] ?? "";
    await eventually(
      async () => ((await call("GET", `${gz}/cases/${accepted}`)).status === 200 ? true : undefined),
      "arrival",
    );
    expect((await call("POST", `${gz}/cases/${accepted}/actions`, { type: "accept" })).status).to.equal(200);
    await eventually(
      async () =>
        (await call("GET", `${cs}/cases/${accepted}`)).body.status === "ACCEPTED" ? true : undefined,
      "acceptance at 430100",
    );
    expect(await stop(first)).to.equal(0);

    const second = await startGateway(dataDir);
    try {
      const cs2 = `${second.urls.get("430100")}/api/v1`;
      const listed = await call("GET", `${cs2}/cases`);
      expect(listed.body.cases.map((c: { caseId: string }) => c.caseId).sort()).to.deep.equal(
        [...ids].sort(),
      );
      const again = await call("GET", `${cs2}/cases/${accepted}/events`);
      expect(again.body.events.map((e: { type: string }) => e.type)).to.deep.equal([
        "CaseSubmitted",
        "CaseAccepted",
      ]);
      const gz2 = `${second.urls.get("440100")}/api/v1`;
      for (const id of ids) {
        const r = await eventually(async () => {
          const got = await call("GET", `${gz2}/cases/${id}`);
          return got.status === 200 ? got : undefined;
        }, `case ${id} at 440100`);
        expect(r.body.caseId).to.equal(id);
      }
    } finally {
      await stop(second);
    }
  });
});
