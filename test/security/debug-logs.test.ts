/**
 * Issue 19, item 7: no personal data in logs at any level. The suite's log
 * scan (test/helpers/log-scan.ts) checks every line the run's gateways write;
 * here a gateway runs at LOG_LEVEL=debug — the real entry point as a child
 * process, and an in-process federation — through a flow that puts the
 * fixtures' personal data where debug lines used to echo it: URL paths, a
 * malformed body, an unknown case id over gRPC. This file scans the lines
 * itself too, so it fails on its own, naming the line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { call, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { pensionTransfer, residentId } from "../helpers/fixtures.js";
import { type GatewayProcess, spawnGateway } from "../helpers/gateway-process.js";
import { clients, failure } from "../helpers/grpc-client.js";
import { personalDataIn } from "../helpers/log-scan.js";

const MOBILE = "13924567788";
const ID = residentId("440106", "19920815", "057");
const ADDRESS = "广东省广州市天河区体育西路191号";

/** Requests whose paths and bodies carry personal data; every one is refused. */
async function leakyRequests(api: string): Promise<void> {
  const refused = [
    await call("GET", `${api}/cases/${MOBILE}`),
    await call("GET", `${api}/cases/${ID}/events`),
    await call("GET", `${api}/no-such-route/${ID}`),
    await call("POST", `${api}/cases/${MOBILE}/actions`, { type: "accept", note: ADDRESS }),
    // Malformed: the parser's message quotes the body around the error.
    await call("POST", `${api}/cases`, `{"address": 体育西路191号}`),
    await call("POST", `${api}/cases`, { ...pensionTransfer(), matterCode: ID }),
  ];
  for (const r of refused) expect(r.status).to.be.within(400, 499);
  // And one that succeeds, so its debug lines are scanned too.
  expect((await call("POST", `${api}/cases`, pensionTransfer())).status).to.equal(201);
}

function expectNoPersonalData(lines: readonly string[]): void {
  expect(lines.length, "the gateway logged at debug").to.be.greaterThan(0);
  const leaks = lines.flatMap((l) => personalDataIn(l).map((what) => `${what} in: ${l.slice(0, 300)}`));
  expect(leaks, leaks.join("\n")).to.deep.equal([]);
}

describe("no personal data in logs at LOG_LEVEL=debug (issue 19)", function () {
  this.timeout(60_000);

  describe("the gateway process, as npm start runs it", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "xr-debug-logs-"));
    let gateway: GatewayProcess | undefined;
    const lines: string[] = [];
    after(async () => {
      await gateway?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("writes debug lines without the personal data in requests' paths and bodies", async () => {
      gateway = await spawnGateway(
        ["--import", "tsx", join(PROJECT_ROOT, "gateway/main.ts")],
        dataDir,
        PROJECT_ROOT,
        2,
        { XR_REGIONS: "430100,440100", LOG_LEVEL: "debug" },
      );
      // Everything the child writes is also handed to the suite's scan (spawnGateway); keep a copy here.
      gateway.child.stdout?.on("data", (d) => lines.push(...String(d).split("\n").filter(Boolean)));
      gateway.child.stderr?.on("data", (d) => lines.push(...String(d).split("\n").filter(Boolean)));
      await leakyRequests(`${gateway.urls.get("430100")}/api/v1`);
      await new Promise((r) => setTimeout(r, 200)); // the last lines reach the pipe
      expect(
        lines.some((l) => l.includes('"level":20')),
        "debug lines were written",
      ).to.equal(true);
      expectNoPersonalData(lines);
    });
  });

  describe("an in-process federation (the suite's own logger, at debug)", () => {
    let t: TestFederation;
    before(async () => {
      t = await startTestFederation(["430100", "440100"]);
    });
    after(async () => {
      await t?.stop();
    });

    it("REST and gRPC refusals name no personal data", async () => {
      await leakyRequests(t.url("430100"));
      const keysDir = join(t.dataDir, "keys");
      const gz = clients(t.fed.regions.get("430100")?.grpcAddress as string, { keysDir, region: "440100" });
      try {
        for (const id of [ID, MOBILE]) {
          const err = await failure(
            new Promise((resolve, reject) =>
              gz.caseExchange.GetCase({ case_id: id }, (e: unknown, r: unknown) =>
                e ? reject(e) : resolve(r),
              ),
            ),
          );
          expect(err.code).to.equal(5); // NOT_FOUND
        }
      } finally {
        gz.close();
      }
      expectNoPersonalData(t.logs.map((l) => JSON.stringify(l)));
    });
  });

  it("the logger itself redacts what a call site lets through (an error quoting outside input)", () => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        written.push(String(chunk));
        cb();
      },
    });
    const log = createLogger("debug", sink);
    log.error({ err: new Error(`duplicate key (${ID}, ${MOBILE}, ${ADDRESS})`) }, "commit failed");
    log.debug({ note: `寄往${ADDRESS}，联系${MOBILE}` }, "debug line");
    expect(written).to.have.length(2);
    expectNoPersonalData(written);
    expect(written.join("")).to.include("[redacted]").and.include("commit failed");
  });
});
