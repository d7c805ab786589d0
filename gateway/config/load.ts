/**
 * Loads and validates config/ and the region adapters at start. Every problem
 * is reported with its file and key, all at once; the result is frozen.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import jsyaml from "js-yaml";
import YAML from "yaml";
import type { z } from "zod";
import { DECLARATIVE_CATALOG_FILES, declarativeAdapter } from "../../adapters/sdk/declarative.js";
import type { HolidayRules } from "../domain/calendar.js";
import type { HandlingMode } from "../domain/case.js";
import type { Agreement, Federation, RegionCatalog, RegionInfo } from "../domain/matter.js";
import { ADAPTER_CODE_DIR } from "../paths.js";
import type {
  CatalogContext,
  CodeMapping,
  RegionAdapter,
  SharedCatalog,
  SharedMatter,
} from "../ports/adapter.js";
import { agreementsFile, federationFile, holidaysFile, mappingFile, mattersFile } from "./schemas.js";

/** A configuration problem, naming every file and key at fault. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
}

/** A hosted region's listening address. */
export interface RegionListen {
  readonly host: string;
  readonly port: number;
}

/** How gateways talk gRPC to each other (federation.yaml, `grpc`). */
export interface GrpcSettings {
  /** "plaintext" is for local development only. */
  readonly security: "mtls" | "plaintext";
  /** Directory of the CA and region certificates, relative to the data directory. */
  readonly keys: string;
  /** Create a development CA when none exists. */
  readonly generateDevKeys: boolean;
}

/** Everything loaded from config/ and adapters/. */
export interface LoadedConfig {
  readonly name: string;
  readonly federation: Federation;
  readonly holidays: HolidayRules;
  /** REST address of each region. */
  readonly listen: ReadonlyMap<string, RegionListen>;
  /** gRPC address of each region. */
  readonly grpcListen: ReadonlyMap<string, RegionListen>;
  readonly grpc: GrpcSettings;
  readonly adapters: ReadonlyMap<string, { adapter: RegionAdapter; ctx: CatalogContext }>;
  /** Regions whose city system is configured (federation.yaml `citySystem`). */
  readonly citySystems: ReadonlyMap<string, CitySystemConfig>;
  /** Seconds between checks of each partner's catalog version. */
  readonly catalogPollSeconds: number;
}

/** A region's city-system setting (federation.yaml, region `citySystem`). */
export interface CitySystemConfig {
  readonly url: string;
  readonly timeoutMs: number;
  readonly pollSeconds: number;
}

/** Reads and validates one YAML file, adding each problem (file: key: issue) to `problems`. */
export function readYaml<S extends z.ZodType>(
  file: string,
  schema: S,
  problems: string[],
  parse: (text: string) => unknown = (text) => YAML.parse(text),
): z.output<S> | undefined {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (err) {
    problems.push(`${file}: ${(err as Error).message}`);
    return undefined;
  }
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join(".") || "(root)";
    const extra = issue.code === "unrecognized_keys" ? ` ${issue.keys.join(", ")}` : "";
    problems.push(`${file}: ${key}: ${issue.message}${extra}`);
  }
  return undefined;
}

/**
 * Parses the large data files (the shared catalog, region mappings) with
 * js-yaml: several times faster than \`yaml\` on tables of thousands of lines
 * (mappings in the plain form skip even that: see readPlainMapping). The core
 * schema keeps dates and the like as plain strings.
 */
const parseDataYaml = (text: string): unknown => jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });

/**
 * One line of a mapping.yaml table in its plain form: two spaces, a local code
 * (double-quoted without escapes, or a plain word), a colon, a shared code and
 * perhaps a comment. Plain words start with a letter and are not null or a
 * boolean, so YAML reads every one of them as the very same string.
 */
