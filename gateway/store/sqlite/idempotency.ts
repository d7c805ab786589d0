/** Idempotency keys in SQLite. */
import type { Commit } from "../../ports/store.js";
import type { DataCipher } from "../../security/cipher.js";
import { IDEMPOTENCY, idempotencyColumns, reusedKey } from "../sql/idempotency.js";
import type { SqliteSql } from "./sql.js";

/** Records a commit's answer under its key; CONFLICT when another request recorded the key first. */
export function writeIdempotency(s: SqliteSql, change: Commit, cipher: DataCipher): void {
  const k = change.idempotency;
  if (!k) return;
  try {
    s.prepared(IDEMPOTENCY.insert).run(...idempotencyColumns(k, change.state, cipher));
  } catch (err) {
    throw reusedKey(k, err);
  }
}
