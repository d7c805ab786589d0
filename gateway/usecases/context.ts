/** What every use case of one region's gateway works with. */
import type { Logger } from "pino";
import type { WorkCalendar } from "../domain/calendar.js";
import type { ClockRules } from "../domain/deadline.js";
import type { Actor } from "../domain/events.js";
import type { Federation } from "../domain/matter.js";
import type { Bus } from "../ports/bus.js";
import type { Clock, IdGenerator } from "../ports/clock.js";
import type { MaterialStore } from "../ports/material-store.js";
import type { EnvelopeSigner, SignatureVerifier } from "../ports/signing.js";
import type { IdempotencyKey, LedgerStore } from "../ports/store.js";
import type { Catalogs } from "./catalogs.js";
import type { CaseChanges } from "./changes.js";

/** Dependencies of the use cases of one hosted region. */
export interface RegionContext {
  /** The region this gateway speaks for (GB/T 2260). */
  readonly region: string;
  readonly federation: Federation;
  /** Its own catalog and its partners' as this gateway holds them. */
  readonly catalogs: Catalogs;
  readonly store: LedgerStore;
  /** Scanned materials of this region's cases. */
  readonly materials: MaterialStore;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly calendar: WorkCalendar;
  /** How case clocks are folded: the calendar, acceptance limits, the yellow threshold (issue 17). */
  readonly clockRules: ClockRules;
  readonly log: Logger;
  /** Tells the outbox relay that new messages are waiting. */
  readonly outboxChanged: () => void;
  /** Signs the envelopes this region emits. */
  readonly signer: EnvelopeSigner;
  /** Checks received envelopes against the federation's key registry. */
  readonly verifier: SignatureVerifier;
  /** Counts an envelope refused by the inbox, by why and the topic it came on (metrics). */
  readonly refused: (kind: RefusalKind, topic: string) => void;
  /** Wakes watchers of a case after a commit touched it. */
  readonly changes: CaseChanges;
  /** Tags a 好差评 rating may carry (config `rating.tags`); the built-in list when not configured. */
  readonly ratingTags?: readonly string[] | undefined;
}

/** Why the inbox refused an envelope: the label of the refusal counter. */
export type RefusalKind = "invalid" | "signature" | "replay" | "agreement";

/** Request-scoped facts passed down from a transport. */
export interface RequestMeta {
  /** W3C traceparent of the request, or "" to start a new trace. */
  readonly traceparent: string;
  /** `Idempotency-Key` with the sha256 of the request it came with. */
  readonly idempotency?: IdempotencyKey | undefined;
  /** Who asks (经办人): recorded on the event the request emits. */
  readonly actor?: Actor | undefined;
}
