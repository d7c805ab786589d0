/** What the SQLite and PostgreSQL catalog stores write for each matter, and how they match substrings. */
import type { Matter } from "../domain/matter.js";

/** Characters a substring needs before the trigram indexes can find it (shorter ones are scanned for). */
export const TRIGRAM = 3;

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
    search: `${m.name}\n${m.localName}\n${m.code}\n${m.localCode}`.toLowerCase(),
    body: JSON.stringify(m),
  }));
}

/** A LIKE pattern (escape `\`) matching rows whose text contains `needle`. */
export function likePattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
