/**
 * Hands signed receipts for the envelopes a region applied back to their
 * senders every `seconds` (usecases/receipts.ts). One run at a time; a partner
 * that is down gets its receipts on a later run, from where its cursor stands.
 */
import type { PartnerGateway } from "../ports/partners.js";
import type { CheckpointContext } from "../usecases/checkpoints.js";
import { sendReceipts } from "../usecases/receipts.js";

/** A running receipt sender. */
export interface ReceiptSender {
  /** Hands back what is due now; resolves with how many receipts partners kept. */
  sendNow(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts handing back receipts every `seconds`. */
export function startReceiptSender(
  ctx: CheckpointContext,
  partners: PartnerGateway,
  seconds: number,
): ReceiptSender {
  let running: Promise<number> | undefined;
  const sendNow = (): Promise<number> => {
    running ??= sendReceipts(ctx, partners).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!running)
      sendNow().catch((err) => ctx.log.warn({ err: (err as Error).message }, "delivery receipts failed"));
  }, seconds * 1000);
  timer.unref();
  return {
    sendNow,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
