/**
 * What a case's log says was delivered: every envelope this region sent, to
 * whom and when, with the receipt its receiver handed back (or none yet), and
 * every envelope it received. `xr audit show` prints it.
 */
import { decodeEnvelope } from "../codec/envelope.js";
import { checkLoggedReceipt, decodeReceipt } from "../codec/receipt.js";
import type { LogRecord } from "../domain/message-log.js";
import type { SignatureVerifier } from "../ports/signing.js";

/** One envelope of a case as the log holds it. */
export interface DeliveryLine {
  readonly seq: number;
  readonly direction: "sent" | "received" | "refused";
  readonly eventId: string;
  /** The event's type, or "?" when the envelope does not decode. */
  readonly type: string;
  readonly peer: string;
  readonly at: string;
  /** Sent envelopes: when the receiver says it received them, from its receipt that holds. */
  readonly acknowledgedAt?: string;
  /** Sent envelopes: why a receipt kept for it does not hold. */
  readonly receiptIssue?: string;
}

/** The delivery lines of one case's log records (`records`, in seq order) of `region`. */
export function deliveryOf(
  records: readonly LogRecord[],
  region: string,
  verifier: SignatureVerifier,
): DeliveryLine[] {
  const lines: DeliveryLine[] = [];
  for (const r of records) {
    if (r.direction === "receipt") continue;
    let type = "?";
    try {
      type = decodeEnvelope(r.value).payload.type;
    } catch {
      // A refused record may be anything; it is listed as it came.
    }
    const line = { seq: r.seq, direction: r.direction, eventId: r.eventId, type, peer: r.peer, at: r.at };
    if (r.direction !== "sent") {
      lines.push(line);
      continue;
    }
    // The first receipt of its receiver that holds; a forged one beside it does not count.
    const receipts = records.filter(
      (x) => x.direction === "receipt" && x.eventId === r.eventId && x.peer === r.peer,
    );
    const issues = receipts.map((x) => checkLoggedReceipt(x, region, verifier, records));
    const good = receipts.find((_, i) => issues[i] === undefined);
    if (good) lines.push({ ...line, acknowledgedAt: decodeReceipt(good.value)?.receivedAt ?? "" });
    else if (issues[0]) lines.push({ ...line, receiptIssue: issues[0] });
    else lines.push(line);
  }
  return lines;
}
