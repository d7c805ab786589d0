/**
 * Case rows for the stats benchmark, written through the ledger's own commit API (each case sealed like a
 * real one, its clock columns set from its clock) in batches that the group commit writes together.
 * The shapes are those of a year at a handling region: arrivals on weekdays through 2026, most decided
 * within their limits, a few accepted or decided late (the breach kept), one in five suspended for 补正 or
 * 特别程序, the last weeks still open. Days are counted on the calendar, not the holiday table: the rows
 * only need realistic spreads for the aggregates, which read the columns, not the calendar.
 */
import { type CaseState, CaseStatus, DeliveryMethod, HandlingMode } from "../../gateway/domain/case.js";
import type { CaseClock } from "../../gateway/domain/deadline.js";
import type { LedgerStore } from "../../gateway/ports/store.js";
import { residentId } from "../helpers/fixtures.js";

/** Matter codes of config/matters.yaml, so names resolve from the catalog. */
export const BENCH_MATTERS = [
  "XR-SB-001",
  "XR-SB-002",
  "XR-GJJ-001",
  "XR-GJJ-002",
  "XR-GJJ-003",
  "XR-HJ-001",
  "XR-HJ-002",
  "XR-BDC-001",
  "XR-JT-001",
  "XR-JY-001",
];

/** A small deterministic generator (mulberry32), so every run seeds the same ledger. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);
/** `n` weekdays after `t` (the calendar's weekends skipped). */
function weekdaysAfter(t: number, n: number): number {
  let d = t;
  for (let left = n; left > 0; ) {
    d += DAY;
    const w = new Date(d).getUTCDay();
    if (w !== 0 && w !== 6) left--;
  }
  return d;
}

/** One case's state as the handling region's ledger would hold it, `i` picking its shape. */
function benchCase(
  i: number,
  handling: string,
  partners: readonly string[],
  today: string,
  r: () => number,
): CaseState {
  const start = Date.parse("2026-01-05T00:00:00Z");
  const end = Date.parse(`${today}T00:00:00Z`);
  let arrived = start + Math.floor(r() * ((end - start) / DAY)) * DAY;
  while ([0, 6].includes(new Date(arrived).getUTCDay())) arrived += DAY;
  const promisedDays = [0, 5, 10, 15, 20][i % 5] as number;
  const acceptDue = weekdaysAfter(arrived, 5);
  const lateAccept = r() < 0.04;
  const accepted = weekdaysAfter(arrived, lateAccept ? 6 + Math.floor(r() * 5) : Math.floor(r() * 5));
  const suspended = r() < 0.2 ? 1 + Math.floor(r() * 10) : 0;
  const decideDue = weekdaysAfter(accepted, promisedDays + suspended);
  const lateDecide = r() < 0.06;
  const decided = lateDecide
    ? weekdaysAfter(decideDue, 1 + Math.floor(r() * 8))
    : weekdaysAfter(accepted, Math.floor(r() * (promisedDays + suspended + 1)));
  const refused = r() < 0.03;
  const isOpen = (t: number) => t > end;
  let status: CaseStatus = CaseStatus.DELIVERED;
  let clock: CaseClock;
  const base = {
    acceptDays: 5,
    arrivedOn: day(arrived),
    stoppedOn: null,
    stoppedFor: null,
    lateDays: 0,
  } as const;
  if (isOpen(accepted) || refused) {
    status = refused ? CaseStatus.REJECTED : CaseStatus.FORWARDED;
    const breach =
      !refused && acceptDue < end
        ? { on: day(weekdaysAfter(acceptDue, 1)), days: 1, stage: "accept" as const }
        : null;
    clock = {
      ...base,
      acceptedOn: null,
      decidedOn: null,
      stage: refused ? null : "accept",
      dueOn: day(acceptDue),
      warnOn: refused ? null : day(acceptDue - 2 * DAY),
      suspendedDays: 0,
      breach,
      decideDays: null,
    };
  } else {
    const breach = lateAccept
      ? { on: day(weekdaysAfter(acceptDue, 1)), days: 2, stage: "accept" as const }
      : lateDecide
        ? { on: day(weekdaysAfter(decideDue, 1)), days: 3, stage: "decide" as const }
        : null;
    const open = isOpen(decided);
    status = open ? CaseStatus.ACCEPTED : i % 4 === 0 ? CaseStatus.DECIDED : CaseStatus.DELIVERED;
    clock = {
      ...base,
      acceptedOn: day(accepted),
      decidedOn: open ? null : day(decided),
      stage: open ? "decide" : null,
      dueOn: day(decideDue),
      warnOn: open ? day(decideDue - 2 * DAY) : null,
      suspendedDays: suspended,
      breach: open && breach?.stage === "decide" ? null : breach,
      decideDays: open ? null : Math.max(0, Math.round((decided - arrived) / DAY / 1.4) - suspended),
    };
  }
  const intake = partners[i % partners.length] as string;
  const caseId = `01JBENCH${String(i).padStart(18, "0")}`;
  const submittedAt = new Date(arrived + 2 * 3_600_000).toISOString();
  return {
    caseId,
    receiptNo: "",
    mode: HandlingMode.REMOTE_INTAKE,
    matterCode: BENCH_MATTERS[i % BENCH_MATTERS.length] as string,
    matterName: "",
    intakeRegion: intake,
    handlingRegion: handling,
    collaboratingRegions: [],
    applicant: { person: { name: "李秀英", idNumber: residentId(), mobile: "13807311234" } },
    materials: [],
    delivery: {
      method: DeliveryMethod.MAIL,
      recipient: "李秀英",
      mobile: "13807311234",
      address: "湖南省长沙市岳麓区麓山南路932号",
      postalCode: "410083",
      courier: "",
      waybillNo: "",
    },
    status,
    submittedAt,
    updatedAt: submittedAt,
    promisedDays,
    deadline: clock.dueOn ?? "",
    catalogVersion: "",
    subtasks: [],
    reason: "",
    requestedMaterialCodes: [],
    version: 1,
    clock,
  };
}

/** Commits `count` cases into `store` in batches of `batch`; the time it took (ms). */
export async function seedCases(
  store: LedgerStore,
  o: { count: number; handling: string; partners: readonly string[]; today: string; batch?: number },
): Promise<number> {
  const r = random(17);
  const t0 = performance.now();
  const batch = o.batch ?? 2_000;
  for (let i = 0; i < o.count; i += batch) {
    const n = Math.min(batch, o.count - i);
    await Promise.all(
      Array.from({ length: n }, (_, k) =>
        store.commit({
          state: benchCase(i + k, o.handling, o.partners, o.today, r),
          expectedVersion: 0,
          events: [],
          outbox: [],
        }),
      ),
    );
  }
  return performance.now() - t0;
}
