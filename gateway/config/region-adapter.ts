/**
 * One region's part of the configuration: its mapping.yaml, its adapter and
 * the catalog that adapter reads.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DECLARATIVE_CATALOG_FILES, declarativeAdapter } from "../../adapters/sdk/declarative.js";
import { AdapterError } from "../../adapters/sdk/errors.js";
import { parseYamlWithLines, validate } from "../../adapters/sdk/yaml-lines.js";
import type { RegionCatalog } from "../domain/matter.js";
import { ADAPTER_CODE_DIR } from "../paths.js";
import type { CodeMapping, RegionAdapter, SharedCatalog } from "../ports/adapter.js";
import { mappingFile } from "./schemas.js";

/** A region's mapping.yaml, read, with the line of each entry. */
export interface MappingSource {
  /** The file as problems name it. */
  readonly file: string;
  readonly mapping: CodeMapping;
  /** "…/mapping.yaml line N" of `matters.<local>` or `materials.<local>`. */
  where(section: "matters" | "materials", local: string): string;
}

/**
 * Reads the mapping.yaml at `path` (named `file` in problems); a missing
 * file, bad YAML or a schema problem throws an {@link AdapterError} naming
 * the line. The inverse tables keep the first local code of each shared
 * code (a gateway refuses a mapping with collisions: see {@link loadRegion}).
 */
export function readMapping(path: string, file = path): MappingSource {
  if (!existsSync(path)) throw AdapterError.at("FILE_UNREADABLE", file, "mapping.yaml is missing");
  const parsed = parseYamlWithLines(readFileSync(path, "utf8"), file);
  const data = validate(mappingFile, parsed.data ?? {}, file, parsed.lineOf);
  const matters = new Map(Object.entries(data.matters));
  const materials = new Map(Object.entries(data.materials));
  const invert = (m: Map<string, string>) => {
    const out = new Map<string, string>();
    for (const [local, shared] of m) if (!out.has(shared)) out.set(shared, local);
    return out;
  };
  return {
    file,
    mapping: { matters, materials, localMatters: invert(matters), localMaterials: invert(materials) },
    where: (section, local) => `${file} line ${parsed.lineOf([section, local])}`,
  };
}

/** A region's adapter module: compiled JavaScript if present, else its TypeScript source (run through tsx). */
export function adapterModule(adaptersDir: string, code: string): string | undefined {
  return ["adapter.js", "adapter.ts"]
    .flatMap((f) => [join(adaptersDir, code, f), join(ADAPTER_CODE_DIR, code, f)])
    .find((c) => existsSync(c));
}

/**
 * A region's adapter: its {@link adapterModule}, or, without one, the
 * declarative adapter over its catalog.yaml / catalog.json.
 */
export async function resolveAdapter(adaptersDir: string, code: string): Promise<RegionAdapter> {
  const found = adapterModule(adaptersDir, code);
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
  let source: MappingSource;
  try {
    source = readMapping(join(dir, "mapping.yaml"));
  } catch (err) {
    problems.push((err as Error).message);
    return undefined;
  }
  const { file, mapping } = source;
  // A shared code mapped from a second local code: the inverse table keeps only the first.
  const before = problems.length;
  for (const section of ["matters", "materials"] as const) {
    const first = section === "matters" ? mapping.localMatters : mapping.localMaterials;
    for (const [local, shared] of mapping[section])
      if (first.get(shared) !== local)
        problems.push(`${file}: ${section}.${local}: ${shared} is already mapped from ${first.get(shared)}`);
  }
  if (problems.length > before) return undefined;
  try {
    const adapter = await resolveAdapter(adaptersDir, code);
    const catalog = adapter.parseCatalog(readFileSync(join(dir, adapter.catalogFile)), { shared, mapping });
    return { adapter, mapping, catalog };
  } catch (err) {
    problems.push(`${dir}: ${(err as Error).message}`);
    return undefined;
  }
}
