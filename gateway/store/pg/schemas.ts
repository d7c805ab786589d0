/** Which regions keep a ledger in a PostgreSQL database (for `xr audit`). */
import pg from "pg";

/** Region codes of the `xr_<region>` schemas in the database, sorted. */
export async function regionSchemas(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name ~ '^xr_[0-9]{6}$' ORDER BY 1",
    );
    return rows.map((r) => r.name.slice(3));
  } finally {
    await client.end();
  }
}
