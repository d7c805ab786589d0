/**
 * One region's part of the configuration: its mapping.yaml, its adapter and
 * the catalog that adapter reads.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DECLARATIVE_CATALOG_FILES, declarativeAdapter } from "../../adapters/sdk/declarative.js";
import { detached } from "../../adapters/sdk/detach.js";
import { type SharedColumns, sharedColumns } from "../../adapters/sdk/shared-columns.js";
import type { RegionCatalog } from "../domain/matter.js";
import { ADAPTER_CODE_DIR } from "../paths.js";
import type { CodeMapping, RegionAdapter, SharedCatalog } from "../ports/adapter.js";
import { MatterCodes } from "./matter-codes.js";
import { parseDataYaml, readYaml } from "./read-yaml.js";
import { mappingFile } from "./schemas.js";

/**
 * One line of a mapping.yaml table in its plain form: two spaces, a local code
 * (double-quoted without escapes, or a plain word), a colon, a shared code and
 * perhaps a comment. Plain words start with a letter and are not null or a
 * boolean, so YAML reads every one of them as the very same string. Matched
 * where the line starts, through its end.
 */
const TABLE_LINE =
  / {2}(?:"([ !#-[\]-~\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*)"|([A-Za-z][\w./-]*)): +([A-Za-z][\w./-]*)(?: +#[\t -~\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*)? *\r?(?:\n|$)/y;
const NOT_A_STRING = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
const BLANK_OR_COMMENT = /^ *(?:#[\t -~\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*)?$/;

/** A plain word YAML may read as null or a boolean (the first letter tells most words apart without a match). */
function mayNotBeString(word: string): boolean {
  const c = word.charCodeAt(0) | 0x20; // lower case
  return (c === 0x6e || c === 0x74 || c === 0x66) && NOT_A_STRING.test(word); // n, t, f
}

/** A key that is an array index, which objects list first: digits only. */
function isIndex(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return key.length > 0;
}

/** Whether character `c` may be in a plain word (`[\w./-]`). */
function isWordChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x2d && c <= 0x39) || c === 0x5f // a-z A-Z -./0-9 _
  );
}

/**
 * Reads a mapping.yaml written the plain way (`matters:` and `materials:`,
 * each a table of `  "local": SHARED` lines, comments and blank lines aside)
 * straight into its maps: some ten times faster than a YAML parser and then
 * the schema, on the 10,000-line tables of a large region. Returns undefined
 * for anything else (other keys, flow style, escapes, duplicate keys, numeric
 * keys), which is left to the YAML parser and the schema to read or to
 * report; so whatever this accepts, they read the same.
 *
 * `shared` is the shared catalog's columns: the table keeps the number of
 * the matter a code names in place of the code (see matter-codes.ts).
 */
export function readPlainMapping(
  text: string,
  shared: SharedColumns,
): { matters: MatterCodes; materials: Map<string, string> } | undefined {
  const tables: { matters?: MatterCodes; materials?: Map<string, string> } = {};
  let table: MatterCodes | Map<string, string> | undefined;
  let pos = 0;
  while (pos < text.length) {
    TABLE_LINE.lastIndex = pos;
    // A test, not an exec: the line's two codes are cut from the text by hand, and no match object is made.
    if (TABLE_LINE.test(text)) {
      const quoted = text.charCodeAt(pos + 2) === 0x22;
      const localEnd = text.indexOf(quoted ? '"' : ":", pos + 3);
      const local = detached(text.slice(quoted ? pos + 3 : pos + 2, localEnd));
      let codeStart = localEnd + (quoted ? 2 : 1);
      while (text.charCodeAt(codeStart) === 0x20) codeStart++;
      let codeEnd = codeStart + 1;
      while (isWordChar(text.charCodeAt(codeEnd))) codeEnd++;
      const code = text.slice(codeStart, codeEnd);
      pos = TABLE_LINE.lastIndex;
      // YAML sets an object's prototype for this key rather than keeping an entry.
      if (!table || mayNotBeString(code) || local === "__proto__") return undefined;
      // A plain key that YAML reads otherwise, or a key that is an array index (objects list those first).
      if (quoted ? isIndex(local) : mayNotBeString(local)) return undefined;
      let added: boolean;
      if (table instanceof MatterCodes) added = table.add(local, detached(code));
      else {
        const size = table.size;
        table.set(local, detached(code));
        added = table.size > size;
      }
      if (!added) return undefined; // listed twice
      continue;
    }
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "matters:" || line === "materials:") {
      const key = line === "matters:" ? "matters" : "materials";
      if (tables[key] || (table && table.size === 0)) return undefined;
      if (key === "matters") table = tables.matters = new MatterCodes(shared);
      else table = tables.materials = new Map();
      continue;
    }
    if (!BLANK_OR_COMMENT.test(line)) return undefined;
  }
  if (!tables.matters?.size || !tables.materials?.size) return undefined;
  return { matters: tables.matters, materials: tables.materials };
}

