/**
 * Partners' catalogs in the region's SQLite ledger file, on a connection of
 * their own. Each matter is a row: the columns searches and lookups read, and
 * the whole matter as JSON. Substrings of three characters or more are found
 * through an FTS5 trigram index; shorter ones scan the index of the one
 * catalog version asked for, in catalog order, and stop at the page's end.
 */
import type { Matter } from "../../domain/matter.js";
import {
  type CatalogStore,
  KEPT_CATALOG_VERSIONS,
  type MatterSearch,
  type StoredCatalog,
} from "../../ports/catalogs.js";
import { CATALOGS, catalogRows, catalogTables, TRIGRAM } from "../sql/catalogs.js";
import { openDatabase, SqliteSql } from "./sql.js";

const SCHEMA = `${catalogTables("id INTEGER PRIMARY KEY")}
  -- Catalog order, with what a scan tests: a search of a short substring reads the index alone.
  CREATE INDEX IF NOT EXISTS catalog_matters_order
    ON catalog_matters(region, version, position, modes, search);
  CREATE VIRTUAL TABLE IF NOT EXISTS catalog_search
    USING fts5(search, content='', contentless_delete=1, tokenize='trigram');
`;

const WHERE = "region = ? AND version = ? AND (? = '' OR instr(modes, ?) > 0)";

/** Searches: every matter, a short substring scanned for, a longer one through the trigram index. */
const SEARCH = {
  all: `SELECT body FROM catalog_matters WHERE ${WHERE} ORDER BY position LIMIT ? OFFSET ?`,
  scan: `SELECT body FROM catalog_matters INDEXED BY catalog_matters_order
    WHERE ${WHERE} AND instr(search, ?) > 0 ORDER BY position LIMIT ? OFFSET ?`,
  // The trigram index names the candidates; the rows of the version asked for are paged in catalog order.
  indexed: `SELECT body FROM catalog_matters WHERE ${WHERE}
    AND id IN (SELECT rowid FROM catalog_search WHERE catalog_search MATCH ?)
    ORDER BY position LIMIT ? OFFSET ?`,
};

const DROP_SEARCH =
  "DELETE FROM catalog_search WHERE rowid IN (SELECT id FROM catalog_matters WHERE region = ? AND version = ?)";

/** {@link CatalogStore} on the ledger's SQLite file. */
export class SqliteCatalogStore implements CatalogStore {
  readonly #s: SqliteSql;

  /** Opens `path` (the ledger's file, or ":memory:") and creates the tables if missing. */
  constructor(path: string) {
    // A cache of what partners publish: a crash loses at most the last pull, which the next round repeats.
    const db = openDatabase(path, "NORMAL");
    db.exec(SCHEMA);
    this.#s = new SqliteSql(db);
  }

  async save(region: string, version: string, matters: readonly Matter[]): Promise<void> {
    const s = this.#s;
    s.db.transaction(() => {
      this.#drop(region, version);
      for (const r of catalogRows(matters)) {
        const { lastInsertRowid } = s
          .prepared(`${CATALOGS.insertMatter} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(region, version, r.position, r.code, r.localCode, r.modes, r.search, r.body);
        s.prepared("INSERT INTO catalog_search (rowid, search) VALUES (?, ?)").run(lastInsertRowid, r.search);
      }
      s.prepared(CATALOGS.insertVersion).run(region, version, matters.length);
      const stale = s.prepared(CATALOGS.stale).all(region, region, KEPT_CATALOG_VERSIONS + 1);
      for (const old of stale as { version: string }[]) this.#drop(region, old.version);
    })();
  }

  #drop(region: string, version: string): void {
    for (const sql of [DROP_SEARCH, CATALOGS.dropMatters, CATALOGS.dropVersion])
      this.#s.prepared(sql).run(region, version);
  }

  async newest(): Promise<StoredCatalog[]> {
    return this.#s.prepared(CATALOGS.newest).all() as StoredCatalog[];
  }

  async matter(region: string, version: string, code: string): Promise<Matter | undefined> {
    const args = [region, version, code];
    const row = (this.#s.prepared(CATALOGS.byCode).get(...args) ??
      this.#s.prepared(CATALOGS.byLocalCode).get(...args)) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Matter) : undefined;
  }

  async search(region: string, version: string, q: MatterSearch): Promise<Matter[]> {
    const mode = q.mode ? `,${q.mode},` : "";
    const needle = q.q.toLowerCase();
    const head = [region, version, mode, mode];
    const rows =
      needle === ""
        ? this.#s.prepared(SEARCH.all).all(...head, q.limit, q.offset)
        : [...needle].length >= TRIGRAM
          ? this.#s
              .prepared(SEARCH.indexed)
              .all(...head, `"${needle.replaceAll('"', '""')}"`, q.limit, q.offset)
          : this.#s.prepared(SEARCH.scan).all(...head, needle, q.limit, q.offset);
    return (rows as { body: string }[]).map((r) => JSON.parse(r.body) as Matter);
  }

  async close(): Promise<void> {
    this.#s.db.close();
  }
}
