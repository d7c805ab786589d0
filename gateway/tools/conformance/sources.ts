/**
 * What the conformance kit reads for one region, with line numbers kept:
 * the shared catalog, federation membership and agreements from config/
 * (through config's readers). The region need not be a federation member yet.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseYamlWithLines, validate } from "../../../adapters/sdk/yaml-lines.js";
import { mustReadYaml } from "../../config/read-yaml.js";
import { agreementsFile, federationFile, mattersFile } from "../../config/schemas.js";
import { sharedCatalog } from "../../config/shared-catalog.js";
import type { HandlingMode } from "../../domain/case.js";
import type { SharedCatalog } from "../../ports/adapter.js";

/** An agreement that names the region, with the line of each matter. */
export interface RegionAgreement {
  readonly from: string;
  readonly to: string;
  /** "config/agreements.yaml line N" of the agreement. */
  readonly where: string;
  readonly matters: ReadonlyArray<{
    readonly code: string;
    readonly modes: readonly HandlingMode[];
    readonly where: string;
  }>;
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

/** Reads config/ for `region`; an unreadable config file throws naming it. */
export function readRegionSources(
  configDir: string,
  region: string,
  show: (p: string) => string,
): RegionSources {
  const matters = mustReadYaml(join(configDir, "matters.yaml"), mattersFile);
  const fed = mustReadYaml(join(configDir, "federation.yaml"), federationFile);
  const agreementsPath = join(configDir, "agreements.yaml");
  const file = show(agreementsPath);
  const lines = parseYamlWithLines(readFileSync(agreementsPath, "utf8"), file);
  const agreements = validate(agreementsFile, lines.data, file, lines.lineOf);
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
        where: `${file} line ${lines.lineOf(["agreements", i])}`,
        matters: a.matters.map((m, j) => ({
          code: m.code,
          modes: m.modes,
          where: `${file} line ${lines.lineOf(["agreements", i, "matters", j])}`,
        })),
      }))
      .filter((a) => a.from === region || a.to === region),
  };
}

/** A path as the report shows it: relative to the working directory when inside it. */
export function displayPath(cwd: string): (p: string) => string {
  return (p) => {
    const r = relative(cwd, p);
    return r.startsWith("..") ? p : r;
  };
}
