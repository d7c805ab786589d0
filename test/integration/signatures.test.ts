/**
 * Signed envelopes: a forged, altered, unsigned, wrongly addressed or replayed
 * envelope is refused, kept in the dead-letter topic with the reason, counted
 * in metrics, and changes nothing; keys rotate with an overlap window. Each
 * test fails if its check is removed from the inbox.
 */
import { createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { expect } from "chai";
import { decodeEnvelope, type Envelope, encodeEnvelope } from "../../gateway/codec/envelope.js";
import { seal, unseal } from "../../gateway/codec/sealed.js";
import { receive } from "../../gateway/inbound/pipeline.js";
import type { BusRecord } from "../../gateway/ports/bus.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { devKeyId, devPrivateKey, devRegistryKey, registryVerifier } from "../../gateway/security/ed25519.js";
import { personCase, signedEnvelope, submittedEnvelope } from "../helpers/cases.js";
import { call, startTestFederation, type TestFederation, waitForStatus } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";

describe("signed envelopes: what the inbox refuses", function () {
  this.timeout(20_000);
  let t: TestFederation;
  let gz: RegionHandle;
  let n = 0;
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    gz = t.fed.regions.get("440100") as RegionHandle;
  });
  after(async () => {
    await t.stop();
  });

  const record = (value: Uint8Array, caseId: string): BusRecord => ({
    topic: "xr.v1.intake.440100",
    partition: 0,
    offset: n++,
    key: caseId,
    value,
    headers: { "xr-source": "430100" },
  });
  const submitted = (overrides: Partial<Envelope> = {}): Envelope => {
    const caseId = `01JSIGNED${String(n).padStart(3, "0")}00000000000000`;
    const at = new Date().toISOString();
    return submittedEnvelope(
      `01JSIGEVT${String(n).padStart(3, "0")}00000000000000`,
      personCase({ caseId, submittedAt: at, updatedAt: at, version: 0 }),
      overrides,
    );
  };
  const dlqReason = (caseId: string) =>
    t.bus
      .read("xr.v1.dlq.440100")
      .filter((r) => r.key === caseId)
      .map((r) => r.headers["xr-dlq-reason"]);
  const refusedCount = async (reason: string) => {
    const text = await (await fetch(`${gz.url}/metrics`)).text();
    const m = new RegExp(`xr_events_refused_total\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`).exec(text);
    return Number(m?.[1] ?? 0);
  };

  it("accepts an envelope its source signed with a registered key", async () => {
    const env = submitted();
    expect(await receive(gz.context, record(signedEnvelope(env), env.caseId))).to.equal("applied");
    expect((await gz.context.store.getCase(env.caseId))?.status).to.equal("FORWARDED");
  });

  it("refuses a forged envelope: signed with a key the registry does not hold for that region", async () => {
    const env = submitted();
    const { privateKey } = generateKeyPairSync("ed25519");
    const unsigned = encodeEnvelope(env);
    const before = await refusedCount("signature");
    const outcome = await receive(
      gz.context,
      record(seal(unsigned, sign(null, unsigned, privateKey)), env.caseId),
    );
    expect(outcome).to.equal("dead-lettered");
    expect(dlqReason(env.caseId)[0]).to.match(/^signature: .*does not verify with key 430100-dev of 430100/);
    expect(await gz.context.store.getCase(env.caseId)).to.equal(undefined);
    expect(await refusedCount("signature")).to.equal(before + 1);
  });

  it("refuses an envelope signed by another region's genuine key, claiming to be 430100", async () => {
    const env = submitted({ keyId: devKeyId("440100") });
    const unsigned = encodeEnvelope(env);
    const value = seal(unsigned, sign(null, unsigned, devPrivateKey("440100")));
    expect(await receive(gz.context, record(value, env.caseId))).to.equal("dead-lettered");
    expect(dlqReason(env.caseId)[0]).to.match(/no key 440100-dev of 430100/);
  });

  it("refuses an altered envelope: one byte of the applicant's name changed after signing", async () => {
    const env = submitted();
    const value = Buffer.from(signedEnvelope(env));
    const at = value.indexOf(Buffer.from("李建国"));
    expect(at).to.be.greaterThan(0);
    value.write("李建军", at); // same length in UTF-8: still decodes, different content
    expect(await receive(gz.context, record(value, env.caseId))).to.equal("dead-lettered");
    expect(dlqReason(env.caseId)[0]).to.match(/^signature: .*does not verify/);
    expect(await gz.context.store.getCase(env.caseId)).to.equal(undefined);
  });

  it("refuses an unsigned envelope", async () => {
    const env = submitted();
    expect(await receive(gz.context, record(encodeEnvelope(env), env.caseId))).to.equal("dead-lettered");
    expect(dlqReason(env.caseId)[0]).to.match(/^signature: .*it is not signed/);
  });

  it("refuses a genuine envelope addressed to another region", async () => {
    const env = submitted({ targetRegion: "430100" });
    expect(await receive(gz.context, record(signedEnvelope(env), env.caseId))).to.equal("dead-lettered");
    expect(dlqReason(env.caseId)[0]).to.match(/^invalid: .*addressed to 430100, received by 440100/);
  });

  it("skips a redelivery of the same bytes but refuses the same event id with other content (a replay)", async () => {
    const created = await call("POST", `${t.url("430100")}/cases`, pensionTransfer());
    const caseId = created.body.caseId as string;
    await waitForStatus(t, "440100", caseId, "FORWARDED");
    const original = t.bus.read("xr.v1.intake.440100").find((r) => r.key === caseId) as BusRecord;
    expect(await receive(gz.context, original)).to.equal("duplicate");
    // The same event id, validly signed (a compromised or buggy sender), other content.
    const decoded = decodeEnvelope(original.value);
    const replay = signedEnvelope({
      ...decoded,
      payload: {
        type: "CaseSubmitted",
        case: {
          ...(decoded.payload as { case: ReturnType<typeof personCase> }).case,
          matterName: "另一个事项",
        },
      },
    });
    const before = await refusedCount("replay");
    expect(await receive(gz.context, { ...original, value: replay })).to.equal("dead-lettered");
    expect(dlqReason(caseId)[0]).to.match(/^replay: event .* was received before with other content/);
    expect(await refusedCount("replay")).to.equal(before + 1);
    expect((await gz.context.store.getCase(caseId))?.matterName).to.not.equal("另一个事项");
  });

  it("an envelope's signature covers its exact bytes: the signed part and the signature split back apart", () => {
    const value = signedEnvelope(submitted());
    const parts = unseal(value);
    expect(parts?.signature.byteLength).to.equal(64);
    expect(parts?.unsigned.byteLength).to.equal(value.byteLength - 66);
  });
});

