/** Idempotency keys in PostgreSQL. */
import type pg from "pg";
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { IDEMPOTENCY, idempotencyColumns, reusedKey } from "../sql/idempotency.js";
import { isUniqueViolation, numbered } from "./sql.js";

/** Records a commit's answer under its key; CONFLICT when another request recorded the key first. */
export async function writeIdempotency(c: pg.ClientBase, change: Commit, cipher: DataCipher): Promise<void> {
  const k = change.idempotency;
  if (!k) return;
  try {
    await c.query(numbered(IDEMPOTENCY.insert), idempotencyColumns(k, change.state, cipher));
  } catch (err) {
    throw isUniqueViolation(err) ? reusedKey(k, err) : err;
  }
}
