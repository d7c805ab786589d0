/**
 * A declarative catalog.json read without `JSON.parse`, when it is written
 * the way exports are: the documented keys in the documented order, no
 * escapes in strings (whitespace between tokens is fine). Sticky regular
 * expressions pick out each matter's fields and hand them to the
 * {@link LocalMatter} consumer as they go, so none of the half-million
 * objects a parse would make exists, only the strings that are kept (as
 * copies: see detach.ts); this reads a large export several times faster
 * than `JSON.parse` does.
 *
 * Whatever this accepts, `JSON.parse` reads the same; anything else (another
 * key order, an escape, a number written `1e1`, a trailing comma) makes it
 * give up, and the caller parses the text as JSON and reports what is wrong.
 */
import { type LocalMatter, MatterCursor } from "./catalog.js";
import { detached } from "./detach.js";
import { MODE_LABELS } from "./labels.js";

/** JSON whitespace (not `\s`, which takes U+3000 and friends too). */
const W = "[ \\t\\n\\r]*";
/** A JSON string without escapes or control characters, captured. */
const STR = '"([^"\\\\\\u0000-\\u001f]*)"';
/** A JSON number that is a non-negative integer, captured. */
const INT = "(0|[1-9][0-9]*)";
const key = (name: string, w = W) => `"${name}"${w}:${w}`;

const HEAD = new RegExp(
  `^${W}\\{${W}${key("version")}${STR}${W},${W}${key("region")}${STR}${W},${W}${key("matters")}\\[${W}`,
  "y",
);
/**
 * One matter with whitespace `w` between tokens, up to its materials list;
 * the list ends at the first `]`, which a name holding one would cut short:
 * the materials reader then fails.
 */
const matter = (w: string) =>
  new RegExp(
    `\\{${w}${key("localCode", w)}${STR}${w},${w}${key("name", w)}${STR}${w},${w}${key("department", w)}${STR}${w},${w}` +
      `${key("promisedDays", w)}${INT}${w},${w}${key("modes", w)}\\[([^\\]]*)\\]${w},${w}${key("materials", w)}\\[([^\\]]*)\\]${w}\\}${w}(,?)${w}`,
    "y",
  );
/** A matter written without whitespace, as most exports are: tried first, as it is quicker to match. */
const TIGHT_MATTER = matter("");
/** Any other matter (from where the one before ended: the tight one leaves the whitespace after its comma). */
const MATTER = new RegExp(`${W}${matter(W).source}`, "y");
const MATERIAL = new RegExp(
  `${W}\\{${W}${key("localCode")}${STR}${W},${W}${key("name")}${STR}${W},${W}${key("required")}(true|false)${W}\\}${W}(,?)`,
  "y",
);
const MODE = new RegExp(`${W}${STR}${W}(,?)`, "y");
const TAIL = new RegExp(`\\]${W}\\}${W}$`, "y");

/** Header of a compact catalog, and where its matters begin. */
export interface CompactHead {
  readonly version: string;
  readonly region: string;
  readonly end: number;
}

/** A material as the catalog lists it. */
type LocalMaterial = LocalMatter["materials"][number];

/** 办理方式 labels, each mapped to the label table's own string. */
const LABELS: ReadonlyMap<string, string> = new Map(Object.keys(MODE_LABELS).map((l) => [l, l]));

/** What the declarative schema's text fields take unchanged: a string, not empty, nothing to trim. */
export function isText(s: unknown): s is string {
  return typeof s === "string" && s !== "" && s.trim() === s;
}

/**
 * The matter being read, moved along the catalog. Its lists are read once
 * per distinct source text: a catalog spells a few mode lists and, mostly,
 * a few hundred materials lists, over and over.
 */