/** Reads a region's mapping.yaml: the plain form directly, anything else through YAML and the schema. */
function readMapping(
  file: string,
  shared: SharedCatalog,
  problems: string[],
): { matters: MatterCodes; materials: Map<string, string> } | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    problems.push(`${file}: ${(err as Error).message}`);
    return undefined;
  }
  const plain = readPlainMapping(text, sharedColumns(shared));
  if (plain) return plain;
  const doc = readYaml(file, mappingFile, problems, parseDataYaml);
  if (!doc) return undefined;
  const matters = new MatterCodes(sharedColumns(shared));
  for (const [local, code] of Object.entries(doc.matters)) matters.add(local, code);
  return { matters, materials: new Map(Object.entries(doc.materials)) };
}

function invert(
  map: ReadonlyMap<string, string>,
  file: string,
  what: string,
  problems: string[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [local, shared] of map) {
    const other = out.get(shared);
    if (other !== undefined)
      problems.push(`${file}: ${what}.${local}: ${shared} is already mapped from ${other}`);
    out.set(shared, local);
  }
  return out;
}

/**
 * A region's adapter: its module (compiled JavaScript if present, else its
 * TypeScript source through tsx), or, without one, the declarative adapter
 * over its catalog.yaml / catalog.json.
 */
export async function resolveAdapter(adaptersDir: string, code: string): Promise<RegionAdapter> {
  const candidates = [
    join(adaptersDir, code, "adapter.js"),
    join(ADAPTER_CODE_DIR, code, "adapter.js"),
    join(adaptersDir, code, "adapter.ts"),
    join(ADAPTER_CODE_DIR, code, "adapter.ts"),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (found) return ((await import(pathToFileURL(found).href)) as { default: RegionAdapter }).default;
  const catalog = DECLARATIVE_CATALOG_FILES.find((f) => existsSync(join(adaptersDir, code, f)));
  if (catalog) return declarativeAdapter(code, catalog);
  throw new Error(
    `region ${code} has neither adapter.ts nor catalog.yaml: run \`npm run xr -- adapter scaffold ${code}\``,
  );
}

/** A region's adapter, mapping and catalog, read. */
export interface LoadedRegion {
  readonly adapter: RegionAdapter;
  readonly mapping: CodeMapping;
  readonly catalog: RegionCatalog;
}

/**
 * Reads region `code`'s mapping.yaml and, with its adapter, its catalog;
 * adds each problem to `problems`. Undefined when either cannot be read.
 */
export async function loadRegion(
  adaptersDir: string,
  code: string,
  shared: SharedCatalog,
  problems: string[],
): Promise<LoadedRegion | undefined> {
  const dir = join(adaptersDir, code);
  const mappingPath = join(dir, "mapping.yaml");
  const tables = readMapping(mappingPath, shared, problems);
  if (!tables) return undefined;
  const { matters } = tables;
  for (const c of matters.collisions())
    problems.push(`${mappingPath}: matters.${c.local}: ${c.shared} is already mapped from ${c.other}`);
  const mapping: CodeMapping = {
    matters,
    materials: tables.materials,
    localMatters: matters.inverse(),
    localMaterials: invert(tables.materials, mappingPath, "materials", problems),
    sharedNumberOf: (local) => matters.sharedNumber(local),
  };
  try {
    const adapter = await resolveAdapter(adaptersDir, code);
    const catalog = adapter.parseCatalog(readFileSync(join(dir, adapter.catalogFile)), { shared, mapping });
    return { adapter, mapping, catalog };
  } catch (err) {
    problems.push(`${dir}: ${(err as Error).message}`);
    return undefined;
  }
}
