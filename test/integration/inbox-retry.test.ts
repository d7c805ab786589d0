/**
 * The inbox retry policy: while the ledger is down the record is held (the
 * bus delivers it again, nothing is dead-lettered for our own outage); a
 * failure that persists while the ledger answers is retried a bounded number
 * of times, then dead-lettered with the reason.
 */
import { expect } from "chai";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import { receive } from "../../gateway/inbound/pipeline.js";
import type { LedgerStore } from "../../gateway/ports/store.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import type { RegionContext } from "../../gateway/usecases/context.js";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";

/** The region's real ledger whose commits fail with `code` while `failing` says so. */
function flakyStore(
  real: LedgerStore,
  state: { failing: boolean; down: boolean; commits: number },
): LedgerStore {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "commit") {
        return async (...args: Parameters<LedgerStore["commit"]>) => {
          state.commits++;
          if (state.failing) {
            throw new XrError(
              state.down ? ErrorCode.UNAVAILABLE : ErrorCode.CONFLICT,
              "simulated ledger failure",
            );
          }
          return target.commit(...args);
        };
      }
      if (prop === "ping") return async () => !state.down;
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

describe("inbox retry policy", () => {
  let t: TestFederation;
  let gz: RegionHandle;
  before(async () => {
    t = await startTestFederation();
    gz = t.fed.regions.get("440100") as RegionHandle;
  });
  after(async () => {
    await t.stop();
  });

  async function pendingSubmission() {
    await gz.pauseInbox();
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    const id: string = created.body.caseId;
    for (;;) {
      const r = t.bus.read("xr.v1.intake.440100").find((x) => x.key === id);
      if (r) return { id, record: r };
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  it("holds the record while the ledger is down and applies it once it is back", async () => {
    const { id, record } = await pendingSubmission();
    const state = { failing: true, down: true, commits: 0 };
    const ctx: RegionContext = { ...gz.context, store: flakyStore(gz.context.store, state) };
    const policy = { attempts: 3, firstDelayMs: 5 };
    const err = await receive(ctx, record, policy).catch((e: XrError) => e);
    expect((err as XrError).code).to.equal("UNAVAILABLE");
    expect(t.bus.read("xr.v1.dlq.440100").filter((r) => r.key === id)).to.have.length(0);
    state.failing = false;
    state.down = false;
    expect(await receive(ctx, record, policy)).to.equal("applied");
    await gz.resumeInbox();
    await waitForStatus(t, "440100", id, "FORWARDED");
  });

  it("dead-letters a record that keeps failing while the ledger answers, after the bounded retries", async () => {
    const { id, record } = await pendingSubmission();
    const state = { failing: true, down: false, commits: 0 };
    const ctx: RegionContext = { ...gz.context, store: flakyStore(gz.context.store, state) };
    const outcome = await receive(ctx, record, { attempts: 3, firstDelayMs: 5 });
    expect(outcome).to.equal("dead-lettered");
    const dead = t.bus.read("xr.v1.dlq.440100").filter((r) => r.key === id);
    expect(dead).to.have.length(1);
    expect(dead[0]?.headers["xr-dlq-reason"]).to.match(/^failed 3 times: .*simulated ledger failure/);
    // The dead letter was next in line, so it counts as consumed: redelivery is a duplicate.
    await gz.resumeInbox();
    expect(await receive(gz.context, record)).to.equal("duplicate");
  });
});
