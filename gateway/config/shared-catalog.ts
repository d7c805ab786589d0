/**
 * The federation's shared catalog (config/matters.yaml, validated) as
 * adapters see it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import type { SharedCatalog } from "../ports/adapter.js";
import type { mattersFile } from "./schemas.js";

/** The shared catalog of a validated matters.yaml. */
export function sharedCatalog(doc: z.output<typeof mattersFile>): SharedCatalog {
  return {
    version: doc.version,
    materials: new Map(doc.materials.map((m) => [m.code, m.name])),
    matters: new Map(doc.matters.map((m) => [m.code, m])),
  };
}

/**
 * The shared catalog's file in `configDir`: matters.yaml, or matters.json for
 * a large generated one (a federation's whole catalog of thousands of matters
 * parses in milliseconds as JSON and in seconds as YAML).
 */
export function sharedCatalogFile(configDir: string): string {
  const json = join(configDir, "matters.json");
  return existsSync(json) ? json : join(configDir, "matters.yaml");
}
