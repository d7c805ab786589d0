/**
 * The key directory of a gateway: `ca.crt` (+ `ca.key` where certificates are
 * issued) and `<region>.crt` / `<region>.key` for each region. Private keys
 * are written owner-only.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateCa, issueRegionCert, type PemPair } from "./pki.js";

/** What a region gateway presents and trusts. */
export interface RegionCredentials {
  readonly caCert: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Paths of a region's credentials in `dir`. */
export function credentialPaths(dir: string, region: string): { ca: string; cert: string; key: string } {
  return { ca: join(dir, "ca.crt"), cert: join(dir, `${region}.crt`), key: join(dir, `${region}.key`) };
}

/** Reads a region's credentials; the error names the missing file and the command that makes it. */
export function readRegionCredentials(dir: string, region: string): RegionCredentials {
  const p = credentialPaths(dir, region);
  for (const file of [p.ca, p.cert, p.key]) {
    if (!existsSync(file)) {
      throw new Error(
        `${file} is missing: run \`npm run xr -- keys generate\` (or install the federation's certificates)`,
      );
    }
  }
  return { caCert: readFileSync(p.ca), cert: readFileSync(p.cert), key: readFileSync(p.key) };
}

/** Options of {@link generateKeys}. */
export interface GenerateKeysOptions {
  readonly dir: string;
  readonly federationName: string;
  readonly regions: readonly string[];
  /** Names the certificates are valid for (default: localhost and the loopback addresses). */
  readonly hosts?: readonly string[];
  /** Replace an existing CA and certificates. */
  readonly force?: boolean;
}

/** What {@link generateKeys} did, file by file. */
export interface GeneratedKeys {
  readonly created: string[];
  readonly kept: string[];
}

/**
 * Creates the CA (unless one exists) and a certificate for every region that
 * has none. Idempotent; `force` starts over with a new CA.
 */
export async function generateKeys(o: GenerateKeysOptions): Promise<GeneratedKeys> {
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const created: string[] = [];
  const kept: string[] = [];
  const caPaths = { cert: join(o.dir, "ca.crt"), key: join(o.dir, "ca.key") };
  let ca: PemPair;
  const fresh = o.force || !existsSync(caPaths.cert) || !existsSync(caPaths.key);
  if (fresh) {
    ca = await generateCa(o.federationName);
    writeFileSync(caPaths.key, ca.key, { mode: 0o600 });
    writeFileSync(caPaths.cert, ca.cert);
    created.push(caPaths.cert);
  } else {
    ca = { cert: readFileSync(caPaths.cert, "utf8"), key: readFileSync(caPaths.key, "utf8") };
    kept.push(caPaths.cert);
  }
  for (const region of o.regions) {
    const p = credentialPaths(o.dir, region);
    if (!fresh && existsSync(p.cert) && existsSync(p.key)) {
      kept.push(p.cert);
      continue;
    }
    const pair = await issueRegionCert(ca, {
      region,
      federationName: o.federationName,
      hosts: o.hosts ?? ["localhost", "127.0.0.1", "::1"],
    });
    writeFileSync(p.key, pair.key, { mode: 0o600 });
    writeFileSync(p.cert, pair.cert);
    created.push(p.cert);
  }
  return { created, kept };
}