const MAPPING_LINE =
  /^ {2}(?:"([ !#-[\]-~\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*)"|([A-Za-z][\w./-]*)): +([A-Za-z][\w./-]*)(?: +#[\t -~\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*)? *$/;
const NOT_A_STRING = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
const BLANK_OR_COMMENT = /^ *(?:#[\t -~\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*)?$/;

/**
 * Reads a mapping.yaml written the plain way (`matters:` and `materials:`,
 * each a table of `  "local": SHARED` lines, comments and blank lines aside)
 * straight into its maps: some ten times faster than a YAML parser and then
 * the schema, on the 10,000-line tables of a large region. Returns undefined
 * for anything else (other keys, flow style, escapes, duplicate keys, numeric
 * keys), which is left to the YAML parser and the schema to read or to
 * report; so whatever this accepts, they read the same.
 */
export function readPlainMapping(
  text: string,
): { matters: Map<string, string>; materials: Map<string, string> } | undefined {
  const tables: { matters?: Map<string, string>; materials?: Map<string, string> } = {};
  let table: Map<string, string> | undefined;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "matters:" || line === "materials:") {
      const key = line === "matters:" ? "matters" : "materials";
      if (tables[key] || (table && table.size === 0)) return undefined;
      table = new Map();
      tables[key] = table;
      continue;
    }
    const entry = MAPPING_LINE.exec(line);
    if (!entry) {
      if (BLANK_OR_COMMENT.test(line)) continue;
      return undefined;
    }
    const local = entry[1] ?? (entry[2] as string);
    const shared = entry[3] as string;
    if (!table || table.has(local) || NOT_A_STRING.test(shared)) return undefined;
    // A plain key that YAML reads otherwise, or a key that is an array index (objects list those first).
    if (entry[2] !== undefined ? NOT_A_STRING.test(local) : /^\d+$/.test(local)) return undefined;
    table.set(local, shared);
  }
  if (!tables.matters?.size || !tables.materials?.size) return undefined;
  return { matters: tables.matters, materials: tables.materials };
}

/** Handling modes as the domain spells them (string literals: one string each, however often read). */
const MODES: readonly HandlingMode[] = ["FULL_ONLINE", "REMOTE_INTAKE", "MULTI_REGION"];

/**
 * The shared matters by code, with what they repeat (mode lists, material
 * entries and their codes) made once and shared: every region's catalog reads
 * them for each of its matters, half a million times for 50 regions × 10,000
 * matters, and a few objects stay in the CPU cache where 10,000 copies do not.
 */
function sharedMatters(
  list: readonly SharedMatter[],
  materials: ReadonlyArray<{ readonly code: string }>,
): Map<string, SharedMatter> {
  const codes = new Map(materials.map((m) => [m.code, m.code]));
  const modeLists = new Map<string, SharedMatter["modes"]>();
  const entries = new Map<string, SharedMatter["materials"][number]>();
  const entryLists = new Map<string, SharedMatter["materials"]>();
  const out = new Map<string, SharedMatter>();
  for (const m of list) {
    const modesKey = m.modes.join(" ");
    let modes = modeLists.get(modesKey);
    if (!modes) {
      modes = m.modes.map((mode) => MODES.find((x) => x === mode) ?? mode);
      modeLists.set(modesKey, modes);
    }
    const listKey = m.materials.map((x) => `${x.code} ${x.required}`).join(" ");
    let entryList = entryLists.get(listKey);
    if (!entryList) {
      entryList = m.materials.map((x) => {
        const key = `${x.code} ${x.required}`;
        let entry = entries.get(key);
        if (!entry) {
          entry = { code: codes.get(x.code) ?? x.code, required: x.required };
          entries.set(key, entry);
        }
        return entry;
      });
      entryLists.set(listKey, entryList);
    }
    out.set(m.code, { ...m, modes, materials: entryList });
  }
  return out;
}

/** Reads a region's mapping.yaml: the plain form directly, anything else through YAML and the schema. */
function readMapping(
  file: string,
  problems: string[],
): { matters: Map<string, string>; materials: Map<string, string> } | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    problems.push(`${file}: ${(err as Error).message}`);
    return undefined;
  }
  const plain = readPlainMapping(text);
  if (plain) return plain;
  const doc = readYaml(file, mappingFile, problems, parseDataYaml);
  return (
    doc && {
      matters: new Map(Object.entries(doc.matters)),
      materials: new Map(Object.entries(doc.materials)),
    }
  );
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

