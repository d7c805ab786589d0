/**
 * A declarative catalog.json read without `JSON.parse`, when it is written
 * the way exports are: the documented keys in the documented order, no
 * escapes in strings (whitespace between tokens is fine). Sticky regular
 * expressions pick out each matter's fields and hand them to the consumer as
 * they go, so none of the half-million objects a parse would make exists.
 *
 * The expressions read the file's bytes, not its decoded text: the bytes as a
 * string of one character per byte (latin1), which costs a copy where
 * decoding UTF-8 into a two-byte string costs far more, and whose offsets are
 * byte offsets. A name or department is then only a place in the bytes,
 * decoded when a matter is first asked for (see columnar-catalog.ts). UTF-8
 * never puts a byte below 0x80 inside a multi-byte character, so the JSON
 * punctuation the expressions look for means the same in either reading.
 *
 * Whatever this accepts, `JSON.parse` reads the same; anything else (another
 * key order, an escape, a number written `1e1`, a trailing comma, bytes that
 * are not UTF-8) makes it give up, and the caller parses the text as JSON
 * and reports what is wrong.
 */
import { isUtf8 } from "node:buffer";
import type { MatterMaterial } from "../../gateway/domain/matter.js";
import type { SharedMatter } from "../../gateway/ports/adapter.js";
import type { LocalMatter } from "./catalog.js";
import { modeLabelBit } from "./catalog.js";
import { MODE_LABELS } from "./labels.js";

/** JSON whitespace (not `\s`, which takes U+3000 and friends too). */
const W = "[ \\t\\n\\r]*";
/** A JSON string without escapes or control characters, captured. */
const STR = '"([^"\\\\\\u0000-\\u001f]*)"';
const key = (name: string, w = W) => `"${name}"${w}:${w}`;

const HEAD = new RegExp(
  `^${W}\\{${W}${key("version")}${STR}${W},${W}${key("region")}${STR}${W},${W}${key("matters")}\\[${W}`,
  "y",
);
/**
 * One matter with whitespace `w` between tokens, up to its materials list;
 * the list ends at the first `]`, which a name holding one would cut short:
 * the materials reader then fails. `c` marks the groups that capture.
 */
const matter = (w: string, c: string) => {
  const str = `"(${c}[^"\\\\\\u0000-\\u001f]*)"`;
  return (
    `\\{${w}${key("localCode", w)}${STR}${w},${w}${key("name", w)}${str}${w},${w}${key("department", w)}${str}${w},${w}` +
    `${key("promisedDays", w)}(${c}0|[1-9][0-9]*)${w},${w}${key("modes", w)}\\[(${c}[^\\]]*)\\]${w},${w}` +
    `${key("materials", w)}\\[(${c}[^\\]]*)\\]${w}\\}${w}(,?)${w}`
  );
};
/**
 * A matter written without whitespace, as most exports are: tried first, as
 * it is quicker to match. Its fields' places follow from where it starts,
 * the JSON punctuation between them, and the next `"` or `]` (which none of
 * them holds), so that nothing need be captured.
 */
const TIGHT_MATTER = new RegExp(matter("", "?:"), "y");
/** The punctuation before each field's value in a tight matter (with the quote that opens it). */
const BEFORE_LOCAL_CODE = `{${key("localCode", "")}"`.length;
const BEFORE_NAME = `",${key("name", "")}"`.length;
const BEFORE_DEPARTMENT = `",${key("department", "")}"`.length;
const BEFORE_DAYS = `",${key("promisedDays", "")}`.length;
const BEFORE_MODES = `,${key("modes", "")}[`.length;
const BEFORE_MATERIALS = `],${key("materials", "")}[`.length;
/**
 * Any other matter (from where the one before ended: the tight one leaves the
 * whitespace after its comma), with the places of its captures (`d`), as
 * whitespace leaves them nowhere in particular.
 */
const MATTER = new RegExp(`${W}${matter(W, "")}`, "yd");
const MATERIAL = new RegExp(
  `${W}\\{${W}${key("localCode")}${STR}${W},${W}${key("name")}${STR}${W},${W}${key("required")}(true|false)${W}\\}${W}(,?)`,
  "y",
);
const MODE = new RegExp(`${W}${STR}${W}(,?)`, "y");
const TAIL = new RegExp(`\\]${W}\\}${W}$`, "y");

/**
 * A catalog.json's bytes, and the same bytes as a string of one character
 * per byte, which the regular expressions read.
 */
