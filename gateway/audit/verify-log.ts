/** Walking a region's whole message log, a page at a time. */
import type { LedgerStore } from "../ports/store.js";
import { type ChainBreak, firstBreak, GENESIS, type LogRecord } from "./chain.js";

/** What a walk over the log found. */
export interface LogReport {
  /** Records that checked out before the first break (all of them when there is none). */
  readonly records: number;
  /** The last record that checked out. */
  readonly head: { readonly seq: number; readonly hash: string };
  readonly break?: ChainBreak;
}

/** Verifies the chain from the first record to the last; stops at the first break. */
export async function verifyLog(store: LedgerStore, pageSize = 5_000): Promise<LogReport> {
  let head = { seq: 0, hash: GENESIS };
  for (;;) {
    const page = await store.logRecords(head.seq + 1, pageSize);
    if (page.length === 0) return { records: head.seq, head };
    const found = firstBreak(page, head);
    if (found) return { records: found.seq - 1, head, break: found };
    const last = page[page.length - 1] as LogRecord;
    head = { seq: last.seq, hash: last.hash };
  }
}
