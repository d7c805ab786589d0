/**
 * Partners' catalogs in the region's PostgreSQL schema, on a small pool of
 * their own. Each matter is a row: the columns searches and lookups read, and
 * the whole matter as JSON. Substrings of three characters or more are found
 * through a pg_trgm GIN index; shorter ones scan the one catalog version asked
 * for, in catalog order, and stop at the page's end.
 */
import pg from "pg";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { Matter } from "../../domain/matter.js";
import {
  type CatalogStore,
  KEPT_CATALOG_VERSIONS,
  type MatterSearch,
  type StoredCatalog,
} from "../../ports/catalogs.js";
import { CATALOGS, catalogRows, catalogTables, likePattern, TRIGRAM } from "../sql/catalogs.js";
import { checkSchemaName, numbered } from "./sql.js";

// pg_trgm lives in `public`, outside the region's search path: its operator class is named in full.
const SCHEMA = `
  CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
  ${catalogTables("PRIMARY KEY (region, version, position)")}
  CREATE INDEX IF NOT EXISTS catalog_matters_search ON catalog_matters USING gin (search public.gin_trgm_ops);
`;

const WHERE = "region = $1 AND version = $2 AND ($3 = '' OR strpos(modes, $3) > 0)";

/** A failure of the catalog store: an outage, which callers may retry. */
const unavailable = (what: string, err: unknown) =>
  new XrError(ErrorCode.UNAVAILABLE, `${what}: ${(err as Error).message}`, { cause: err });

/** {@link CatalogStore} in a region's PostgreSQL schema. */
export class PgCatalogStore implements CatalogStore {
  readonly #pool: pg.Pool;
  readonly #schema: string;

  private constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool;
    this.#schema = schema;
  }

  /** Connects to `url`, creating the tables in `schema` (the region's ledger schema) if missing. */
  static async open(url: string, schema: string): Promise<PgCatalogStore> {
    checkSchemaName(schema);
    const pool = new pg.Pool({
      connectionString: url,
      options: `-c search_path=${schema}`,
      connectionTimeoutMillis: 5_000,
      max: 4,
    });
    // An idle pooled connection that the server closes must not crash the process; the next query reconnects.
    pool.on("error", () => undefined);
    try {
      const c = await pool.connect();
      try {
        // Replicas starting together take turns: CREATE … IF NOT EXISTS is not safe against itself.
        await c.query("SELECT pg_advisory_lock(hashtext($1))", [`${schema}:catalogs`]);
        try {
          await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
          await c.query(SCHEMA);
        } finally {
          await c.query("SELECT pg_advisory_unlock(hashtext($1))", [`${schema}:catalogs`]);
        }
      } finally {
        c.release();
      }
    } catch (err) {
      await pool.end();
      throw unavailable("catalog store", err);
    }
    return new PgCatalogStore(pool, schema);
  }

  async save(region: string, version: string, matters: readonly Matter[]): Promise<void> {
    const rows = catalogRows(matters);
    const c = await this.#pool.connect();
    try {
      await c.query("BEGIN");
      // Replicas pulling the same version at once write it one after the other.
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${this.#schema}:catalogs`]);
      await this.#drop(c, region, version);
      await c.query(
        `${CATALOGS.insertMatter}
         SELECT $1, $2, * FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
        [
          region,
          version,
          rows.map((r) => r.position),
          rows.map((r) => r.code),
          rows.map((r) => r.localCode),
          rows.map((r) => r.modes),
          rows.map((r) => r.search),
          rows.map((r) => r.body),
        ],
      );
      await c.query(numbered(CATALOGS.insertVersion), [region, version, matters.length]);
      const stale = await c.query<{ version: string }>(numbered(CATALOGS.stale), [
        region,
        region,
        KEPT_CATALOG_VERSIONS + 1,
      ]);
      for (const old of stale.rows) await this.#drop(c, region, old.version);
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw unavailable(`saving catalog ${region} ${version}`, err);
    } finally {
      c.release();
    }
  }

  async #drop(c: pg.PoolClient, region: string, version: string): Promise<void> {
    for (const sql of [CATALOGS.dropMatters, CATALOGS.dropVersion])
      await c.query(numbered(sql), [region, version]);
  }

  async newest(): Promise<StoredCatalog[]> {
    return (await this.#query<StoredCatalog>(CATALOGS.newest, [])).rows;
  }

  async matter(region: string, version: string, code: string): Promise<Matter | undefined> {
    const find = async (sql: string) =>
      (await this.#query<{ body: string }>(numbered(sql), [region, version, code])).rows[0];
    const row = (await find(CATALOGS.byCode)) ?? (await find(CATALOGS.byLocalCode));
    return row ? (JSON.parse(row.body) as Matter) : undefined;
  }

  async search(region: string, version: string, q: MatterSearch): Promise<Matter[]> {
    const needle = q.q.toLowerCase();
    const params: unknown[] = [region, version, q.mode ? `,${q.mode},` : ""];
    let text = "";
    if (needle !== "") {
      // Below three characters the trigram index cannot help; the version's rows in catalog order can.
      const indexed = [...needle].length >= TRIGRAM;
      params.push(indexed ? likePattern(needle) : needle);
      text = indexed ? " AND search LIKE $4" : " AND strpos(search, $4) > 0";
    }
    params.push(q.limit, q.offset);
    const n = params.length;
    const { rows } = await this.#query<{ body: string }>(
      `SELECT body FROM catalog_matters WHERE ${WHERE}${text} ORDER BY position LIMIT $${n - 1} OFFSET $${n}`,
      params,
    );
    return rows.map((r) => JSON.parse(r.body) as Matter);
  }

  async #query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.#pool.query<R>(sql, params);
    } catch (err) {
      throw unavailable("catalog store", err);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
