/** Brings a region's PostgreSQL schema to the latest migration, once even when replicas start together. */
import type pg from "pg";
import { LOCK } from "./locks.js";
import { PG_MIGRATIONS } from "./schema.js";

/**
 * Applies the migrations after the schema's recorded version, each in its own
 * transaction. A session advisory lock keyed by the schema makes replicas
 * that start at the same moment take turns: the second finds nothing to do.
 * Returns the version the schema is at.
 */
export async function migrate(
  client: pg.ClientBase,
  schema: string,
  migrations: readonly string[] = PG_MIGRATIONS,
): Promise<number> {
  await client.query(`SELECT pg_advisory_lock(hashtext($1), ${LOCK.migrate})`, [schema]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_version (version integer NOT NULL)`);
    const { rows } = await client.query<{ v: number | null }>(
      `SELECT MAX(version) AS v FROM ${schema}.schema_version`,
    );
    let current = rows[0]?.v ?? 0;
    for (; current < migrations.length; current++) {
      await client.query("BEGIN");
      try {
        await client.query(`SET LOCAL search_path TO ${schema}`);
        await client.query(migrations[current] ?? "");
        await client.query("INSERT INTO schema_version (version) VALUES ($1)", [current + 1]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw err;
      }
    }
    return current;
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext($1), ${LOCK.migrate})`, [schema]);
  }
}
