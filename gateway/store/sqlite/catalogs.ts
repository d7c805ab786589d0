/**
 * Partners' catalogs in the region's SQLite ledger file, on a connection of
 * their own. Each matter is a row: the columns searches and lookups read, and
 * the whole matter as JSON. Substrings of three characters or more are found
 * through an FTS5 trigram index; shorter ones scan the index of the one
 * catalog version asked for, in catalog order, and stop at the page's end.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Matter } from "../../domain/matter.js";
import {
  type CatalogStore,
  KEPT_CATALOG_VERSIONS,
  type MatterSearch,
  type StoredCatalog,
} from "../../ports/catalogs.js";
import { catalogRows, TRIGRAM } from "../catalog-rows.js";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS catalog_versions (
    region TEXT NOT NULL,
    version TEXT NOT NULL,
    seq INTEGER NOT NULL,
    matter_count INTEGER NOT NULL,
    PRIMARY KEY (region, version)
  );
  CREATE TABLE IF NOT EXISTS catalog_matters (
    id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    version TEXT NOT NULL,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    local_code TEXT NOT NULL,
    modes TEXT NOT NULL,
    search TEXT NOT NULL,
    body TEXT NOT NULL
  );
  -- Catalog order, with what a scan tests: a search of a short substring reads the index alone.
  CREATE INDEX IF NOT EXISTS catalog_matters_order
    ON catalog_matters(region, version, position, modes, search);
  CREATE INDEX IF NOT EXISTS catalog_matters_code ON catalog_matters(region, version, code);
  CREATE INDEX IF NOT EXISTS catalog_matters_local_code ON catalog_matters(region, version, local_code);
  CREATE VIRTUAL TABLE IF NOT EXISTS catalog_search
    USING fts5(search, content='', contentless_delete=1, tokenize='trigram');
`;

/** {@link CatalogStore} on the ledger's SQLite file. */
export class SqliteCatalogStore implements CatalogStore {
  readonly #db: Database.Database;
  readonly #statements;

  /** Opens `path` (the ledger's file, or ":memory:") and creates the tables if missing. */
  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    // A cache of what partners publish: a crash loses at most the last pull, which the next round repeats.
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    db.exec(SCHEMA);
    this.#db = db;
    const where = "region = ? AND version = ? AND (? = '' OR instr(modes, ?) > 0)";
    this.#statements = {
      newest: db.prepare<[], { region: string; version: string; matterCount: number }>(
        `SELECT region, version, matter_count AS matterCount FROM catalog_versions v
          WHERE seq = (SELECT MAX(seq) FROM catalog_versions w WHERE w.region = v.region)`,
      ),
      byCode: db.prepare<[string, string, string], { body: string }>(
        "SELECT body FROM catalog_matters WHERE region = ? AND version = ? AND code = ?",
      ),
      byLocalCode: db.prepare<[string, string, string], { body: string }>(
        "SELECT body FROM catalog_matters WHERE region = ? AND version = ? AND local_code = ? ORDER BY position",
      ),
      all: db.prepare<[string, string, string, string, number, number], { body: string }>(
        `SELECT body FROM catalog_matters WHERE ${where} ORDER BY position LIMIT ? OFFSET ?`,
      ),
      scan: db.prepare<[string, string, string, string, string, number, number], { body: string }>(
        `SELECT body FROM catalog_matters INDEXED BY catalog_matters_order
          WHERE ${where} AND instr(search, ?) > 0 ORDER BY position LIMIT ? OFFSET ?`,
      ),
      // The trigram index names the candidates; the rows of the version asked for are paged in catalog order.
      indexed: db.prepare<[string, string, string, string, string, number, number], { body: string }>(
        `SELECT body FROM catalog_matters WHERE ${where}
          AND id IN (SELECT rowid FROM catalog_search WHERE catalog_search MATCH ?)
          ORDER BY position LIMIT ? OFFSET ?`,
      ),
      nextSeq: db.prepare<[], { seq: number }>(
        "SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM catalog_versions",
      ),
      dropSearch: db.prepare<[string, string]>(
        "DELETE FROM catalog_search WHERE rowid IN (SELECT id FROM catalog_matters WHERE region = ? AND version = ?)",
      ),
      dropMatters: db.prepare<[string, string]>(
        "DELETE FROM catalog_matters WHERE region = ? AND version = ?",
      ),
      dropVersion: db.prepare<[string, string]>(
        "DELETE FROM catalog_versions WHERE region = ? AND version = ?",
      ),
      insertMatter: db.prepare<[string, string, number, string, string, string, string, string]>(
        `INSERT INTO catalog_matters (region, version, position, code, local_code, modes, search, body)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertSearch: db.prepare<[number | bigint, string]>(
        "INSERT INTO catalog_search (rowid, search) VALUES (?, ?)",
      ),
      insertVersion: db.prepare<[string, string, number, number]>(
        "INSERT INTO catalog_versions (region, version, seq, matter_count) VALUES (?, ?, ?, ?)",
      ),
      stale: db.prepare<[string, number], { version: string }>(
        "SELECT version FROM catalog_versions WHERE region = ? ORDER BY seq DESC LIMIT -1 OFFSET ?",
      ),
    };
  }

  async save(region: string, version: string, matters: readonly Matter[]): Promise<void> {
    const s = this.#statements;
    this.#db.transaction(() => {
      this.#drop(region, version);
      for (const row of catalogRows(matters)) {
        const { lastInsertRowid } = s.insertMatter.run(
          region,
          version,
          row.position,
          row.code,
          row.localCode,
          row.modes,
          row.search,
          row.body,
        );
        s.insertSearch.run(lastInsertRowid, row.search);
      }
      s.insertVersion.run(region, version, (s.nextSeq.get() as { seq: number }).seq, matters.length);
      for (const old of s.stale.all(region, KEPT_CATALOG_VERSIONS + 1)) this.#drop(region, old.version);
    })();
  }

  #drop(region: string, version: string): void {
    const s = this.#statements;
    s.dropSearch.run(region, version);
    s.dropMatters.run(region, version);
    s.dropVersion.run(region, version);
  }

  async newest(): Promise<StoredCatalog[]> {
    return this.#statements.newest.all();
  }

  async matter(region: string, version: string, code: string): Promise<Matter | undefined> {
    const s = this.#statements;
    const row = s.byCode.get(region, version, code) ?? s.byLocalCode.get(region, version, code);
    return row ? (JSON.parse(row.body) as Matter) : undefined;
  }

  async search(region: string, version: string, q: MatterSearch): Promise<Matter[]> {
    const s = this.#statements;
    const mode = q.mode ? `,${q.mode},` : "";
    const needle = q.q.toLowerCase();
    const head = [region, version, mode, mode] as const;
    const rows =
      needle === ""
        ? s.all.all(...head, q.limit, q.offset)
        : [...needle].length >= TRIGRAM
          ? s.indexed.all(...head, `"${needle.replaceAll('"', '""')}"`, q.limit, q.offset)
          : s.scan.all(...head, needle, q.limit, q.offset);
    return rows.map((r) => JSON.parse(r.body) as Matter);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
