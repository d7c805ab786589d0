/** A data cipher for ledgers opened in tests: every ledger seals at rest, as the gateway's do. */
import { randomBytes } from "node:crypto";
import { aesGcmCipher, type DataCipher } from "../../gateway/security/cipher.js";

/** One random key per test process: ledgers reopened in a test read what they wrote. */
const KEY = randomBytes(32);

/** The test process's cipher. */
export const testCipher = (): DataCipher => aesGcmCipher(KEY);
