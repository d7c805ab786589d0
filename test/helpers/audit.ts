/**
 * What the audit tests share: running `xr` as an operator does, and forging
 * envelopes the way the outside review did (a fresh Ed25519 key placed under
 * a genuine key id).
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { decodeEnvelope, type Envelope, encodeEnvelope } from "../../gateway/codec/envelope.js";
import { seal } from "../../gateway/codec/sealed.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import type { LedgerStore, LogRecord } from "../../gateway/ports/store.js";
import type { RegionHandle } from "../../gateway/runtime/region.js";
import { aesGcmCipher } from "../../gateway/security/cipher.js";
import { loadDataKey } from "../../gateway/security/data-key.js";
import { openLedger } from "../../gateway/store/open.js";

const run = promisify(execFile);

/** Runs `xr …args` in a child process; its exit code and everything it printed. */
export async function xr(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", join(PROJECT_ROOT, "gateway/cli/xr.ts"), ...args],
      { cwd: PROJECT_ROOT },
    );
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

/** A key pair that is no one's: the forger's. */
export function forgerKey(): { publicKey: string; sign: (data: Uint8Array) => Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    publicKey: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
    sign: (data) => sign(null, data, privateKey),
  };
}

/**
 * The envelope `bytes` changed by `change`, signed by `key` under the
 * original's key id: what someone without the source's private key can make.
 */
export function forge(
  bytes: Uint8Array,
  change: (env: Envelope) => Envelope,
  key: { sign: (data: Uint8Array) => Uint8Array } = forgerKey(),
): Uint8Array {
  const changed = change(decodeEnvelope(bytes));
  const unsigned = encodeEnvelope({ ...changed, signature: new Uint8Array() });
  return seal(unsigned, key.sign(unsigned));
}

/**
 * A stopped gateway's ledger, opened as `xr audit` opens it (the data key from
 * `<dataDir>/keys`): what someone with the database and the key can change.
 */
export async function openStoppedLedger(dataDir: string, region: string): Promise<LedgerStore> {
  const { key } = loadDataKey({}, join(dataDir, "keys"), false);
  return openLedger({ region, dataDir, cipher: aesGcmCipher(key) });
}

/**
 * Rewrites a stopped gateway's log from record `fromSeq` on, keeping only the
 * records `keep` accepts, as `change` makes them, and chaining them again: a cut and re-hash, done with
 * the gateway's own store so the rest is sealed exactly as it writes it.
 */
export async function rewriteLogFrom(
  dataDir: string,
  region: string,
  fromSeq: number,
  keep: (r: LogRecord) => boolean,
  change: (r: LogRecord) => LogRecord = (r) => r,
): Promise<LogRecord[]> {
  let store = await openStoppedLedger(dataDir, region);
  const tail = await store.logRecords(fromSeq, 1_000_000);
  await store.close();
  const db = new Database(join(dataDir, region, "ledger.db"));
  db.prepare("DELETE FROM message_log WHERE seq >= ?").run(fromSeq);
  db.close();
  store = await openStoppedLedger(dataDir, region);
  try {
    const kept = tail.filter(keep).map(change);
    await store.appendLog(
      kept.map(({ direction, eventId, caseId, peer, at, value }) => ({
        direction,
        eventId,
        caseId,
        peer,
        at,
        value,
      })),
    );
    return tail.filter((r) => !keep(r));
  } finally {
    await store.close();
  }
}

/**
 * Waits until every hosted region has handed back the receipts it owes and
 * kept those it is owed: after this, a quiet federation's logs stand still.
 */
export async function settleReceipts(regions: Iterable<RegionHandle>): Promise<void> {
  const all = [...regions];
  // Twice: a run already in flight may have started before the last envelope was applied.
  for (let round = 0; round < 2; round++) await Promise.all(all.map((r) => r.receipts.sendNow()));
}
