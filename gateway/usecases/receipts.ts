/**
 * Signed delivery receipts (issue 19), as AS4 has them: this region hands a
 * signed receipt for every envelope it applied back to the envelope's source,
 * and keeps in its own message log the receipts its partners hand back for
 * what it sent them, each checked against the envelope it logged as sent. A
 * sender can then prove that exactly what it sent was received, and when.
 *
 * Receipts travel over gRPC, not the bus: they are not case events (no
 * sequence, no lifecycle step, nothing for the inbox to apply), the bus's
 * topics are fixed per event kind, and the receiver's log already holds what
 * to acknowledge in order, so a cursor over it (per partner) is the outbox.
 */
import {
  checkLoggedReceipt,
  type DeliveryReceipt,
  encodeReceipt,
  receiptShapeIssue,
  receiptSignatureIssue,
  signReceipt,
} from "../codec/receipt.js";
import { partnersOf } from "../domain/matter.js";
import type { LogEntry, LogRecord } from "../domain/message-log.js";
import type { PartnerGateway, ReceiptsAnswer } from "../ports/partners.js";
import type { CheckpointContext } from "./checkpoints.js";

/** The most receipts one call carries (and one page of the log scanned for them). */
export const MAX_RECEIPTS = 500;

/**
 * Keeps the receipts `caller` hands back for envelopes this region sent it:
 * each must be signed by the caller with its registered key and name the
 * digest of the envelope logged as sent to it. A receipt kept before counts
 * as kept; the others are refused with why, and nothing of them is logged.
 */
export async function keepReceipts(
  ctx: CheckpointContext,
  caller: string,
  receipts: readonly DeliveryReceipt[],
): Promise<ReceiptsAnswer> {
  const refused: string[] = [];
  const entries: LogEntry[] = [];
  const cases = new Map<string, LogRecord[]>();
  const recordsOf = async (caseId: string) => {
    let records = cases.get(caseId);
    if (!records) {
      records = await ctx.store.logForCase(caseId);
      cases.set(caseId, records);
    }
    return records;
  };
  const now = ctx.clock.now().toISOString();
  let kept = 0;
  for (const r of receipts) {
    const why = await (async (): Promise<string | undefined> => {
      const shape = receiptShapeIssue(r);
      if (shape) return shape;
      if (r.receiver !== caller) return `signed for ${r.receiver}, handed in by ${caller}`;
      if (r.sourceRegion !== ctx.region) return `for an envelope of ${r.sourceRegion}, not of ${ctx.region}`;
      const bad = receiptSignatureIssue(r, ctx.verifier);
      if (bad) return bad;
      const records = await recordsOf(r.caseId);
      const entry: LogEntry = {
        direction: "receipt",
        eventId: r.eventId,
        caseId: r.caseId,
        peer: caller,
        at: now,
        value: encodeReceipt(r),
      };
      const issue = checkLoggedReceipt(
        { ...entry, seq: 0, prevHash: "", hash: "" },
        ctx.region,
        ctx.verifier,
        records,
      );
      if (issue) {
        if (issue.startsWith("the receipt names other bytes"))
          ctx.log.error(
            { alert: "receipt", partner: caller, eventId: r.eventId },
            `receipt of ${caller}: ${issue}`,
          );
        return issue;
      }
      const known = (e: { direction: string; eventId: string; peer: string }) =>
        e.direction === "receipt" && e.eventId === r.eventId && e.peer === caller;
      if (!records.some(known) && !entries.some(known)) entries.push(entry);
      return undefined;
    })();
    if (why) refused.push(`${r.eventId || "?"}: ${why}`);
    else kept++;
  }
  // Logged first: if the log cannot be written this throws, and the partner hands them in again.
  await ctx.store.appendLog(entries);
  if (entries.length > 0 || refused.length > 0)
    ctx.log.info(
      { partner: caller, kept: entries.length, refused: refused.length },
      "delivery receipts kept",
    );
  return { kept, refused };
}

/**
 * Hands signed receipts for the envelopes received from each partner since
 * its cursor back to it, a page at a time, and moves the cursor. A partner
 * that cannot take them now is tried again on the next run; receipts it
 * refuses are logged (they will not be accepted on a retry either).
 */
export async function sendReceipts(ctx: CheckpointContext, partners: PartnerGateway): Promise<number> {
  let sent = 0;
  for (const partner of partnersOf(ctx.federation, ctx.region)) {
    try {
      let cursor = await ctx.store.receiptCursor(partner);
      for (;;) {
        // Only this partner's received envelopes, by index: the envelopes this region sent (most of a busy
        // intake region's log) are never read, nor decrypted, here.
        const received = await ctx.store.receivedLog(partner, cursor, MAX_RECEIPTS);
        const last = received[received.length - 1];
        if (!last) break;
        const answer = await partners.submitReceipts(
          partner,
          received.map((r) => signReceipt(r, ctx.region, ctx.signer)),
        );
        if (answer.refused.length > 0)
          ctx.log.warn(
            { partner, refused: answer.refused.length, first: answer.refused[0] },
            "partner refused delivery receipts",
          );
        sent += answer.kept;
        cursor = last.seq;
        await ctx.store.setReceiptCursor(partner, cursor);
        if (received.length < MAX_RECEIPTS) break;
      }
    } catch (err) {
      ctx.log.debug({ partner, err: (err as Error).message }, "delivery receipts not handed back yet");
    }
  }
  return sent;
}
