/**
 * Partners' catalogs in the region's PostgreSQL schema, on a small pool of
 * their own. Each matter is a row: the columns searches and lookups read, and
 * the whole matter as JSON. Substrings of three characters or more are found
 * through a pg_trgm GIN index; shorter ones scan the one catalog version asked
 * for, in catalog order, and stop at the page's end.
 */
import pg from "pg";
import type { Matter } from "../../domain/matter.js";
import {
  type CatalogStore,
  KEPT_CATALOG_VERSIONS,
  type MatterSearch,
  type StoredCatalog,
} from "../../ports/catalogs.js";
import { CATALOGS, catalogRows, catalogTables, likePattern, TRIGRAM } from "../sql/catalogs.js";
import { inTransaction } from "./group-commit.js";
import { LOCK } from "./locks.js";
import { checkSchemaName, fromDriver, numbered } from "./sql.js";

// pg_trgm lives in `public`, outside the region's search path: its operator class is named in full.
const SCHEMA = `
  CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
  ${catalogTables("PRIMARY KEY (region, version, position)")}
  CREATE INDEX IF NOT EXISTS catalog_matters_search ON catalog_matters USING gin (search public.gin_trgm_ops);
`;

const WHERE = "region = $1 AND version = $2 AND ($3 = '' OR strpos(modes, $3) > 0)";

/** {@link CatalogStore} in a region's PostgreSQL schema. */
export class PgCatalogStore implements CatalogStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

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
    const store = new PgCatalogStore(pool, schema);
    // Replicas starting together take turns: CREATE … IF NOT EXISTS is not safe against itself.
    await store
      .#locked("catalog store", async (c) => {
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await c.query(SCHEMA);
      })
      .catch(async (err) => {
        await pool.end();
        throw err;
      });
    return store;
  }

  /** Runs `fn` in a transaction holding the schema's catalog lock. */
  #locked(what: string, fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    return inTransaction(this.pool, what, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtext($1), ${LOCK.catalogs})`, [this.schema]);
      await fn(c);
    });
  }

  async save(region: string, version: string, matters: readonly Matter[]): Promise<void> {
    const rows = catalogRows(matters);
    // Replicas pulling the same version at once write it one after the other.
    await this.#locked(`saving catalog ${region} ${version}`, async (c) => {
      await this.#drop(c, region, version);
      await c.query(
        `${CATALOGS.insertMatter}
         SELECT $1, $2, * FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
        [
          region,
          version,
          ...(["position", "code", "localCode", "modes", "search", "body"] as const).map((k) =>
            rows.map((r) => r[k]),
          ),
        ],
      );
      await c.query(numbered(CATALOGS.insertVersion), [region, version, matters.length]);
      const stale = await c.query<{ version: string }>(numbered(CATALOGS.stale), [
        region,
        region,
        KEPT_CATALOG_VERSIONS + 1,
      ]);
      for (const old of stale.rows) await this.#drop(c, region, old.version);
    });
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
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw fromDriver("catalog store", err);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
