/** Calls to partner gateways (their gRPC interface), as the use cases and the runtime need them. */
import type { Checkpoint, SignedCheckpoint } from "../domain/checkpoint.js";
import type { DeliveryReceipt } from "../domain/receipt.js";
import type { MaterialStore, StoredMaterial } from "./material-store.js";

/** A partner catalog page, live or from the last good answer. */
export interface PartnerCatalogPage {
  readonly page: Record<string, unknown>;
  readonly source: "live" | "cache";
  /** Age of the answer in seconds (0 when live). */
  readonly ageSeconds: number;
}

/** A breaker's state, as health and logs show it. */
export type BreakerState = "closed" | "open" | "half-open";

/** The partner gateways of this region. Failures are XrErrors of origin "remote". */
export interface PartnerGateway {
  /** A case from a partner that is party to it (proto-loader object). */
  getCase(partner: string, caseId: string): Promise<Record<string, unknown>>;
  /** A page of the partner's own catalog, or the last good answer with its age. */
  listMatters(partner: string, query?: Record<string, unknown>): Promise<PartnerCatalogPage>;
  /** Streams a material of a case from the partner into `store`, sha256 verified. */
  fetchMaterial(
    partner: string,
    caseId: string,
    sha256: string,
    store: MaterialStore,
  ): Promise<StoredMaterial>;
  /** State of each partner's breaker. */
  breakerStates(): Record<string, BreakerState>;
  /** Hands a checkpoint of this region's log to the partner; the partner's countersigned copy. */
  submitCheckpoint(partner: string, checkpoint: SignedCheckpoint): Promise<Checkpoint>;
  /** The latest checkpoints of this region's log that the partner keeps, latest first. */
  getCheckpoints(partner: string, limit: number): Promise<Checkpoint[]>;
  /** Hands receipts for envelopes the partner sent here back to it; what it kept and refused. */
  submitReceipts(partner: string, receipts: readonly DeliveryReceipt[]): Promise<ReceiptsAnswer>;
}

/** A partner's answer to receipts handed back to it. */
export interface ReceiptsAnswer {
  /** Receipts kept now or before. */
  readonly kept: number;
  /** Receipts refused, each as "<event id>: <why>". */
  readonly refused: readonly string[];
}
