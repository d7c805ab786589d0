/**
 * What changed between two versions of a region's catalog, matter by matter
 * (keyed by shared code, as partners see them): added, removed, and changed
 * materials, promised days, modes, names and local codes.
 */
import type { Matter, RegionCatalog } from "../domain/matter.js";

/** One matter whose terms changed. */
export interface ChangedMatter {
  readonly code: string;
  readonly name: string;
  /** Human-readable changes, e.g. "promisedDays 15 → 10". */
  readonly changes: readonly string[];
}

/** The difference between two catalogs. */
export interface CatalogDiff {
  readonly from: string;
  readonly to: string;
  readonly added: readonly Matter[];
  readonly removed: readonly Matter[];
  readonly changed: readonly ChangedMatter[];
}

function setDiff(label: string, before: readonly string[], after: readonly string[]): string[] {
  const a = new Set(before);
  const b = new Set(after);
  const plus = after.filter((x) => !a.has(x));
  const minus = before.filter((x) => !b.has(x));
  if (plus.length === 0 && minus.length === 0) return [];
  return [`${label} ${[...plus.map((x) => `+${x}`), ...minus.map((x) => `-${x}`)].join(" ")}`];
}

function matterChanges(a: Matter, b: Matter): string[] {
  const out: string[] = [];
  if (a.promisedDays !== b.promisedDays) out.push(`promisedDays ${a.promisedDays} → ${b.promisedDays}`);
  out.push(...setDiff("modes", a.modes, b.modes));
  const am = new Map(a.materials.map((m) => [m.materialCode, m]));
  const bm = new Map(b.materials.map((m) => [m.materialCode, m]));
  out.push(...setDiff("materials", [...am.keys()], [...bm.keys()]));
  for (const [code, m] of bm) {
    const was = am.get(code);
    if (was && was.required !== m.required)
      out.push(`material ${code} ${m.required ? "now required" : "no longer required"}`);
  }
  for (const k of ["localCode", "localName", "department"] as const)
    if (a[k] !== b[k]) out.push(`${k} ${a[k]} → ${b[k]}`);
  return out;
}

/** Compares `before` with `after`; pure. */
export function diffCatalogs(before: RegionCatalog, after: RegionCatalog): CatalogDiff {
  const added = after.matters.filter((m) => !before.byCode.has(m.code));
  const removed = before.matters.filter((m) => !after.byCode.has(m.code));
  const changed: ChangedMatter[] = [];
  for (const m of after.matters) {
    const was = before.byCode.get(m.code);
    if (!was) continue;
    const changes = matterChanges(was, m);
    if (changes.length > 0) changed.push({ code: m.code, name: m.name, changes });
  }
  return { from: before.version, to: after.version, added, removed, changed };
}

/** The diff as lines for a terminal: `+` added, `-` removed, `~` changed. */
export function formatDiff(region: string, d: CatalogDiff): string[] {
  const modes = (m: Matter) => m.modes.join(", ");
  return [
    `catalog ${region}: ${d.from} → ${d.to}`,
    ...d.added.map(
      (m) =>
        `+ ${m.code} ${m.name} (${m.localCode}): ${m.promisedDays} working days; ${modes(m)}; materials ${m.materials.map((x) => x.materialCode).join(", ")}`,
    ),
    ...d.removed.map((m) => `- ${m.code} ${m.name} (${m.localCode})`),
    ...d.changed.map((c) => `~ ${c.code} ${c.name}: ${c.changes.join("; ")}`),
    `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`,
  ];
}
