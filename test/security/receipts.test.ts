/**
 * Signed delivery receipts (issue 19, item 5): the receiver of each envelope
 * hands back a receipt signed with its registered key (event id, sha256 of
 * the bytes received, when), and the sender keeps it in its message log, so
 * that it can prove delivery, as AS4 receipts do; `xr audit show` lists, per
 * case, what was sent and whether it was acknowledged. Before, a sender's log
 * held only what it sent: nothing the receiver signed.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { decodeReceipt, envelopeDigest, signReceipt } from "../../gateway/codec/receipt.js";
import type { LogRecord } from "../../gateway/ports/store.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { keepReceipts } from "../../gateway/usecases/receipts.js";
import { forgerKey, openStoppedLedger, settleReceipts, xr } from "../helpers/audit.js";
import { eventually, startTestFederation, type TestFederation } from "../helpers/federation.js";
import { takeCaseToDelivery } from "../helpers/scenario.js";

describe("security: signed delivery receipts, kept in the sender's log", function () {
  this.timeout(120_000);
  let t: TestFederation;
  let cs: RegionHandle;
  let gz: RegionHandle;
  let caseId = "";
  before(async () => {
    t = await startTestFederation(["430100", "440100"]);
    cs = t.fed.regions.get("430100") as RegionHandle;
    gz = t.fed.regions.get("440100") as RegionHandle;
    caseId = await takeCaseToDelivery((r) => t.url(r));
  });
  after(async () => {
    await t.stop();
  });

  const receiptsOf = async (region: RegionHandle) =>
    (await region.context.store.logForCase(caseId)).filter((r) => r.direction === "receipt");

  it("each sender's log holds its receiver's signed receipt for every envelope it sent, naming the bytes sent", async () => {
    for (const [sender, receiver] of [
      [cs, gz],
      [gz, cs],
    ] as const) {
      const log = await sender.context.store.logForCase(caseId);
      const sent = log.filter((r) => r.direction === "sent");
      expect(sent.length).to.be.greaterThan(0);
      const receipts = await eventually(async () => {
        const kept = await receiptsOf(sender);
        return kept.length >= sent.length ? kept : undefined;
      }, `${sender.region} to hold receipts for its ${sent.length} envelopes`);
      expect(receipts.map((r) => r.eventId).sort()).to.deep.equal(sent.map((r) => r.eventId).sort());
      for (const s of sent) {
        const r = decodeReceipt((receipts.find((x) => x.eventId === s.eventId) as LogRecord).value);
        expect(r?.receiver).to.equal(receiver.region);
        expect(r?.sourceRegion).to.equal(sender.region);
        expect(r?.digest).to.equal(createHash("sha256").update(s.value).digest("hex"));
        expect(r?.keyId).to.equal(`${receiver.region}-dev`);
        // The time the receiver logged it as received.
        const received = (await receiver.context.store.logForCase(caseId)).find(
          (x) => x.direction === "received" && x.eventId === s.eventId,
        );
        expect(r?.receivedAt).to.equal(received?.at);
      }
    }
  });

  it("keeps a receipt once, however often it is handed back", async () => {
    await settleReceipts([cs, gz]);
    const before = (await receiptsOf(cs)).length;
    const received = (await gz.context.store.logForCase(caseId)).filter((r) => r.direction === "received");
    const again = await keepReceipts(
      cs.context,
      "440100",
      received.map((r) => signReceipt(r, "440100", gz.context.signer)),
    );
    expect(again).to.deep.equal({ kept: received.length, refused: [] });
    expect((await receiptsOf(cs)).length).to.equal(before);
  });

  it("refuses receipts signed with another key, handed in by another region, or naming other bytes", async () => {
    const received = (await gz.context.store.logForCase(caseId)).find(
      (r) => r.direction === "received",
    ) as LogRecord;
    const genuine = signReceipt(received, "440100", gz.context.signer);
    const forger = forgerKey();
    const forged = signReceipt(received, "440100", { keyId: "440100-dev", sign: forger.sign });
    const otherBytes = signReceipt(
      { ...received, value: new Uint8Array([1, 2, 3]) },
      "440100",
      gz.context.signer,
    );
    const before = await cs.context.store.logHead();
    const answer = await keepReceipts(cs.context, "440100", [forged, otherBytes]);
    expect(answer.kept).to.equal(0);
    expect(answer.refused).to.deep.equal([
      `${received.eventId}: signature does not verify with key 440100-dev of 440100`,
      `${received.eventId}: the receipt names other bytes than the envelope logged as sent (record ${
        (await cs.context.store.logForCase(caseId)).find(
          (r) => r.direction === "sent" && r.eventId === received.eventId,
        )?.seq
      })`,
    ]);
    expect((await keepReceipts(cs.context, "420100", [genuine])).refused).to.deep.equal([
      `${received.eventId}: signed for 440100, handed in by 420100`,
    ]);
    expect(await cs.context.store.logHead()).to.deep.equal(before);
    expect(envelopeDigest(received.value)).to.equal(genuine.digest);
  });

  it("xr audit show lists, per case, what was sent and its acknowledgement; xr audit verify checks the receipts", async () => {
    await settleReceipts([cs, gz]);
    await t.fed.close();
    const shown = await xr("audit", "show", caseId, "--region", "430100", "--data-dir", t.dataDir);
    expect(shown.code, shown.out).to.equal(0);
    expect(shown.out).to.match(
      /^sent {6}record \d+ {2}[0-9A-Z]{26} {2}CaseSubmitted to 440100 at \S+; acknowledged: received at \S+ \(signed receipt\)$/m,
    );
    expect(shown.out).to.match(
      /^sent {6}record \d+ {2}[0-9A-Z]{26} {2}SupplementProvided to 440100 at \S+; acknowledged/m,
    );
    expect(shown.out).to.match(/^received {2}record \d+ {2}[0-9A-Z]{26} {2}CaseDecided from 440100 at \S+$/m);
    const verified = await xr("audit", "verify", "--offline", "--data-dir", t.dataDir);
    expect(verified.code, verified.out).to.equal(0);

    // A receipt forged into 430100's log (a fresh key under 440100's key id) is found by verify.
    const store = await openStoppedLedger(t.dataDir, "430100");
    const sent = (await store.logForCase(caseId)).find((r) => r.direction === "sent") as LogRecord;
    const { encodeReceipt } = await import("../../gateway/codec/receipt.js");
    const forged = signReceipt(
      { ...sent, direction: "received", peer: "430100", at: new Date().toISOString() },
      "440100",
      { keyId: "440100-dev", sign: forgerKey().sign },
    );
    await store.appendLog([
      {
        direction: "receipt",
        eventId: sent.eventId,
        caseId,
        peer: "440100",
        at: new Date().toISOString(),
        value: encodeReceipt(forged),
      },
    ]);
    await store.close();
    const broken = await xr("audit", "verify", "--offline", "--regions", "430100", "--data-dir", t.dataDir);
    expect(broken.code, broken.out).to.equal(1);
    expect(broken.out).to.match(
      new RegExp(
        `^BROKEN {2}430100: record \\d+ \\(receipt ${sent.eventId} of 440100\\): signature does not verify with key 440100-dev of 440100$`,
        "m",
      ),
    );
  });
});