export interface CompactSource {
  readonly bytes: Buffer;
  readonly text: string;
}

/** Header of a compact catalog, and where its matters begin. */
export interface CompactHead {
  readonly version: string;
  readonly region: string;
  readonly end: number;
}

/** A material as the catalog lists it. */
type LocalMaterial = LocalMatter["materials"][number];

/** A modes list's inside as read: its labels and their mode bits. */
interface ModeList {
  readonly text: string;
  readonly labels: readonly string[];
  readonly mask: number;
}

/** A materials list's inside as read, and what a reader worked out from it last (see columnar-catalog.ts). */
export interface MaterialList {
  readonly text: string;
  readonly list: readonly LocalMaterial[];
  /** The shared matter's materials `resolved` was worked out against. */
  resolvedFor?: SharedMatter["materials"];
  resolved?: readonly MatterMaterial[];
}

/** The UTF-8 bytes of `s` as one character per byte. */
const asBytes = (s: string) => Buffer.from(s, "utf8").toString("latin1");
/** The string that UTF-8 bytes `s` (one character per byte) spell. */
const decoded = (s: string) => Buffer.from(s, "latin1").toString("utf8");

/** 办理方式 labels, by their UTF-8 bytes, each mapped to the label table's own string. */
const LABELS: ReadonlyMap<string, string> = new Map(Object.keys(MODE_LABELS).map((l) => [asBytes(l), l]));

/** What the declarative schema's text fields take unchanged: a string, not empty, nothing to trim. */
export function isText(s: unknown): s is string {
  return typeof s === "string" && s !== "" && s.trim() === s;
}

/** Byte `i` of a byte string. */
const byteAt = (t: string, i: number) => t.charCodeAt(i);

/**
 * Whether the UTF-8 character of a byte string that starts at `i` (and ends
 * by `end`) is white space as `String.prototype.trim` sees it.
 */
function isSpaceAt(t: string, i: number, end: number): boolean {
  const b = byteAt(t, i);
  if (b < 0x80) return b === 0x20 || (b >= 0x09 && b <= 0x0d);
  if (b === 0xc2) return i + 1 < end && byteAt(t, i + 1) === 0xa0; // U+00A0
  if (i + 2 >= end) return false;
  const b1 = byteAt(t, i + 1);
  const b2 = byteAt(t, i + 2);
  switch (b) {
    case 0xe1: // U+1680
      return b1 === 0x9a && b2 === 0x80;
    case 0xe2: // U+2000–200A, U+2028, U+2029, U+202F; U+205F
      return b1 === 0x80
        ? b2 <= 0x8a || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf
        : b1 === 0x81 && b2 === 0x9f;
    case 0xe3: // U+3000
      return b1 === 0x80 && b2 === 0x80;
    case 0xef: // U+FEFF
      return b1 === 0xbb && b2 === 0xbf;
    default:
      return false;
  }
}

/**
 * {@link isText} of the UTF-8 text at bytes `[start, end)` of a byte string,
 * without decoding it: not empty, and no white space at either end. A
 * string's last character starts at the last byte below 0x80 or from 0xc0 up
 * (every other byte continues a character); white space is at most three
 * bytes long.
 */
export function isTextAt(t: string, start: number, end: number): boolean {
  if (end <= start || isSpaceAt(t, start, end)) return false;
  let last = end - 1;
  while (last > start && last >= end - 3 && (byteAt(t, last) & 0xc0) === 0x80) last--;
  return !isSpaceAt(t, last, end);
}

/**
 * The bytes of a catalog.json to read compactly: undefined unless they are
 * UTF-8 (the JSON.parse path then reports where they are not).
 */
export function compactSource(raw: Uint8Array): CompactSource | undefined {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (!isUtf8(bytes)) return undefined;
  return { bytes, text: bytes.toString("latin1") };
}

/**
 * The matter being read, moved along the catalog: its codes, days and lists
 * as values, its name and department as places in the bytes (decoded only
 * if asked for). Its lists are read once per distinct source text: a catalog
 * spells a few mode lists and, mostly, a few hundred materials lists, over
 * and over.
 */
