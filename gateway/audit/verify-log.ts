/** Walking a region's whole message log, a page at a time, and auditing the ledger against it. */
import type { Envelope } from "../codec/envelope.js";
import { checkLoggedReceipt } from "../codec/receipt.js";
import type { SignatureVerifier } from "../ports/signing.js";
import type { LedgerStore } from "../ports/store.js";
import { type ChainBreak, firstBreak, GENESIS, type LogRecord } from "./chain.js";
import { crossCheckCase } from "./cross-check.js";
import { checkLoggedEnvelope } from "./envelope-check.js";

/** Log records that hold an envelope (refused ones aside, which are kept as they came). */
const ENVELOPES: ReadonlySet<string> = new Set(["sent", "received"]);

/** What a walk over the log found. */
export interface LogReport {
  /** Records that checked out before the first break (all of them when there is none). */
  readonly records: number;
  /** The last record that checked out. */
  readonly head: { readonly seq: number; readonly hash: string };
  readonly break?: ChainBreak;
}

/**
 * Verifies the chain from the first record to the last; stops at the first
 * break. `visit` sees every record that checked out, in order.
 */
export async function verifyLog(
  store: LedgerStore,
  pageSize = 5_000,
  visit?: (r: LogRecord) => void,
): Promise<LogReport> {
  let head = { seq: 0, hash: GENESIS };
  for (;;) {
    const page = await store.logRecords(head.seq + 1, pageSize);
    if (page.length === 0) return { records: head.seq, head };
    const found = firstBreak(page, head);
    if (visit) for (const r of page) if (!found || r.seq < found.seq) visit(r);
    if (found) return { records: found.seq - 1, head, break: found };
    const last = page[page.length - 1] as LogRecord;
    head = { seq: last.seq, hash: last.hash };
  }
}

/** What auditing a region's ledger found. */
export interface LedgerAudit {
  /** The chain's walk. */
  readonly log: LogReport;
  /** Logged envelopes whose signature or content does not hold, and cases or events the log does not back. */
  readonly problems: readonly string[];
}

/**
 * Audits `region`'s ledger: walks the chain, checks the signature of every
 * envelope it logged as sent or received against the federation's key
 * registry (`verifier`) and of every partner's receipt (which must name an
 * envelope logged as sent to it), and cross-checks each case and its events
 * with what the log's signed envelopes lead to.
 */
export async function auditLedger(
  store: LedgerStore,
  region: string,
  verifier: SignatureVerifier,
  pageSize = 5_000,
): Promise<LedgerAudit> {
  const problems: string[] = [];
  const loggedCases = new Set<string>();
  const bad = new Set<number>();
  const receipts: LogRecord[] = [];
  const log = await verifyLog(store, pageSize, (r) => {
    if (r.direction === "refused") return;
    if (r.direction === "receipt") {
      receipts.push(r);
      return;
    }
    const checked = checkLoggedEnvelope(r, region, verifier);
    if (checked.problem !== undefined) {
      bad.add(r.seq);
      problems.push(`record ${r.seq} (${r.direction} ${r.eventId || "?"}): ${checked.problem}`);
    } else loggedCases.add(r.caseId);
  });
  const envelopesOf = async (caseId: string): Promise<Envelope[]> => {
    const out: Envelope[] = [];
    for (const r of await store.logForCase(caseId)) {
      if (!ENVELOPES.has(r.direction) || bad.has(r.seq) || r.seq > log.head.seq) continue;
      const checked = checkLoggedEnvelope(r, region, verifier);
      if (checked.problem === undefined) out.push(checked.env);
    }
    return out;
  };
  // Each partner's receipt must name the bytes of an envelope logged as sent to it.
  const caseLogs = new Map<string, LogRecord[]>();
  for (const r of receipts) {
    const caseLog = caseLogs.get(r.caseId) ?? (await store.logForCase(r.caseId));
    caseLogs.set(r.caseId, caseLog);
    const issue = checkLoggedReceipt(r, region, verifier, caseLog);
    if (issue) problems.push(`record ${r.seq} (receipt ${r.eventId || "?"} of ${r.peer}): ${issue}`);
  }
  const page = 500;
  for (let offset = 0; ; offset += page) {
    const cases = await store.listCases({ limit: page, offset });
    for (const c of cases) {
      loggedCases.delete(c.caseId);
      problems.push(
        ...crossCheckCase(region, c.caseId, c, await store.listEvents(c.caseId), await envelopesOf(c.caseId)),
      );
    }
    if (cases.length < page) break;
  }
  // Cases the log has signed envelopes of, but the cases table does not hold.
  for (const caseId of loggedCases)
    problems.push(...crossCheckCase(region, caseId, undefined, [], await envelopesOf(caseId)));
  return { log, problems };
}
