/**
 * Comparing a region's local chain with the checkpoints of it that its
 * partners countersigned and keep: any checkpoint whose record the log no
 * longer holds, or holds with another hash, means the log was cut, rewritten
 * or re-hashed after it. Checkpoints whose signatures do not hold are reported
 * too and not used.
 */

import { chainIssue, countersignedIssue } from "../codec/checkpoint.js";
import type { Checkpoint } from "../domain/checkpoint.js";
import type { SignatureVerifier } from "../ports/signing.js";
import type { LedgerStore } from "../ports/store.js";

/** Problems found comparing `region`'s log in `store` with `checkpoints` (kept by the partner `witness`). */
export async function compareWithCheckpoints(
  store: LedgerStore,
  region: string,
  witness: string,
  checkpoints: readonly Checkpoint[],
  verifier: SignatureVerifier,
): Promise<string[]> {
  const problems: string[] = [];
  const head = await store.logHead();
  for (const c of checkpoints) {
    if (c.region !== region || c.witness !== witness) {
      problems.push(`${witness} answered with a checkpoint of ${c.region}'s log kept by ${c.witness}`);
      continue;
    }
    const bad = countersignedIssue(c, verifier);
    if (bad) {
      problems.push(`checkpoint of record ${c.seq} kept by ${witness}: ${bad}`);
      continue;
    }
    const [record] = c.seq > 0 ? await store.logRecords(c.seq, 1) : [];
    const issue = chainIssue(c, record?.seq === c.seq ? record : undefined, head.seq);
    if (issue) problems.push(issue);
  }
  return problems;
}
