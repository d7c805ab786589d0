/**
 * A case's audit bundle: every envelope of the case this region sent or
 * received, with its message-log record, in one JSON document that anyone
 * holding the federation's key registry can check without the gateway.
 */

import { checkLoggedReceipt } from "../codec/receipt.js";
import { type RegistryKey, registryVerifier } from "../security/ed25519.js";
import { type LogRecord, recordHash } from "./chain.js";
import { checkLoggedEnvelope } from "./envelope-check.js";

/** The bundle format. */
export interface AuditBundle {
  readonly format: "xr-audit-bundle/1";
  readonly region: string;
  readonly caseId: string;
  readonly exportedAt: string;
  /** The log's last record when exported: publish or countersign it to pin the log's length. */
  readonly head: { readonly seq: number; readonly hash: string };
  /**
   * Public keys of the regions whose envelopes are in the bundle, for reference only: a bundle is
   * checked against the federation's key registry, and a key here that differs from it is reported.
   */
  readonly keys: readonly RegistryKey[];
  readonly records: ReadonlyArray<Omit<LogRecord, "value"> & { readonly value: string }>;
}

/** Builds the bundle of `records` (one case's records of one region's log). */
export function buildBundle(
  region: string,
  caseId: string,
  records: readonly LogRecord[],
  head: { seq: number; hash: string },
  registry: readonly RegistryKey[],
  now: Date,
): AuditBundle {
  const regions = new Set([region, ...records.map((r) => r.peer)]);
  return {
    format: "xr-audit-bundle/1",
    region,
    caseId,
    exportedAt: now.toISOString(),
    head,
    keys: registry.filter((k) => regions.has(k.region)),
    records: records.map((r) => ({ ...r, value: Buffer.from(r.value).toString("base64") })),
  };
}

/**
 * Checks a bundle against the federation's key registry (`registry`), never
 * against the keys it carries, which whoever wrote the file chose: each
 * record's hash matches its content, each envelope's signature verifies with
 * its source region's registered key as of the time it was logged and says
 * what its record says, and each source's envelopes to each target run from
 * sequence 1 without gaps (a record dropped from between others is found);
 * each partner's receipt is signed with its registered key and names the
 * bytes of an envelope the bundle holds as sent to it.
 * Returns the problems found (none: it holds).
 */
export function checkBundle(bundle: AuditBundle, registry: readonly RegistryKey[]): string[] {
  const problems: string[] = [];
  if (bundle.format !== "xr-audit-bundle/1") return [`unknown format ${String(bundle.format)}`];
  const verifier = registryVerifier(registry);
  const registered = new Map(registry.map((k) => [`${k.region}/${k.keyId}`, k.publicKey]));
  for (const k of bundle.keys ?? []) {
    const known = registered.get(`${k.region}/${k.keyId}`);
    if (known !== k.publicKey)
      problems.push(
        `the bundle carries ${known ? "another" : "an unregistered"} key ${k.keyId} of ${k.region}: ` +
          "not the federation's key registry's (its keys are not used)",
      );
  }
  // Sequences seen per "source>target".
  const sequences = new Map<string, Map<number, string>>();
  let lastSeq = 0;
  const sent = bundle.records
    .filter((r) => r.direction === "sent")
    .map((r) => ({ ...r, value: new Uint8Array(Buffer.from(r.value, "base64")) }));
  for (const r of bundle.records) {
    const record: LogRecord = { ...r, value: new Uint8Array(Buffer.from(r.value, "base64")) };
    const at = `record ${r.seq} (${r.direction} ${r.eventId || "?"})`;
    if (!(r.seq > lastSeq)) problems.push(`${at}: out of order (after record ${lastSeq})`);
    if (r.seq > bundle.head.seq) problems.push(`${at}: after the head ${bundle.head.seq} the bundle names`);
    lastSeq = Math.max(lastSeq, r.seq);
    if (recordHash(record) !== r.hash) problems.push(`${at}: its hash does not match its content`);
    if (r.caseId !== bundle.caseId) problems.push(`${at}: belongs to case ${r.caseId}`);
    if (r.direction === "receipt") {
      const issue = checkLoggedReceipt(record, bundle.region, verifier, sent);
      if (issue) problems.push(`${at}: ${issue}`);
      continue;
    }
    const refused = r.direction === "refused";
    // A refused record is kept as received; it may be the forgery it was refused for.
    const checked = checkLoggedEnvelope(
      refused ? { ...record, direction: "received" } : record,
      bundle.region,
      verifier,
    );
    if (checked.problem !== undefined && !refused) problems.push(`${at}: ${checked.problem}`);
    // Every envelope sent or received holds its place in its source's sequence, even one that fails its
    // check (that is reported above); a refused one only when it is genuine, since it may be the forgery.
    const env = refused && checked.problem !== undefined ? undefined : checked.env;
    if (!env) continue;
    const key = `${env.sourceRegion}>${env.targetRegion}`;
    const seen = sequences.get(key) ?? new Map<number, string>();
    sequences.set(key, seen);
    const before = seen.get(env.sequence);
    if (before !== undefined && before !== env.eventId)
      problems.push(`${at}: sequence ${env.sequence} of ${env.sourceRegion} is also event ${before}`);
    seen.set(env.sequence, env.eventId);
  }
  for (const [key, seen] of sequences) {
    const [source, target] = key.split(">");
    const top = Math.max(...seen.keys());
    for (let n = 1; n <= top; n++)
      if (!seen.has(n))
        problems.push(
          `missing: envelope ${n} of ${source} to ${target} (before ${top}) is not in the bundle`,
        );
  }
  return problems;
}
