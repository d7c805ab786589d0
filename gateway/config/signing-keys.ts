/**
 * `config/signing-keys.yaml`: the federation's registry of envelope-signing
 * public keys, and where this gateway finds its own private key.
 */

import { createPrivateKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { EnvelopeSigner } from "../ports/signing.js";
import {
  devKeyId,
  devPrivateKey,
  devRegistryKey,
  ed25519Signer,
  type RegistryKey,
} from "../security/ed25519.js";
import { ConfigError } from "./load.js";
import { mustReadYaml } from "./read-yaml.js";
import { isoDate, regionCode } from "./schemas.js";

/** config/signing-keys.yaml */
export const signingKeysFile = z.strictObject({
  /** Derive every member's key from a public seed (development only). */
  devKeys: z.boolean().default(false),
  keys: z
    .array(
      z.strictObject({
        region: regionCode,
        keyId: z.string().regex(/^[\w.-]{1,64}$/, "must be 1–64 letters, digits, '.', '_' or '-'"),
        publicKey: z.string().regex(/^[A-Za-z0-9+/]+=*$/, "must be the base64 SPKI DER of an Ed25519 key"),
        notBefore: isoDate.optional(),
        notAfter: isoDate.optional(),
      }),
    )
    .default([]),
});

/** The registry and whether development keys are in use. */
export interface SigningConfig {
  readonly devKeys: boolean;
  readonly registry: readonly RegistryKey[];
}

/** Reads the registry; with `devKeys`, every federation member's development key joins it. */
export function loadSigningConfig(configDir: string, members: Iterable<string>): SigningConfig {
  const doc = mustReadYaml(join(configDir, "signing-keys.yaml"), signingKeysFile, (p) => new ConfigError(p));
  const registry: RegistryKey[] = [...doc.keys];
  if (doc.devKeys) for (const r of members) registry.push(devRegistryKey(r));
  return { devKeys: doc.devKeys, registry };
}

/**
 * This region's signer: `<keysDir>/<region>.signing.key` (PKCS#8 PEM, key id
 * in `<region>.signing.keyid`), else its development key when allowed.
 */
export function regionSigner(keysDir: string, region: string, devKeys: boolean): EnvelopeSigner {
  const keyFile = join(keysDir, `${region}.signing.key`);
  if (existsSync(keyFile)) {
    const keyId = readFileSync(join(keysDir, `${region}.signing.keyid`), "utf8").trim();
    return ed25519Signer(keyId, createPrivateKey(readFileSync(keyFile)));
  }
  if (devKeys) return ed25519Signer(devKeyId(region), devPrivateKey(region));
  throw new ConfigError([
    `signing-keys.yaml: no signing key for ${region}: ${keyFile} is missing (run \`npm run xr -- keys generate --signing <keyId>\`)`,
  ]);
}
