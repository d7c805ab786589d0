/**
 * Delivery receipts: a receiving region's signed acknowledgement of one
 * envelope it applied, kept in the sender's message log (issue 19). The
 * signing and checking live in codec/receipt.ts.
 */

/** A receipt as its receiver signed it. */
export interface DeliveryReceipt {
  readonly eventId: string;
  readonly caseId: string;
  /** The envelope's source, whom the receipt is for. */
  readonly sourceRegion: string;
  /** The region that received the envelope and signs the receipt. */
  readonly receiver: string;
  /** sha256 (hex) of the envelope's bytes as received. */
  readonly digest: string;
  /** ISO 8601 UTC, signed as written. */
  readonly receivedAt: string;
  readonly keyId: string;
  readonly signature: Uint8Array;
}