export class CompactMatter implements LocalMatter {
  localCode = "";
  promisedDays = 0;
  modeLabels: readonly string[] = [];
  /** The 办理方式 labels as a mask of mode bits (see `modeLabelBit`). */
  modeMask = 0;
  materials: readonly LocalMaterial[] = [];
  /** The materials list's source bytes: equal only for equal lists. */
  materialsKey = "";
  /** The materials list as read: one object per distinct list. */
  materialsList: MaterialList = { text: "", list: [] };
  /** Where the local code, name and department are: byte offsets, end exclusive. */
  localCodeStart = 0;
  localCodeEnd = 0;
  nameStart = 0;
  nameEnd = 0;
  departmentStart = 0;
  departmentEnd = 0;
  /** Where the promised days' digits and the insides of the modes and materials lists are. */
  daysStart = 0;
  daysEnd = 0;
  modesStart = 0;
  modesEnd = 0;
  materialsStart = 0;
  materialsEnd = 0;
  /** Place of the record in the catalog. */
  index = 0;
  /** By their text; with it, so that the previous matter's can be compared in place. */
  private readonly modeLists = new Map<string, ModeList | null>();
  private lastModes: ModeList | undefined;
  /** With the text they were read from: the very string is the builder's key, so its lookups compare no text. */
  private readonly materialLists = new Map<string, MaterialList | null>();
  private lastMaterials: MaterialList | undefined;

  constructor(
    private readonly source: CompactSource,
    private readonly at: (index: number) => string,
  ) {}

  get name(): string {
    return this.source.bytes.toString("utf8", this.nameStart, this.nameEnd);
  }

  get department(): string {
    return this.source.bytes.toString("utf8", this.departmentStart, this.departmentEnd);
  }

  origin(): string {
    return this.at(this.index);
  }

  /**
   * Takes the modes list whose inside is at bytes `[start, end)`; false
   * unless it is one or more known labels. The text is cut only when it is
   * not the previous matter's.
   */
  readModes(start: number, end: number): boolean {
    const text = this.source.text;
    let known = this.lastModes;
    if (!known || known.text.length !== end - start || !text.startsWith(known.text, start)) {
      const inside = text.slice(start, end);
      let found = this.modeLists.get(inside);
      if (found === undefined) {
        const labels = parseModes(inside);
        let mask = 0;
        for (const l of labels ?? []) mask |= modeLabelBit(l);
        found = labels && { text: inside, labels, mask };
        this.modeLists.set(inside, found);
      }
      if (found === null) return false;
      known = found;
      this.lastModes = known;
    }
    this.modeLabels = known.labels;
    this.modeMask = known.mask;
    return true;
  }

  /**
   * Takes the materials list whose inside is at bytes `[start, end)`; false
   * unless it is exactly a list of material objects.
   */
  readMaterials(start: number, end: number): boolean {
    const text = this.source.text;
    let known = this.lastMaterials;
    if (!known || known.text.length !== end - start || !text.startsWith(known.text, start)) {
      const inside = text.slice(start, end);
      let found = this.materialLists.get(inside);
      if (found === undefined) {
        const list = parseMaterials(inside);
        found = list && { list, text: inside };
        this.materialLists.set(inside, found);
      }
      if (found === null) return false;
      known = found;
      this.lastMaterials = known;
    }
    this.materials = known.list;
    this.materialsKey = known.text;
    this.materialsList = known;
    return true;
  }
}

/** A JSON list's inside (bytes) as known 办理方式 labels; null if it is anything else or empty. */
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

/** A JSON list's inside (bytes) as materials, each with the strings the schema takes as they are; null if not. */
function parseMaterials(text: string): readonly LocalMaterial[] | null {
  const list: LocalMaterial[] = [];
  if (/^[ \t\n\r]*$/.test(text)) return list;
  MATERIAL.lastIndex = 0;
  for (;;) {
    const m = MATERIAL.exec(text);
    if (!m) return null;
    const localCode = decoded(m[1] as string);
    const name = decoded(m[2] as string);
    if (!isText(localCode) || !isText(name)) return null;
    list.push({ localCode, name, required: m[3] === "true" });
    if (m[4] === "") return MATERIAL.lastIndex === text.length ? list : null;
  }
}

/** The header of a compact catalog (its version a string the schema takes), or undefined. */
export function compactHead(source: CompactSource): CompactHead | undefined {
  HEAD.lastIndex = 0;
  const head = HEAD.exec(source.text);
  if (!head) return undefined;
  const version = decoded(head[1] as string);
  if (!isText(version) || !/^\d{6}$/.test(head[2] as string)) return undefined;
  return { version, region: head[2] as string, end: HEAD.lastIndex };
}

