/**
 * Ed25519 envelope signatures (node's crypto) and the federation's key
 * registry: each region's public keys with their ids and validity windows,
 * so a region can roll to a new key while receivers still accept the old one
 * for an overlap.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import type { EnvelopeSigner, SignatureVerifier } from "../ports/signing.js";

/** One public key of the registry. */
export interface RegistryKey {
  readonly region: string;
  readonly keyId: string;
  /** SPKI DER of the Ed25519 public key, base64. */
  readonly publicKey: string;
  /** ISO dates (inclusive); missing means unbounded. */
  readonly notBefore?: string | undefined;
  readonly notAfter?: string | undefined;
}

/** The signer of a region from its PKCS#8 private key. */
export function ed25519Signer(keyId: string, privateKey: KeyObject): EnvelopeSigner {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`${keyId}: not an Ed25519 private key`);
  return { keyId, sign: (data) => sign(null, data, privateKey) };
}

/** A verifier over `keys`. */
export function registryVerifier(keys: readonly RegistryKey[]): SignatureVerifier {
  const byId = new Map<string, { key: KeyObject; entry: RegistryKey }>();
  for (const entry of keys) {
    const key = createPublicKey({ key: Buffer.from(entry.publicKey, "base64"), format: "der", type: "spki" });
    byId.set(`${entry.region}/${entry.keyId}`, { key, entry });
  }
  return {
    verify(region, keyId, data, signature, at) {
      const found = byId.get(`${region}/${keyId}`);
      if (!found) return `no key ${keyId || "(none)"} of ${region} in the federation's key registry`;
      const day = at.toISOString().slice(0, 10);
      if (found.entry.notBefore && day < found.entry.notBefore)
        return `key ${keyId} of ${region} is not valid before ${found.entry.notBefore}`;
      if (found.entry.notAfter && day > found.entry.notAfter)
        return `key ${keyId} of ${region} expired on ${found.entry.notAfter}`;
      if (!verify(null, data, found.key, signature))
        return `signature does not verify with key ${keyId} of ${region}`;
      return undefined;
    },
  };
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** The key id of a region's development key. */
export function devKeyId(region: string): string {
  return `${region}-dev`;
}

/**
 * A region's development signing key, derived from a public seed: anyone can
 * compute it, which is the point (a fresh clone runs signed without setup)
 * and the reason `signing.devKeys` must be false in production.
 */
export function devPrivateKey(region: string): KeyObject {
  const seed = createHash("sha256").update(`xr development signing key ${region}`).digest();
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** The registry entry of a region's development key. */
export function devRegistryKey(region: string): RegistryKey {
  const spki = createPublicKey(devPrivateKey(region)).export({ format: "der", type: "spki" });
  return { region, keyId: devKeyId(region), publicKey: spki.toString("base64") };
}
