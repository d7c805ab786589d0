/**
 * Data minimisation (docs/security.md): what each
 * party of a case receives of the applicant. The intake and handling regions
 * get the whole case (the handling region decides and may mail the result);
 * a collaborating region doing one part of a MULTI_REGION case gets who the
 * applicant is, but not how to reach them or where the result goes.
 *
 * These functions shape every copy of a case a region's people or systems
 * can read, not only what goes on the bus: bus payloads (usecases/emit.ts),
 * the gRPC reads a partner makes, and the REST and page views of a region's
 * own staff (a collaborator's ledger may hold more than it should when a
 * partner's gateway over-shared).
 */
import type { CaseState } from "./case.js";
import type { CaseEvent, EventPayload } from "./events.js";

/** The case as `target` may see it. */
export function caseFor(c: CaseState, target: string): CaseState {
  if (target === c.intakeRegion || target === c.handlingRegion) return c;
  const applicant = "person" in c.applicant ? { person: { ...c.applicant.person, mobile: "" } } : c.applicant;
  const delivery = { ...c.delivery, recipient: "", mobile: "", address: "", postalCode: "" };
  return { ...c, applicant, delivery, ...ratingFor(c) };
}

/** A collaborator learns how the case was rated, not the applicant's words nor the answer to them. */
function ratingFor(c: CaseState): Pick<CaseState, "rating"> | Record<string, never> {
  if (c.rating === undefined) return {};
  const r = c.rating.rectification;
  return { rating: { ...c.rating, text: "", ...(r ? { rectification: { ...r, answer: "" } } : {}) } };
}

/** Who of a case's parties gets its delivery address: the intake and the handling region. */
export type AddressHolders = Pick<CaseState, "intakeRegion" | "handlingRegion">;

/**
 * The payload of an event as `target` may receive it. A corrected delivery (DeliveryCorrected) carries the
 * applicant's new address, which only the intake and handling regions of `c` get; without `c` it is
 * stripped for every target (the safe side).
 */
export function payloadFor(payload: EventPayload, target: string, c?: AddressHolders): EventPayload {
  if (payload.type === "DeliveryCorrected") {
    if (c && (target === c.intakeRegion || target === c.handlingRegion)) return payload;
    const d = payload.delivery;
    return { ...payload, delivery: { ...d, recipient: "", mobile: "", address: "", postalCode: "" } };
  }
  // 好差评: the applicant's words and the handling region's answer to them stay with the two regions serving
  // the applicant; a collaborator gets the level and tags (for its own statistics) and that it was answered.
  if (payload.type === "CaseRated" || payload.type === "RectificationAnswered") {
    if (c && (target === c.intakeRegion || target === c.handlingRegion)) return payload;
    return payload.type === "CaseRated" ? { ...payload, text: "" } : { ...payload, answer: "" };
  }
  if (payload.type !== "CaseSubmitted") return payload;
  const shaped = caseFor(payload.case, target);
  return shaped === payload.case ? payload : { ...payload, case: shaped };
}

/** An event of case `c`'s timeline as `target` may read it: its payload shaped by {@link payloadFor}. */
export function eventFor<E extends CaseEvent>(e: E, target: string, c?: AddressHolders): E {
  const payload = payloadFor(e.payload, target, c);
  return payload === e.payload ? e : { ...e, payload };
}
