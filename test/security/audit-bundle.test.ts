/**
 * Finding 3 of the outside review: `xr audit verify --bundle` trusted the
 * public keys inside the bundle. A record rewritten from CaseAccepted to
 * CaseRejected, signed with a fresh key placed under 440100's key id, plus
 * one record dropped, verified "ok … every record and signature holds".
 * Bundles are now checked against the federation's key registry
 * (config/signing-keys.yaml), and each source's envelopes must run without gaps.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type AuditBundle, buildBundle } from "../../gateway/audit/bundle.js";
import { recordHash } from "../../gateway/audit/chain.js";
import { verifyLog } from "../../gateway/audit/verify-log.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { devRegistryKey } from "../../gateway/security/ed25519.js";
import { forge, forgerKey, xr } from "../helpers/audit.js";
import { startTestFederation, type TestFederation } from "../helpers/federation.js";
import { takeCaseToDelivery } from "../helpers/scenario.js";

describe("security: audit bundles are checked against the federation's key registry", function () {
  this.timeout(120_000);
  let t: TestFederation;
  let bundle: AuditBundle;
  let dir = "";
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    const caseId = await takeCaseToDelivery((r) => t.url(r));
    // 长沙's bundle of the case, exported as `xr audit export` does.
    const cs = t.fed.regions.get("430100") as RegionHandle;
    const records = await cs.context.store.logForCase(caseId);
    const head = (await verifyLog(cs.context.store)).head;
    const registry = [devRegistryKey("430100"), devRegistryKey("440100")];
    bundle = buildBundle("430100", caseId, records, head, registry, new Date());
    dir = mkdtempSync(join(tmpdir(), "xr-bundle-"));
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const verifyBundle = (b: AuditBundle) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(b));
    return xr("audit", "verify", "--bundle", file);
  };

  it("a genuine bundle verifies", async () => {
    const r = await verifyBundle(bundle);
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(/^ok {6}/m);
  });

  it("refuses a rewritten decision signed with a fresh key under 440100's key id, and finds the dropped record", async () => {
    const key = forgerKey();
    const received = (type: string) =>
      bundle.records.findIndex(
        (r) => r.direction === "received" && Buffer.from(r.value, "base64").includes(Buffer.from(type)),
      );
    const accepted = received("CaseAccepted");
    const supplement = received("SupplementRequested");
    expect(accepted).to.be.greaterThan(-1);
    expect(supplement).to.be.greaterThan(accepted);
    const original = bundle.records[accepted] as AuditBundle["records"][number];
    // Every envelope of 440100 re-signed with the forger's key (the bundle names it as 440100's),
    // the acceptance turned into a rejection, and the supplement request left out.
    const resign = (r: AuditBundle["records"][number], i: number) => {
      if (r.direction !== "received") return r;
      const value = Buffer.from(
        forge(
          Buffer.from(r.value, "base64"),
          (env) => (i === accepted ? { ...env, payload: { type: "CaseRejected", reason: "材料不全" } } : env),
          key,
        ),
      );
      const record = { ...r, value: value.toString("base64") };
      return { ...record, hash: recordHash({ ...record, value: new Uint8Array(value) }) };
    };
    const forged: AuditBundle = {
      ...bundle,
      keys: bundle.keys.map((k) => (k.region === "440100" ? { ...k, publicKey: key.publicKey } : k)),
      records: bundle.records.map(resign).filter((_, i) => i !== supplement),
    };
    const r = await verifyBundle(forged);
    expect(r.out, r.out).not.to.match(/^ok /m);
    expect(r.code, r.out).to.equal(1);
    expect(r.out).to.match(
      new RegExp(
        `^BROKEN {2}record ${original.seq} \\(received ${original.eventId}\\): signature does not verify with key 440100-dev of 440100$`,
        "m",
      ),
    );
    expect(r.out).to.match(/^BROKEN {2}the bundle carries another key 440100-dev of 440100: /m);
    expect(r.out).to.match(
      /^BROKEN {2}missing: envelope 2 of 440100 to 430100 \(before \d+\) is not in the bundle$/m,
    );
  });

  it("a bundle whose only change is the dropped record is refused too", async () => {
    const sent = bundle.records.filter((r) => r.direction === "sent");
    expect(sent.length).to.be.greaterThan(1);
    const dropped = bundle.records.filter((r) => r !== sent[0]);
    const r = await verifyBundle({ ...bundle, records: dropped });
    expect(r.code, r.out).to.equal(1);
    expect(r.out).to.match(
      /^BROKEN {2}missing: envelope 1 of 430100 to 440100 \(before \d+\) is not in the bundle$/m,
    );
  });
});
