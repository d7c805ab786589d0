/**
 * The federation's shared catalog (config/matters.yaml, validated) as
 * adapters see it.
 */
import type { z } from "zod";
import type { HandlingMode } from "../domain/case.js";
import type { SharedCatalog, SharedMatter } from "../ports/adapter.js";
import type { mattersFile } from "./schemas.js";

/** Handling modes as the domain spells them (string literals: one string each, however often read). */
const MODES: readonly HandlingMode[] = ["FULL_ONLINE", "REMOTE_INTAKE", "MULTI_REGION"];

/**
 * The shared catalog of a validated matters.yaml. What matters repeat (mode
 * lists, material entries and their codes) is made once and shared: every
 * region's catalog reads them for each of its matters, half a million times
 * for 50 regions × 10,000 matters, and a few objects stay in the CPU cache
 * where 10,000 copies do not.
 */
export function sharedCatalog(doc: z.output<typeof mattersFile>): SharedCatalog {
  const codes = new Map(doc.materials.map((m) => [m.code, m.code]));
  const modeLists = new Map<string, SharedMatter["modes"]>();
  const entries = new Map<string, SharedMatter["materials"][number]>();
  const entryLists = new Map<string, SharedMatter["materials"]>();
  const matters = new Map<string, SharedMatter>();
  for (const m of doc.matters) {
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
    matters.set(m.code, { ...m, modes, materials: entryList });
  }
  return {
    version: doc.version,
    materials: new Map(doc.materials.map((m) => [m.code, m.name])),
    matters,
  };
}
