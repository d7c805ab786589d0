/**
 * A case's audit bundle: every envelope of the case this region sent or
 * received, with its message-log record and the public keys that signed it,
 * in one JSON document that anyone can check without the gateway.
 */

import { decodeEnvelope } from "../codec/envelope.js";
import { unseal } from "../codec/sealed.js";
import { type RegistryKey, registryVerifier } from "../security/ed25519.js";
import { type LogRecord, recordHash } from "./chain.js";

/** The bundle format. */
export interface AuditBundle {
  readonly format: "xr-audit-bundle/1";
  readonly region: string;
  readonly caseId: string;
  readonly exportedAt: string;
  /** The log's last record when exported: publish or countersign it to pin the log's length. */
  readonly head: { readonly seq: number; readonly hash: string };
  /** Public keys of the regions whose envelopes are in the bundle. */
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
 * Checks a bundle: each record's hash matches its content and previous hash,
 * and each envelope's signature verifies with its source region's key as of
 * the time it was logged. Returns the problems found (none: it holds).
 */
export function checkBundle(bundle: AuditBundle): string[] {
  const problems: string[] = [];
  if (bundle.format !== "xr-audit-bundle/1") return [`unknown format ${String(bundle.format)}`];
  const verifier = registryVerifier(bundle.keys);
  for (const r of bundle.records) {
    const record: LogRecord = { ...r, value: new Uint8Array(Buffer.from(r.value, "base64")) };
    const at = `record ${r.seq} (${r.direction} ${r.eventId || "?"})`;
    if (recordHash(record) !== r.hash) problems.push(`${at}: its hash does not match its content`);
    if (r.caseId !== bundle.caseId) problems.push(`${at}: belongs to case ${r.caseId}`);
    if (r.direction === "refused") continue; // kept as received; it may be the forgery it was refused for
    const sealed = unseal(record.value);
    if (!sealed) {
      problems.push(`${at}: the envelope is not signed`);
      continue;
    }
    let source: string;
    let keyId: string;
    try {
      const env = decodeEnvelope(record.value);
      source = env.sourceRegion;
      keyId = env.keyId;
    } catch (err) {
      problems.push(`${at}: ${(err as Error).message}`);
      continue;
    }
    const issue = verifier.verify(source, keyId, sealed.unsigned, sealed.signature, new Date(r.at));
    if (issue) problems.push(`${at}: ${issue}`);
  }
  return problems;
}
