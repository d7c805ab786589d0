/**
 * Cross-checks a case as the ledger stores it against what the message log
 * says happened to it: the logged envelopes of the case, folded in log order
 * through the same lifecycle function every region runs, must lead to the
 * stored state, and the stored events must be exactly the logged ones. A
 * case or event changed in the tables without going through the log is
 * found here even when the log's own chain still holds.
 */
import type { Envelope } from "../codec/envelope.js";
import { type CaseState, CaseStatus, caseParties } from "../domain/case.js";
import type { CaseEvent, LedgerEvent } from "../domain/events.js";
import { applyEvent } from "../domain/lifecycle.js";

/** What decides a case: the fields a forged state would have to change, and nothing a partner may not see. */
function essentials(c: CaseState): Record<string, unknown> {
  const applicant =
    "person" in c.applicant ? c.applicant.person.idNumber : c.applicant.organization.creditCode;
  return {
    // The relay marks a submitted case FORWARDED once its submission left; no event records that.
    status: c.status === CaseStatus.FORWARDED ? CaseStatus.SUBMITTED : c.status,
    version: c.version,
    matterCode: c.matterCode,
    intakeRegion: c.intakeRegion,
    handlingRegion: c.handlingRegion,
    applicant,
    deadline: c.deadline,
    approved: c.approved === true,
    reason: c.reason,
    materials: c.materials.map((m) => m.sha256).sort(),
    subtasks: c.subtasks.map((s) => `${s.subtaskId}:${s.region}:${s.completed}`),
    waybillNo: c.delivery.waybillNo,
  };
}

/**
 * One envelope per event, in the order the log holds them: an event sent to
 * several parties is logged once per target, and the handling region's copy
 * is the whole case (collaborators get a minimised one), as the sender stored it.
 */
export function eventsOfLog(envelopes: readonly Envelope[]): Envelope[] {
  const byId = new Map<string, Envelope>();
  for (const env of envelopes) {
    const held = byId.get(env.eventId);
    if (!held) byId.set(env.eventId, env);
    else if (env.payload.type === "CaseSubmitted" && env.targetRegion === env.payload.case.handlingRegion)
      byId.set(env.eventId, env); // Map keeps the first insertion's position
  }
  return [...byId.values()];
}

/**
 * Problems of one case: `stored` (undefined when the cases table lacks it),
 * its `events` as the events table holds them, and `logged`, the signed
 * envelopes of its sent and received log records in log order.
 */
export function crossCheckCase(
  region: string,
  caseId: string,
  stored: CaseState | undefined,
  events: readonly LedgerEvent[],
  logged: readonly Envelope[],
): string[] {
  const problems: string[] = [];
  // A case only this region is party to (FULL_ONLINE within the region) sends nothing, so the log has
  // nothing of it: its stored events, folded, must still lead to its stored state.
  if (stored && caseParties(stored).every((r) => r === region)) {
    if (logged.length > 0)
      problems.push(`case ${caseId}: a case of ${region} alone, with envelopes in the log`);
    return [...problems, ...foldProblems(caseId, stored, events, "stored events")];
  }
  const fromLog = eventsOfLog(logged);
  if (!stored) {
    if (fromLog.length > 0)
      problems.push(`case ${caseId}: ${fromLog.length} logged events, but the cases table lacks it`);
    return problems;
  }
  const loggedIds = new Set(fromLog.map((e) => e.eventId));
  const storedIds = new Set(events.map((e) => e.eventId));
  for (const e of events)
    if (!loggedIds.has(e.eventId))
      problems.push(
        `case ${caseId}: event ${e.eventId} (${e.payload.type} of ${e.sourceRegion}) is stored but not in the log`,
      );
  for (const e of fromLog)
    if (!storedIds.has(e.eventId))
      problems.push(
        `case ${caseId}: logged event ${e.eventId} (${e.payload.type} of ${e.sourceRegion}) is not stored`,
      );
  return [...problems, ...foldProblems(caseId, stored, fromLog, "logged events")];
}

/** `events` folded through the lifecycle must lead to `stored`; what does not, said of `what`. */
function foldProblems(
  caseId: string,
  stored: CaseState,
  events: readonly CaseEvent[],
  what: string,
): string[] {
  let folded: CaseState | undefined;
  for (const e of events) {
    try {
      folded = applyEvent(folded, e);
    } catch (err) {
      return [
        `case ${caseId}: ${what.slice(0, -1)} ${e.eventId} (${e.payload.type}) does not follow: ${(err as Error).message}`,
      ];
    }
  }
  if (!folded) return [`case ${caseId}: stored as ${stored.status}, but it has no ${what}`];
  const want = essentials(folded);
  const have = essentials(stored);
  const differ = Object.keys(want).filter((k) => JSON.stringify(want[k]) !== JSON.stringify(have[k]));
  if (differ.length === 0) return [];
  return [
    `case ${caseId}: stored as ${stored.status} (version ${stored.version}), but its ${what} lead to ` +
      `${folded.status} (version ${folded.version}); differs in ${differ.join(", ")}`,
  ];
}
