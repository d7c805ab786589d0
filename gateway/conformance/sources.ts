/**
 * What the conformance kit reads for one region, with line numbers kept:
 * the shared catalog, federation membership and agreements from config/, and
 * the region's mapping.yaml. The region need not be a federation member yet.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import YAML from "yaml";
import type { z } from "zod";
import { FileProblems } from "../../adapters/sdk/problems.js";
import { parseYamlWithLines, validate } from "../../adapters/sdk/yaml-lines.js";
import { agreementsFile, federationFile, mappingFile, mattersFile } from "../config/schemas.js";
import { sharedCatalog } from "../config/shared-catalog.js";
import type { HandlingMode } from "../domain/case.js";
import type { CodeMapping, SharedCatalog } from "../ports/adapter.js";

/** An agreement that names the region, with the line of each matter. */
export interface RegionAgreement {
  readonly from: string;
  readonly to: string;
  readonly matters: ReadonlyArray<{
    readonly code: string;
    readonly modes: readonly HandlingMode[];
    readonly where: string;
  }>;
}

/** The region's mapping.yaml with the line of each entry. */
export interface MappingSource {
  readonly file: string;
  readonly mapping: CodeMapping;
  /** "adapters/…/mapping.yaml line N" of `matters.<local>` or `materials.<local>`. */
  where(section: "matters" | "materials", local: string): string;
}

/** Everything from config/ the kit needs. */
export interface RegionSources {
  readonly region: string;
  readonly name: string;
  readonly member: boolean;
  readonly shared: SharedCatalog;
  readonly agreements: readonly RegionAgreement[];
  readonly regionNames: ReadonlyMap<string, string>;
}

function readConfig<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const result = schema.safeParse(YAML.parse(readFileSync(file, "utf8")));
  if (!result.success)
    throw new Error(`${file}: ${result.error.issues[0]?.path.join(".")}: ${result.error.issues[0]?.message}`);
  return result.data;
}

/** Reads config/ for `region`; an unreadable config file throws naming it. */
export function readRegionSources(
  configDir: string,
  region: string,
  show: (p: string) => string,
): RegionSources {
  const matters = readConfig(join(configDir, "matters.yaml"), mattersFile);
  const fed = readConfig(join(configDir, "federation.yaml"), federationFile);
  const agreementsPath = join(configDir, "agreements.yaml");
  const text = readFileSync(agreementsPath, "utf8");
  const lines = parseYamlWithLines(text, show(agreementsPath));
  const agreements = readConfig(agreementsPath, agreementsFile);
  const me = fed.regions.find((r) => r.code === region);
  return {
    region,
    name: me?.name ?? "not yet in federation.yaml",
    member: me !== undefined,
    regionNames: new Map(fed.regions.map((r) => [r.code, r.name])),
    shared: sharedCatalog(matters),
    agreements: agreements.agreements
      .map((a, i) => ({
        from: a.from,
        to: a.to,
        matters: a.matters.map((m, j) => ({
          code: m.code,
          modes: m.modes,
          where: `${show(agreementsPath)} line ${lines.lineOf(["agreements", i, "matters", j])}`,
        })),
      }))
      .filter((a) => a.from === region || a.to === region),
  };
}

/**
 * Reads mapping.yaml: schema problems throw FileProblems with lines; the
 * inverse tables keep the first local code of each shared code (collisions
 * are the mapping check's to report).
 */
export function readMapping(dir: string, show: (p: string) => string): MappingSource {
  const path = join(dir, "mapping.yaml");
  const file = show(path);
  if (!existsSync(path)) throw new FileProblems([{ where: file, message: "mapping.yaml is missing" }]);
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

/** A path as the report shows it: relative to the working directory when inside it. */
export function displayPath(cwd: string): (p: string) => string {
  return (p) => {
    const r = relative(cwd, p);
    return r.startsWith("..") ? p : r;
  };
}