class Cursor extends MatterCursor {
  materialsKey = "";
  private readonly modeLists = new Map<string, readonly string[] | null>();
  private readonly departments = new Map<string, string>();
  /** With the text they were read from: the very string is the builder's key, so its lookups compare no text. */
  private readonly materialLists = new Map<
    string,
    { readonly list: readonly LocalMaterial[]; readonly text: string } | null
  >();
  /** Takes a department name (one copy of each). */
  readDepartment(text: string): void {
    let name = this.departments.get(text);
    if (name === undefined) {
      name = detached(text);
      this.departments.set(name, name);
    }
    this.department = name;
  }
  /** Takes the modes list's inside; false unless it is one or more known labels. */
  readModes(text: string): boolean {
    let list = this.modeLists.get(text);
    if (list === undefined) {
      list = parseModes(text);
      this.modeLists.set(text, list);
    }
    if (list === null) return false;
    this.modeLabels = list;
    return true;
  }
  /** Takes the materials list's inside; false unless it is exactly a list of material objects. */
  readMaterials(text: string): boolean {
    let known = this.materialLists.get(text);
    if (known === undefined) {
      const list = parseMaterials(text);
      known = list && { list, text };
      this.materialLists.set(text, known);
    }
    if (known === null) return false;
    this.materials = known.list;
    this.materialsKey = known.text;
    return true;
  }
}

/** A JSON list's inside as known 办理方式 labels; null if it is anything else or empty. */
function parseModes(text: string): readonly string[] | null {
  const list: string[] = [];
  MODE.lastIndex = 0;
  for (;;) {
    const m = MODE.exec(text);
    const label = m ? LABELS.get(m[1] as string) : undefined;
    if (!m || label === undefined) return null;
    list.push(label);
    if (m[2] === "") return MODE.lastIndex === text.length ? list : null;
  }
}

/** A JSON list's inside as materials, each with the strings the schema takes as they are; null if not. */
function parseMaterials(text: string): readonly LocalMaterial[] | null {
  const list: LocalMaterial[] = [];
  if (/^[ \t\n\r]*$/.test(text)) return list;
  MATERIAL.lastIndex = 0;
  for (;;) {
    const m = MATERIAL.exec(text);
    if (!m) return null;
    const localCode = m[1] as string;
    const name = m[2] as string;
    if (!isText(localCode) || !isText(name)) return null;
    list.push({ localCode: detached(localCode), name: detached(name), required: m[3] === "true" });
    if (m[4] === "") return MATERIAL.lastIndex === text.length ? list : null;
  }
}

/** The header of a compact catalog (its version a string the schema takes), or undefined. */
export function compactHead(text: string): CompactHead | undefined {
  HEAD.lastIndex = 0;
  const head = HEAD.exec(text);
  if (!head || !isText(head[1]) || !/^\d{6}$/.test(head[2] as string)) return undefined;
  return { version: detached(head[1]), region: head[2] as string, end: HEAD.lastIndex };
}

/**
 * Reads the matters of a compact catalog from `head.end`, calling `add` with
 * each (one {@link LocalMatter} object, moved along; `add` returns false to
 * stop). True if the rest of the text was read and every matter passed what
 * the schema checks; false as soon as anything is not so (the caller then
 * goes the JSON.parse way).
 */
export function scanCompactMatters(
  text: string,
  head: CompactHead,
  at: (i: number) => string,
  add: (m: LocalMatter) => boolean,
): boolean {
  const r = new Cursor(at);
  let pos = head.end;
  let more = text.charCodeAt(pos) !== 0x5d; // "]": no matters at all
  while (more) {
    TIGHT_MATTER.lastIndex = pos;
    let m = TIGHT_MATTER.exec(text);
    // Taken if what follows is no whitespace: the next matter, or the list's end.
    if (m && (m[7] === "," || text.charCodeAt(TIGHT_MATTER.lastIndex) === 0x5d)) pos = TIGHT_MATTER.lastIndex;
    else {
      MATTER.lastIndex = pos;
      m = MATTER.exec(text);
      if (!m) return false;
      pos = MATTER.lastIndex;
    }
    more = m[7] === ",";
    const days = Number(m[4]);
    const localCode = m[1] as string;
    const name = m[2] as string;
    const department = m[3] as string;
    if (!isText(localCode) || !isText(name) || !isText(department)) return false;
    if (days < 1 || !Number.isSafeInteger(days)) return false;
    r.localCode = detached(localCode);
    r.name = detached(name);
    r.readDepartment(department);
    r.promisedDays = days;
    if (!r.readModes(m[5] as string) || !r.readMaterials(m[6] as string)) return false;
    if (!add(r)) return false;
    r.index++;
  }
  TAIL.lastIndex = pos;
  return TAIL.test(text);
}
