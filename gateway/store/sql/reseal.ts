/**
 * The one-time step from the previous at-rest format (AES-GCM without
 * associated data, `XRE1`) to the current one (bound to table, column and
 * row): every sealed column of the ledger is read, each value of the previous
 * format opened and sealed again at its place, in the caller's transaction.
 * Values that are not sealed at all are what an intruder writes into a
 * ledger: they are not sealed silently, but abort the step unless the operator,
 * having looked at them, accepts them.
 */
import { ErrorCode, XrError } from "../../domain/errors.js";
import { type AtRestPlace, atRestFormat, type DataCipher, rowLabel } from "../../security/cipher.js";
import { answerAt, caseBodyAt, eventPayloadAt, logValueAt, outboxValueAt, parkedValueAt } from "./places.js";

/** What a reseal found and did. */
export interface ResealReport {
  /** Values re-sealed from the previous format, by `table.column`. */
  readonly resealed: Readonly<Record<string, number>>;
  /** Values that were not sealed at all and were sealed (only with `acceptUnsealed`). */
  readonly sealedPlaintext: Readonly<Record<string, number>>;
  /** Values left as they are because they do not authenticate: reads of them keep failing (DATA_LOSS). */
  readonly unreadable: readonly string[];
}

interface Row {
  readonly k: string | number;
  readonly v: string | Uint8Array;
  readonly topic?: string;
  readonly key?: string;
  readonly headers?: string | Record<string, string>;
}

/** A sealed column: how its rows are read a page at a time, where each lives, and how it is rewritten. */
interface SealedColumn {
  readonly name: string;
  /** The key column, the value column, and for the outbox what routes a message. */
  readonly select: string;
  readonly update: string;
  /** The key before the first one (keys are read in order). */
  readonly start: string | number;
  readonly text: boolean;
  place(r: Row): AtRestPlace;
}

const column = (
  table: string,
  key: string,
  value: string,
  text: boolean,
  start: string | number,
  place: (r: Row) => AtRestPlace,
  extra = "",
): SealedColumn => ({
  name: `${table}.${value}`,
  select: `SELECT ${key} AS k, ${value} AS v${extra} FROM ${table} WHERE ${key} > ? ORDER BY ${key} LIMIT ?`,
  update: `UPDATE ${table} SET ${value} = ? WHERE ${key} = ?`,
  start,
  text,
  place,
});

/** Every column the ledger seals. */
const SEALED: readonly SealedColumn[] = [
  column("cases", "case_id", "body", true, "", (r) => caseBodyAt(String(r.k))),
  column("events", "event_id", "payload", true, "", (r) => eventPayloadAt(String(r.k))),
  column("idempotency", "key", "body", true, "", (r) => answerAt(String(r.k))),
  column("parked", "event_id", "value", false, "", (r) => parkedValueAt(String(r.k))),
  column("message_log", "seq", "value", false, 0, (r) => logValueAt(Number(r.k))),
  column(
    "outbox",
    "id",
    "value",
    false,
    0,
    (r) =>
      outboxValueAt(
        r.topic ?? "",
        r.key ?? "",
        typeof r.headers === "string" ? JSON.parse(r.headers) : (r.headers ?? {}),
      ),
    ", topic, key, headers",
  ),
];

const PAGE = 500;

/** How the step runs a statement: a ledger's `Sql`, inside the transaction its ledger opened. */
interface Statements {
  query<R>(sql: string, args?: readonly unknown[]): Promise<R[]>;
}

/** Re-seals every sealed column through `sql` (inside the caller's transaction). */
export async function resealColumns(
  sql: Statements,
  cipher: DataCipher,
  acceptUnsealed: boolean,
): Promise<ResealReport> {
  const resealed: Record<string, number> = {};
  const sealedPlaintext: Record<string, number> = {};
  const unsealed: string[] = [];
  const unreadable: string[] = [];
  for (const c of SEALED) {
    let after: string | number = c.start;
    for (;;) {
      const rows = await sql.query<Row>(c.select, [after, PAGE]);
      for (const r of rows) {
        const at = c.place(r);
        const where = `${c.name} of ${rowLabel(at)}`;
        const format = atRestFormat(r.v);
        let plain: Buffer;
        if (format === "current") {
          try {
            c.text ? cipher.openText(r.v as string, at) : cipher.open(r.v as Uint8Array, at);
          } catch {
            unreadable.push(where);
          }
          continue;
        }
        if (format === "previous") {
          try {
            plain = cipher.openPrevious(r.v, at);
          } catch {
            unreadable.push(where);
            continue;
          }
          resealed[c.name] = (resealed[c.name] ?? 0) + 1;
        } else {
          unsealed.push(where);
          if (!acceptUnsealed) continue;
          plain = typeof r.v === "string" ? Buffer.from(r.v, "utf8") : Buffer.from(r.v);
          sealedPlaintext[c.name] = (sealedPlaintext[c.name] ?? 0) + 1;
        }
        const value = c.text ? cipher.sealText(plain.toString("utf8"), at) : cipher.seal(plain, at);
        await sql.query(c.update, [value, r.k]);
      }
      if (rows.length < PAGE) break;
      after = (rows[rows.length - 1] as Row).k;
    }
  }
  if (unsealed.length > 0 && !acceptUnsealed) {
    throw new XrError(
      ErrorCode.FAILED_PRECONDITION,
      `${unsealed.length} stored values are not sealed at all (${unsealed.slice(0, 10).join("; ")}${
        unsealed.length > 10 ? "; …" : ""
      }): nothing was changed. Check them; to seal them as they are, run again with --accept-unsealed`,
    );
  }
  return { resealed, sealedPlaintext, unreadable };
}

/** Marks the ledger's values as all in the current format (in the same transaction as the reseal). */
export const MARK_CURRENT = "UPDATE at_rest_format SET version = ?";
