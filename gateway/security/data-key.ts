/**
 * The key that encrypts personal data in the ledgers: from `XR_DATA_KEY`
 * (base64 of 32 bytes, e.g. injected from a secrets manager), else from
 * `<keysDir>/data.key`, which development setups create on first start.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where the key was found, for the start-up log. */
export type DataKeySource = "env" | "file" | "generated";

/** The data key, or an Error saying how to provide one. */
export function loadDataKey(
  env: NodeJS.ProcessEnv,
  keysDir: string,
  generate: boolean,
): { key: Buffer; source: DataKeySource } {
  const fromEnv = env.XR_DATA_KEY;
  if (fromEnv) return { key: decode(fromEnv, "XR_DATA_KEY"), source: "env" };
  const file = join(keysDir, "data.key");
  if (existsSync(file)) return { key: decode(readFileSync(file, "utf8").trim(), file), source: "file" };
  if (!generate) {
    throw new Error(`no data key: set XR_DATA_KEY (base64 of 32 random bytes) or put one in ${file}`);
  }
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600 });
  return { key, source: "generated" };
}

function decode(b64: string, where: string): Buffer {
  const key = Buffer.from(b64, "base64");
  if (key.byteLength !== 32) throw new Error(`${where}: the data key must be base64 of exactly 32 bytes`);
  return key;
}
