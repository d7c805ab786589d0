/**
 * What the SQLite and PostgreSQL catalog stores write for each matter, the
 * tables and statements they share, and how they match substrings.
 */
import { type Matter, matterSearchText } from "../../domain/matter.js";

/** Characters a substring needs before the trigram indexes can find it (shorter ones are scanned for). */
export const TRIGRAM = 3;

/**
 * The tables, `key` first in `catalog_matters` (SQLite's rowid, which its
 * text index names; PostgreSQL's primary key). Each dialect adds its text index.
 */
export const catalogTables = (key: string) => `
  CREATE TABLE IF NOT EXISTS catalog_versions (
    region text NOT NULL,
    version text NOT NULL,
    seq bigint NOT NULL,
    matter_count integer NOT NULL,
    PRIMARY KEY (region, version)
  );
  CREATE TABLE IF NOT EXISTS catalog_matters (
    ${key},
    region text NOT NULL,
    version text NOT NULL,
    position integer NOT NULL,
    code text NOT NULL,
    local_code text NOT NULL,
    modes text NOT NULL,
    search text NOT NULL,
    body text NOT NULL
  );
  CREATE INDEX IF NOT EXISTS catalog_matters_code ON catalog_matters (region, version, code);
  CREATE INDEX IF NOT EXISTS catalog_matters_local_code ON catalog_matters (region, version, local_code);
`;

/** Statements with `?` placeholders; a dialect's own variant is written in its own style. */
export const CATALOGS = {
  newest: `SELECT region, version, matter_count AS "matterCount" FROM catalog_versions v
    WHERE seq = (SELECT MAX(seq) FROM catalog_versions w WHERE w.region = v.region) ORDER BY region`,
  byCode: "SELECT body FROM catalog_matters WHERE region = ? AND version = ? AND code = ?",
  byLocalCode: `SELECT body FROM catalog_matters WHERE region = ? AND version = ? AND local_code = ?
    ORDER BY position LIMIT 1`,
  insertMatter:
    "INSERT INTO catalog_matters (region, version, position, code, local_code, modes, search, body)",
  /** Makes the version the region's newest. */
  insertVersion: `INSERT INTO catalog_versions (region, version, seq, matter_count)
    SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ? FROM catalog_versions`,
  /** Takes the region twice; the versions past the newest `?`. */
  stale: `SELECT version FROM catalog_versions WHERE region = ? AND version NOT IN
    (SELECT version FROM catalog_versions WHERE region = ? ORDER BY seq DESC LIMIT ?)`,
  dropMatters: "DELETE FROM catalog_matters WHERE region = ? AND version = ?",
  dropVersion: "DELETE FROM catalog_versions WHERE region = ? AND version = ?",
} as const;

/** One matter as a catalog row. */
export interface CatalogRow {
  /** Place in the catalog: searches answer in catalog order. */
  readonly position: number;
  readonly code: string;
  readonly localCode: string;
  /** `,MODE,MODE,`: a mode filter is one substring test. */
  readonly modes: string;
  /** Name, local name, code and local code in lower case, one a line: what searches match. */
  readonly search: string;
  /** The whole matter, JSON. */
  readonly body: string;
}

/** The rows of a catalog's matters. */
export function catalogRows(matters: readonly Matter[]): CatalogRow[] {
  return matters.map((m, position) => ({
    position,
    code: m.code,
    localCode: m.localCode,
    modes: `,${m.modes.join(",")},`,
    search: matterSearchText(m),
    body: JSON.stringify(m),
  }));
}

/** A LIKE pattern (escape `\`) matching rows whose text contains `needle`. */
export function likePattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
