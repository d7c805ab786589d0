/**
 * node-postgres running the ledger's statements: the shared ones' `?`
 * placeholders numbered `$1…$n`, and driver errors turned into XrErrors.
 */
import type pg from "pg";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { Sql } from "../sql/ledger.js";

const NUMBERED = new Map<string, string>();

/**
 * A statement with `?` placeholders in PostgreSQL's `$1…$n` (no statement of
 * the ledger has a `?` in a literal); one in PostgreSQL's style is unchanged.
 */
export function numbered(sql: string): string {
  let out = NUMBERED.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    NUMBERED.set(sql, out);
  }
  return out;
}

/** Refuses a schema name that is not safe to write into statements as it is. */
export function checkSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new XrError(ErrorCode.INVALID_ARGUMENT, `schema: "${schema}" is not a plain lower-case name`);
  }
}

/** unique_violation: a key someone else already holds. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === "23505";
}

/**
 * What a database error means to the caller. A key someone else holds is
 * CONFLICT; data the database refuses (SQLSTATE classes 22 and 23: a value out
 * of range, a character it cannot store) is INVALID_ARGUMENT, which no retry
 * cures; anything else (connection, timeout, lock wait, deadlock) is an outage:
 * UNAVAILABLE, retriable.
 */
export function fromDriver(what: string, err: unknown): XrError {
  if (err instanceof XrError) return err;
  const message = `${what} failed: ${(err as Error).message}`;
  if (isUniqueViolation(err)) return new XrError(ErrorCode.CONFLICT, message, { cause: err });
  const state = (err as { code?: unknown }).code;
  if (typeof state === "string" && /^2[23]/.test(state)) {
    return new XrError(ErrorCode.INVALID_ARGUMENT, message, { cause: err });
  }
  return new XrError(ErrorCode.UNAVAILABLE, message, { cause: err });
}

/** {@link Sql} on a connection pool (each statement on whichever connection is free), or on one connection. */
export class PgSql implements Sql {
  constructor(private readonly pool: pg.Pool | pg.ClientBase) {}

  async query<R>(sql: string, args: readonly unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query(numbered(sql), [...args])).rows as R[];
    } catch (err) {
      throw fromDriver("ledger query", err);
    }
  }
}
