/**
 * `npm start`'s process keeps every case across a restart: the SQLite ledger
 * and the embedded bus are durable. Runs the real entry point as a child.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { call, eventually } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { spawnGateway } from "../helpers/gateway-process.js";

const startGateway = (dataDir: string) =>
  spawnGateway(["--import", "tsx", join(PROJECT_ROOT, "gateway/main.ts")], dataDir, PROJECT_ROOT);

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
    expect(await first.stop()).to.equal(0);

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
      await second.stop();
    }
  });
});
