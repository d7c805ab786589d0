/**
 * The plain mapping.yaml reader (gateway/config/region.ts) must never read a
 * text otherwise than the YAML parser and the schema do: for every
 * generated mapping (plain tables, comments, CRLF, odd keys and values,
 * damaged lines), it either leaves the text to YAML or gives the very
 * tables YAML gives.
 */
import { expect } from "chai";
import fc from "fast-check";
import { sharedColumns } from "../../adapters/sdk/shared-columns.js";
import { parseDataYaml } from "../../gateway/config/read-yaml.js";
import { readPlainMapping } from "../../gateway/config/region.js";
import { mappingFile } from "../../gateway/config/schemas.js";
import type { SharedMatter } from "../../gateway/ports/adapter.js";

const RUNS = 10_000;

const word = fc.constantFrom(
  "XR-AB-001",
  "CL-ID",
  "LY-RS-0012",
  "a.b/c_d",
  "null",
  "True",
  "false",
  "FALSE",
  "nul",
);
/** Mostly distinct keys (a table lists each once), and the odd ones YAML reads otherwise. */
const key = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(word, fc.nat(9999)).map(([w, n]) => `${w}${n}`) },
  { weight: 6, arbitrary: fc.nat(9999).map((n) => `"110100-${n}"`) },
  { weight: 1, arbitrary: word },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '"本地事项"',
      '"12"',
      '"0"',
      '"a b"',
      '"null"',
      '"__proto__"',
      "__proto__",
      "12",
      '"a\\"b"',
      "'x'",
      '"#"',
      "-a",
      "a:b",
      '""',
    ),
  },
);
const value = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom("XR-AB-001", "XR-CD-002", "CL-ID", "a.b/c_d") },
  {
    weight: 1,
    arbitrary: fc.constantFrom('"XR-1"', "12", "~", "a b", "", "null", "True", "false", "FALSE", "nul"),
  },
);
const line = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .tuple(key, value, fc.constantFrom("", " ", "  # 注释", " #x"))
      .map(([k, v, c]) => `  ${k}: ${v}${c}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "# a comment",
      "   ",
      "  # indented comment",
      "matters:",
      "other:",
      "   x: y",
      "\tx: y",
    ),
  },
);
const mapping = fc.noBias(
  fc
    .tuple(
      fc.array(line, { minLength: 1, maxLength: 8 }),
      fc.array(line, { minLength: 1, maxLength: 8 }),
      fc.boolean(),
      fc.constantFrom("\n", "\r\n"),
      fc.boolean(),
    )
    .map(([matters, materials, swap, eol, finalEol]) => {
      const parts = [
        ["matters:", ...matters],
        ["materials:", ...materials],
      ];
      if (swap) parts.reverse();
      return parts.flat().join(eol) + (finalEol ? eol : "");
    }),
);

/** What the YAML parser and the schema read, or undefined where they refuse. */
function viaYaml(text: string): { matters: Map<string, string>; materials: Map<string, string> } | undefined {
  let doc: unknown;
  try {
    doc = parseDataYaml(text);
  } catch {
    return undefined;
  }
  const parsed = mappingFile.safeParse(doc);
  if (!parsed.success) return undefined;
  return {
    matters: new Map(Object.entries(parsed.data.matters)),
    materials: new Map(Object.entries(parsed.data.materials)),
  };
}

/** The one shared matter the shared catalog has here: the reader keeps its number in place of its code. */
const KNOWN: SharedMatter = {
  code: "XR-AB-001",
  name: "共享事项",
  category: "BM",
  applicant: "PERSON",
  modes: ["FULL_ONLINE"],
  promisedDays: 20,
  materials: [],
};

const SHARED = sharedColumns({
  version: "s1",
  materials: new Map(),
  matters: new Map([[KNOWN.code, KNOWN]]),
});

describe("plain mapping.yaml reader (property)", () => {
  it(`reads only what YAML reads, and reads it the same (${RUNS} mappings)`, () => {
    let plain = 0;
    fc.assert(
      fc.property(mapping, (text) => {
        const fast = readPlainMapping(text, SHARED);
        if (!fast) return;
        plain++;
        const yaml = viaYaml(text);
        expect(yaml, text).to.not.equal(undefined);
        expect([...fast.matters], text).to.deep.equal([...(yaml?.matters ?? [])]);
        expect([...fast.materials], text).to.deep.equal([...(yaml?.materials ?? [])]);
      }),
      { numRuns: RUNS },
    );
    expect(plain).to.be.greaterThan(RUNS / 10);
    console.log(`      ${plain} of ${RUNS} read the plain way, the rest left to YAML`);
  });
});
