/**
 * Loads and validates config/ and the region adapters at start. Every problem
 * is reported with its file and key, all at once; the result is frozen.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import YAML from "yaml";
import type { z } from "zod";
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
}

function readYaml<S extends z.ZodType>(file: string, schema: S, problems: string[]): z.output<S> | undefined {
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(file, "utf8"));
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

/** Imports a region's adapter module: compiled JavaScript if present, else its TypeScript source (tsx). */
async function importAdapter(adaptersDir: string, code: string): Promise<unknown> {
  const candidates = [
    join(adaptersDir, code, "adapter.js"),
    join(ADAPTER_CODE_DIR, code, "adapter.js"),
    join(adaptersDir, code, "adapter.ts"),
    join(ADAPTER_CODE_DIR, code, "adapter.ts"),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`no adapter.ts or compiled adapter.js for region ${code}`);
  return import(pathToFileURL(found).href);
}

/** Loads the federation from `configDir` and the adapters from `adaptersDir`. */
export async function loadConfig(configDir: string, adaptersDir: string): Promise<LoadedConfig> {
  const problems: string[] = [];
  const fedFile = join(configDir, "federation.yaml");
  const fed = readYaml(fedFile, federationFile, problems);
  const matters = readYaml(join(configDir, "matters.yaml"), mattersFile, problems);
  const agreementsPath = join(configDir, "agreements.yaml");
  const agreements = readYaml(agreementsPath, agreementsFile, problems);
  const holidays = readYaml(join(configDir, "holidays.yaml"), holidaysFile, problems);
  if (!fed || !matters || !agreements || !holidays) throw new ConfigError(problems);

  const shared: SharedCatalog = {
    version: matters.version,
    materials: new Map(matters.materials.map((m) => [m.code, m.name])),
    matters: new Map(matters.matters.map((m): [string, SharedMatter] => [m.code, m])),
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
  const catalogs = new Map<string, RegionCatalog>();
  const adapters = new Map<string, { adapter: RegionAdapter; ctx: CatalogContext }>();
  for (const [i, r] of fed.regions.entries()) {
    if (regions.has(r.code)) problems.push(`${fedFile}: regions.${i}.code: ${r.code} is listed twice`);
    regions.set(r.code, { code: r.code, name: r.name });
    listen.set(r.code, r.http);
    grpcListen.set(r.code, r.grpc);
    const dir = join(adaptersDir, r.code);
    const mappingPath = join(dir, "mapping.yaml");
    const raw = readYaml(mappingPath, mappingFile, problems);
    if (!raw) continue;
    const mattersMap = new Map(Object.entries(raw.matters));
    const materialsMap = new Map(Object.entries(raw.materials));
    const mapping: CodeMapping = {
      matters: mattersMap,
      materials: materialsMap,
      localMatters: invert(mattersMap, mappingPath, "matters", problems),
      localMaterials: invert(materialsMap, mappingPath, "materials", problems),
    };
    try {
      const mod = (await importAdapter(adaptersDir, r.code)) as { default: RegionAdapter };
      const adapter = mod.default;
      const ctx = { shared, mapping };
      catalogs.set(r.code, adapter.parseCatalog(readFileSync(join(dir, adapter.catalogFile)), ctx));
      adapters.set(r.code, { adapter, ctx });
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
  });
}
