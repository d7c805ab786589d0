/**
 * The machine's PostgreSQL for the store suites. XR_TEST_DATABASE_URL points
 * elsewhere; each suite works in schemas of its own and drops them after. With
 * XR_REQUIRE_POSTGRES=1 (as .ci/run sets) a missing server fails the suites
 * instead of skipping them.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";

/** URL of the test database. */
export function postgresUrl(): string {
  return process.env.XR_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
}

let reachable: boolean | undefined;

/** Whether the server answers (asked once, synchronously, so that suites can be declared). */
function postgresReachable(): boolean {
  if (reachable === undefined) {
    const url = new URL(postgresUrl());
    const probe = spawnSync("pg_isready", ["-h", url.hostname, "-p", url.port || "5432", "-t", "3"], {
      stdio: "ignore",
    });
    reachable = probe.status === 0;
  }
  return reachable;
}

/** `describe` for suites that need PostgreSQL: skipped without it, failed if XR_REQUIRE_POSTGRES=1. */
export function describePostgres(title: string, body: (this: Mocha.Suite) => void): void {
  describe(title, function () {
    if (postgresReachable()) {
      body.call(this);
      return;
    }
    if (process.env.XR_REQUIRE_POSTGRES === "1") {
      it("has a PostgreSQL server (XR_REQUIRE_POSTGRES=1)", () => {
        throw new Error(`no PostgreSQL at ${postgresUrl()}`);
      });
      return;
    }
    it.skip(`needs PostgreSQL at ${postgresUrl()}`);
  });
}

/** A fresh schema name for one test's ledger. */
export function testSchema(): string {
  return `xr_test_${randomBytes(5).toString("hex")}`;
}

/** Drops the schemas a suite made. */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    for (const s of new Set(schemas)) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Creates an empty database for one suite's gateways; returns its URL. */
export async function createTestDatabase(prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by {@link createTestDatabase}, closing whatever still connects to it. */
export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