/** Whether a byte string holds only ASCII, so that it spells the same string decoded. */
function isAsciiText(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Where a tight matter's fields are, found from where its local code ends (see TIGHT_MATTER). */
function placeTight(text: string, r: CompactMatter, start: number): void {
  r.localCodeStart = start + BEFORE_LOCAL_CODE;
  r.localCodeEnd = text.indexOf('"', r.localCodeStart);
  r.nameStart = r.localCodeEnd + BEFORE_NAME;
  r.nameEnd = text.indexOf('"', r.nameStart);
  r.departmentStart = r.nameEnd + BEFORE_DEPARTMENT;
  r.departmentEnd = text.indexOf('"', r.departmentStart);
  r.daysStart = r.departmentEnd + BEFORE_DAYS;
  r.daysEnd = r.daysStart + 1;
  while (byteAt(text, r.daysEnd) !== 0x2c) r.daysEnd++; // ","
  r.modesStart = r.daysEnd + BEFORE_MODES;
  r.modesEnd = text.indexOf("]", r.modesStart);
  r.materialsStart = r.modesEnd + BEFORE_MATERIALS;
  r.materialsEnd = text.indexOf("]", r.materialsStart);
}

/** Where a matter's fields are, from the places of its captures (see MATTER). */
function placeLoose(r: CompactMatter, places: RegExpIndicesArray): void {
  [r.localCodeStart, r.localCodeEnd] = places[1] as [number, number];
  [r.nameStart, r.nameEnd] = places[2] as [number, number];
  [r.departmentStart, r.departmentEnd] = places[3] as [number, number];
  [r.daysStart, r.daysEnd] = places[4] as [number, number];
  [r.modesStart, r.modesEnd] = places[5] as [number, number];
  [r.materialsStart, r.materialsEnd] = places[6] as [number, number];
}

/** The non-negative integer the digits at bytes `[start, end)` spell (no more than a number holds exactly). */
function integerAt(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (byteAt(text, i) - 0x30);
  return n;
}

/**
 * Reads the matters of a compact catalog from `head.end`, calling `add` with
 * each (one {@link CompactMatter}, moved along; `add` returns false to
 * stop). True if the rest of the text was read and every matter passed what
 * the schema checks; false as soon as anything is not so (the caller then
 * goes the JSON.parse way).
 */
export function scanCompactMatters(
  source: CompactSource,
  head: CompactHead,
  at: (i: number) => string,
  add: (m: CompactMatter) => boolean,
): boolean {
  const text = source.text;
  const r = new CompactMatter(source, at);
  let pos = head.end;
  let more = text.charCodeAt(pos) !== 0x5d; // "]": no matters at all
  while (more) {
    TIGHT_MATTER.lastIndex = pos;
    let comma: boolean;
    let localCode: string;
    // Taken if what follows is no whitespace: the next matter, or the list's end. A test, not
    // an exec: the places of the fields follow from the text, and no match object is made.
    const tight = TIGHT_MATTER.test(text);
    if (
      tight &&
      (byteAt(text, TIGHT_MATTER.lastIndex - 1) === 0x2c || byteAt(text, TIGHT_MATTER.lastIndex) === 0x5d)
    ) {
      placeTight(text, r, pos);
      localCode = text.slice(r.localCodeStart, r.localCodeEnd);
      comma = byteAt(text, TIGHT_MATTER.lastIndex - 1) === 0x2c;
      pos = TIGHT_MATTER.lastIndex;
    } else {
      MATTER.lastIndex = pos;
      const m = MATTER.exec(text);
      if (!m?.indices) return false;
      localCode = m[1] as string;
      comma = m[7] === ",";
      placeLoose(r, m.indices);
      pos = MATTER.lastIndex;
    }
    more = comma;
    if (
      !isTextAt(text, r.localCodeStart, r.localCodeEnd) ||
      !isTextAt(text, r.nameStart, r.nameEnd) ||
      !isTextAt(text, r.departmentStart, r.departmentEnd)
    )
      return false;
    // More than 15 digits may be more than a number holds exactly (JSON.parse rounds it): the schema path judges.
    if (r.daysEnd - r.daysStart > 15) return false;
    const days = integerAt(text, r.daysStart, r.daysEnd);
    if (days < 1) return false;
    r.localCode = isAsciiText(localCode) ? localCode : decoded(localCode);
    r.promisedDays = days;
    if (!r.readModes(r.modesStart, r.modesEnd) || !r.readMaterials(r.materialsStart, r.materialsEnd))
      return false;
    if (!add(r)) return false;
    r.index++;
  }
  TAIL.lastIndex = pos;
  return TAIL.test(text);
}