/** Loads the federation from `configDir` and the adapters from `adaptersDir`. */
export async function loadConfig(configDir: string, adaptersDir: string): Promise<LoadedConfig> {
  const problems: string[] = [];
  const fedFile = join(configDir, "federation.yaml");
  const fed = readYaml(fedFile, federationFile, problems);
  const matters = readYaml(join(configDir, "matters.yaml"), mattersFile, problems, parseDataYaml);
  const agreementsPath = join(configDir, "agreements.yaml");
  const agreements = readYaml(agreementsPath, agreementsFile, problems);
  const holidays = readYaml(join(configDir, "holidays.yaml"), holidaysFile, problems);
  if (!fed || !matters || !agreements || !holidays) throw new ConfigError(problems);

  const shared: SharedCatalog = {
    version: matters.version,
    materials: new Map(matters.materials.map((m) => [m.code, m.name])),
    matters: sharedMatters(matters.matters, matters.materials),
  };
  for (const [i, m] of matters.matters.entries()) {
    for (const [j, x] of m.materials.entries()) {
      if (!shared.materials.has(x.code)) {
        problems.push(
          `${join(configDir, "matters.yaml")}: matters.${i}.materials.${j}.code: unknown material ${x.code}`,
        );
      }
    }
  }

  const regions = new Map<string, RegionInfo>();
  const listen = new Map<string, RegionListen>();
  const grpcListen = new Map<string, RegionListen>();
  const citySystems = new Map<string, CitySystemConfig>();
  const catalogs = new Map<string, RegionCatalog>();
  const adapters = new Map<string, { adapter: RegionAdapter; ctx: CatalogContext }>();
  for (const [i, r] of fed.regions.entries()) {
    if (regions.has(r.code)) problems.push(`${fedFile}: regions.${i}.code: ${r.code} is listed twice`);
    regions.set(r.code, { code: r.code, name: r.name });
    listen.set(r.code, r.http);
    grpcListen.set(r.code, r.grpc);
    if (r.citySystem) citySystems.set(r.code, r.citySystem);
    const dir = join(adaptersDir, r.code);
    const mappingPath = join(dir, "mapping.yaml");
    const tables = readMapping(mappingPath, problems);
    if (!tables) continue;
    const { matters: mattersMap, materials: materialsMap } = tables;
    const mapping: CodeMapping = {
      matters: mattersMap,
      materials: materialsMap,
      localMatters: invert(mattersMap, mappingPath, "matters", problems),
      localMaterials: invert(materialsMap, mappingPath, "materials", problems),
    };
    try {
      const adapter = await resolveAdapter(adaptersDir, r.code);
      const ctx = { shared, mapping };
      catalogs.set(r.code, adapter.parseCatalog(readFileSync(join(dir, adapter.catalogFile)), ctx));
      adapters.set(r.code, { adapter, ctx });
      if (r.citySystem && !adapter.connectCitySystem)
        problems.push(`${fedFile}: regions.${i}.citySystem: the adapter of ${r.code} reaches no city system`);
    } catch (err) {
      problems.push(`${dir}: ${(err as Error).message}`);
    }
  }

  const agreementMap = new Map<string, Agreement>();
  agreements.agreements.forEach((a, i) => {
    const at = `${agreementsPath}: agreements.${i}`;
    if (!regions.has(a.from)) problems.push(`${at}.from: ${a.from} is not a federation member`);
    if (!regions.has(a.to)) problems.push(`${at}.to: ${a.to} is not a federation member`);
    const agreed = new Map<string, ReadonlySet<HandlingMode>>();
    a.matters.forEach((m, j) => {
      const offered = catalogs.get(a.to)?.byCode.get(m.code);
      if (!offered) problems.push(`${at}.matters.${j}.code: ${a.to} does not implement ${m.code}`);
      for (const mode of m.modes) {
        if (offered && !offered.modes.includes(mode)) {
          problems.push(`${at}.matters.${j}.modes: ${a.to} does not offer ${m.code} as ${mode}`);
        }
      }
      agreed.set(m.code, new Set(m.modes));
    });
    agreementMap.set(`${a.from}>${a.to}`, { from: a.from, to: a.to, matters: agreed });
  });

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    name: fed.name,
    federation: { regions, catalogs, agreements: agreementMap },
    holidays: {
      holidays: holidays.holidays.map((h) => h.date),
      workdays: holidays.workdays.map((w) => w.date),
    },
    listen,
    grpcListen,
    grpc: fed.grpc,
    adapters,
    citySystems,
    catalogPollSeconds: fed.catalogSync.pollSeconds,
  });
}
