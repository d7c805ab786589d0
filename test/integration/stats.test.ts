/** The stats route on SQLite ledgers and on PostgreSQL (a database of its own, dropped after). */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describePostgres, postgresUrl } from "../helpers/postgres.js";
import { statsRoute } from "./stats-route.js";

statsRoute("SQLite", async () => undefined);

describePostgres("stats on PostgreSQL", () => {
  // The regions' schemas are named after them (xr_<region>): a database of its own keeps this suite
  // clear of any other federation on the same server.
  const name = `xr_stats_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresUrl() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  after(async () => {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  statsRoute("PostgreSQL", async () => {
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(postgresUrl());
    url.pathname = `/${name}`;
    return url.toString();
  });
});