describe("signing keys rotate with an overlap window", () => {
  const data = new TextEncoder().encode("envelope bytes");
  const key = (keyId: string) => {
    const pair = generateKeyPairSync("ed25519");
    return {
      keyId,
      privateKey: pair.privateKey,
      publicKey: createPublicKey(pair.privateKey).export({ format: "der", type: "spki" }).toString("base64"),
    };
  };
  const old = key("430100-2026a");
  const next = key("430100-2026b");
  const verifier = registryVerifier([
    { region: "430100", keyId: old.keyId, publicKey: old.publicKey, notAfter: "2026-12-31" },
    { region: "430100", keyId: next.keyId, publicKey: next.publicKey, notBefore: "2026-12-01" },
    devRegistryKey("440100"),
  ]);
  const sigOld = sign(null, data, old.privateKey);
  const sigNext = sign(null, data, next.privateKey);

  it("accepts both keys during the overlap", () => {
    const during = new Date("2026-12-15T08:00:00Z");
    expect(verifier.verify("430100", old.keyId, data, sigOld, during)).to.equal(undefined);
    expect(verifier.verify("430100", next.keyId, data, sigNext, during)).to.equal(undefined);
  });

  it("refuses the new key before its window and the old one after its window", () => {
    expect(verifier.verify("430100", next.keyId, data, sigNext, new Date("2026-11-30T08:00:00Z"))).to.match(
      /not valid before 2026-12-01/,
    );
    expect(verifier.verify("430100", old.keyId, data, sigOld, new Date("2027-01-01T08:00:00Z"))).to.match(
      /expired on 2026-12-31/,
    );
  });

  it("refuses a signature made with one key presented under the other key's id", () => {
    expect(verifier.verify("430100", next.keyId, data, sigOld, new Date("2026-12-15T08:00:00Z"))).to.match(
      /does not verify/,
    );
  });
});
