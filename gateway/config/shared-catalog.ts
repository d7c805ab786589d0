/**
 * The federation's shared catalog (config/matters.yaml, validated) as
 * adapters see it.
 */
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
