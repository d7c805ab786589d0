/**
 * 多地联办 status for the lead's case page, its metrics and its readiness report: each collaborator,
 * its subtasks with their states, and the stalled ones (domain/collaboration.ts).
 */
import { CaseStatus, HandlingMode, type Subtask } from "../domain/case.js";
import { type Stall, type SubtaskState, stalledSubtasks, subtaskState } from "../domain/collaboration.js";
import { openSubtasks } from "../domain/lifecycle.js";
import type { RegionContext } from "./context.js";
import { getCaseFor } from "./queries.js";

/** What the stall check reads besides the ledger. */
export interface CollaborationSettings {
  /** How long a collaborator has to take a subtask up (federation.yaml `multiRegion.takeUpHours`). */
  readonly takeUpMs: number;
  /** Every breaker of the region by name; a partner's is `partner:<region>`. */
  readonly breakers: () => Readonly<Record<string, string>>;
}

/** One collaborating region of a case. */
export interface CollaboratorView {
  readonly region: string;
  /** This gateway's breaker towards it ("closed" when it has not called it yet). */
  readonly breaker: string;
  readonly subtasks: ReadonlyArray<Subtask & { readonly state: SubtaskState }>;
}

/** `GET /cases/{id}/collaboration`. */
export interface CollaborationView {
  readonly leadRegion: string;
  readonly takeUpHours: number;
  readonly collaborators: readonly CollaboratorView[];
  /** Open subtasks that block 办结 (neither completed nor cancelled). */
  readonly openSubtasks: readonly string[];
  /** Stalled open subtasks; only the lead watches its collaborators, so empty at other parties. */
  readonly stalls: readonly Stall[];
}

function checkOf(ctx: RegionContext, s: CollaborationSettings) {
  const breakers = s.breakers();
  return {
    now: ctx.clock.now().getTime(),
    takeUpMs: s.takeUpMs,
    breakerOf: (region: string) => breakers[`partner:${region}`],
  };
}

/** The collaboration of a case this region's staff may read. */
export async function caseCollaboration(
  ctx: RegionContext,
  caseId: string,
  s: CollaborationSettings,
): Promise<CollaborationView> {
  const c = await getCaseFor(ctx, ctx.region, caseId);
  const breakers = s.breakers();
  return {
    leadRegion: c.handlingRegion,
    takeUpHours: s.takeUpMs / 3_600_000,
    collaborators: c.collaboratingRegions.map((region) => ({
      region,
      breaker: region === ctx.region ? "closed" : (breakers[`partner:${region}`] ?? "closed"),
      subtasks: c.subtasks.filter((t) => t.region === region).map((t) => ({ ...t, state: subtaskState(t) })),
    })),
    openSubtasks: openSubtasks(c).map((t) => t.subtaskId),
    stalls: c.handlingRegion === ctx.region ? stalledSubtasks(c, checkOf(ctx, s)) : [],
  };
}

// A scrape or readiness probe looks at this many open cases led here at most; more are not counted.
const STALL_SCAN_LIMIT = 1_000;

/** Stalled subtasks of every open 多地联办 case this region leads (metrics and /readyz). */
export async function stalledAcrossCases(ctx: RegionContext, s: CollaborationSettings): Promise<Stall[]> {
  const check = checkOf(ctx, s);
  const open = await Promise.all(
    [CaseStatus.ACCEPTED, CaseStatus.SUPPLEMENT_REQUESTED].map((status) =>
      ctx.store.listCases({ status, region: ctx.region, limit: STALL_SCAN_LIMIT, offset: 0 }),
    ),
  );
  return open
    .flat()
    .filter((c) => c.mode === HandlingMode.MULTI_REGION && c.handlingRegion === ctx.region)
    .flatMap((c) => stalledSubtasks(c, check));
}
