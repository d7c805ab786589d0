/**
 * The compact catalog.json reader (adapters/sdk/compact-json.ts) must never
 * read a text otherwise than JSON.parse and the schema do: for every
 * generated catalog, written compactly, indented or damaged one character
 * at a time, it either gives up or delivers exactly the matters JSON.parse
 * finds. And the declarative adapter builds the same catalog whichever way
 * it reads the file.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { LocalMatter } from "../../adapters/sdk/catalog.js";
import {
  compactHead,
  compactSource,
  isText,
  isTextAt,
  scanCompactMatters,
} from "../../adapters/sdk/compact-json.js";
import { declarativeAdapter } from "../../adapters/sdk/declarative.js";
import { MODE_LABELS } from "../../adapters/sdk/labels.js";
import type { RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext, SharedMatter } from "../../gateway/ports/adapter.js";

const RUNS = 10_000;
const LABELS = Object.keys(MODE_LABELS);

/**
 * Strings as exports hold them, and the awkward ones: quotes, brackets,
 * escapes, control characters. Unbiased: fast-check would otherwise favour
 * the empty string, and few catalogs would be valid.
 */
const text = fc.noBias(
  fc.oneof(
    {
      weight: 40,
      arbitrary: fc.constantFrom(
        "居民身份证",
        "本地事项",
        "LY-RS-0012",
        "a]b",
        "x}y",
        "]}",
        "很长的事项名称：基本养老保险关系转移接续申请",
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '"',
        "\\",
        " lead",
        "trail ",
        "",
        "\u0001",
        "\u2028",
        "\u3000全角空格",
        "不换行空格\u00a0",
        "\ufeff",
        "末尾\u205f",
        "\u0085",
      ),
    },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 16 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  ),
);
const material = fc.record({ localCode: text, name: text, required: fc.boolean() });
const matter = fc.record({
  localCode: text,
  name: text,
  department: text,
  promisedDays: fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 1, max: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, 2 ** 60, 1.5) },
  ),
  modes: fc.oneof(
    {
      weight: 20,
      arbitrary: fc.array(
        fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...LABELS) }, { weight: 1, arbitrary: text }),
        { minLength: 1, maxLength: 3 },
      ),
    },
    { weight: 1, arbitrary: fc.constant([]) },
  ),
  materials: fc.array(material, { maxLength: 3 }),
});
const catalog = fc.record({
  version: fc.oneof({ weight: 8, arbitrary: fc.constant("2026.11-1") }, { weight: 1, arbitrary: text }),
  region: fc.oneof(
    { weight: 8, arbitrary: fc.constant("430181") },
    { weight: 1, arbitrary: fc.constantFrom("43018", "４30181") },
  ),
  matters: fc.array(matter, { maxLength: 6 }),
});
/** How the catalog is written: compact, indented, or with one character inserted or removed. */
const written = fc.noBias(
  fc
    .tuple(
      catalog,
      fc.constantFrom(undefined, 2, "\t"),
      fc.nat(),
      fc.constantFrom("", ",", "]", "}", " ", '"', "x", "-"),
      fc.nat(2),
    )
    .map(([c, indent, at, insert, damage]) => {
      const t = JSON.stringify(c, null, indent);
      if (damage > 0) return t;
      const i = at % (t.length + 1);
      return insert === "" ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + insert + t.slice(i);
    }),
);

interface Seen {
  head?: { version: string; region: string };
  matters: Array<Omit<LocalMatter, "origin" | "materialsKey">>;
}

/** What the compact reader delivers from the UTF-8 bytes of `t`, copied as it goes; undefined if it gives up. */
function scan(t: string): Seen | undefined {
  const source = compactSource(Buffer.from(t, "utf8"));
  const head = source && compactHead(source);
  if (!source || !head) return undefined;
  const seen: Seen = { head: { version: head.version, region: head.region }, matters: [] };
  const ok = scanCompactMatters(
    source,
    head,
    (i) => `matters[${i}]`,
    (m) => {
      seen.matters.push({
        localCode: m.localCode,
        name: m.name,
        department: m.department,
        promisedDays: m.promisedDays,
        modeLabels: [...m.modeLabels],
        materials: m.materials.map((x) => ({ ...x })),
      });
      return true;
    },
  );
  return ok ? seen : undefined;
}

describe("compact catalog.json reader (property)", () => {
  it(`reads only what JSON.parse reads, and reads it the same (${RUNS} catalogs)`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(written, (t) => {
        const seen = scan(t);
        if (!seen) return;
        accepted++;
        // What the file holds: a lone surrogate in `t` is written as U+FFFD.
        const doc = JSON.parse(Buffer.from(t, "utf8").toString("utf8")) as {
          version: string;
          region: string;
          matters: Array<Record<string, unknown> & { modes: string[] }>;
        };
        expect(Object.keys(doc)).to.deep.equal(["version", "region", "matters"]);
        expect(seen.head).to.deep.equal({ version: doc.version, region: doc.region });
        expect(seen.matters).to.deep.equal(
          doc.matters.map(({ modes, ...m }) => ({ ...m, modeLabels: modes })),
        );
      }),
      { numRuns: RUNS },
    );
    // The check above means something only if well-formed catalogs do get read.
    expect(accepted).to.be.greaterThan(RUNS / 10);
    console.log(`      ${accepted} of ${RUNS} read by the compact reader, the rest left to JSON.parse`);
  });

  it("reads whitespace anywhere between tokens, as JSON.parse does", () => {
    const m =
      '{"localCode":"A","name":"甲","department":"局","promisedDays":5,"modes":["全程网办"],"materials":[]}';
    const n = m.replace('"A"', '"B"');
    for (const t of [
      `{"version":"v1","region":"430181","matters":[${m} ]}`,
      `{"version":"v1","region":"430181","matters":[${m} ,${n}]}`,
      `{"version":"v1","region":"430181","matters":[${m},\n  ${n}\n]}\n`,
      `{ "version" : "v1" ,\r\n"region":"430181","matters":[ ]}`,
    ]) {
      const seen = scan(t);
      expect(seen, t).to.not.equal(undefined);
      const doc = JSON.parse(t) as { matters: Array<Record<string, unknown> & { modes: string[] }> };
      expect(seen?.matters).to.deep.equal(
        doc.matters.map(({ modes, ...x }) => ({ ...x, modeLabels: modes })),
      );
    }
  });

  it("sees white space at either end of a UTF-8 string as String.prototype.trim does (every BMP character)", () => {
    let spaces = 0;
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCharCode(cp);
      for (const s of [ch, `${ch}甲`, `甲${ch}`, `a${ch}b`, `${ch}${ch}`]) {
        const bytes = Buffer.from(s, "utf8").toString("latin1");
        expect(isTextAt(bytes, 0, bytes.length), `U+${cp.toString(16)} in ${JSON.stringify(s)}`).to.equal(
          isText(s),
        );
      }
      if (ch.trim() === "") spaces++;
    }
    // The 25 characters trim() removes (tab to carriage return, space, U+00A0 … U+FEFF).
    expect(spaces).to.equal(25);
    // A character outside the BMP at either end (four bytes) is no white space.
    for (const s of ["😀", "😀甲", "甲😀"]) {
      const bytes = Buffer.from(s, "utf8").toString("latin1");
      expect(isTextAt(bytes, 0, bytes.length), s).to.equal(true);
    }
  });

  it("gives up on bytes that are not UTF-8", () => {
    const ok = Buffer.from(
      '{"version":"v1","region":"430181","matters":[{"localCode":"A","name":"甲","department":"局","promisedDays":5,"modes":["全程网办"],"materials":[]}]}',
    );
    expect(compactSource(ok)).to.not.equal(undefined);
    const bad = Buffer.from(ok);
    bad[ok.indexOf("甲")] = 0xff;
    expect(compactSource(bad)).to.equal(undefined);
  });

  it("gives up on what only the schema path can judge or report", () => {
    const ok = JSON.stringify({
      version: "v1",
      region: "430181",
      matters: [
        { localCode: "A", name: "甲", department: "局", promisedDays: 5, modes: ["全程网办"], materials: [] },
      ],
    });
    expect(scan(ok)).to.not.equal(undefined);
    const variants = [
      ok.replace('"version":"v1","region":"430181"', '"region":"430181","version":"v1"'), // key order
      ok.replace('"name":"甲"', '"name":"\\u7532"'), // an escape
      ok.replace('"promisedDays":5', '"promisedDays":5.0'),
      ok.replace('"promisedDays":5', '"promisedDays":05'),
      ok.replace('"promisedDays":5', '"promisedDays":0'),
      ok.replace('"modes":["全程网办"]', '"modes":[]'),
      ok.replace('"modes":["全程网办"]', '"modes":["网办"]'),
      ok.replace('"materials":[]', '"materials":[],"extra":1'),
      ok.replace('"name":"甲"', '"name":" 甲"'),
      ok.replace("]}", ",]}"),
      `${ok}x`,
    ];
    for (const v of variants) expect(scan(v), v).to.equal(undefined);
  });
});

describe("declarative adapter: catalog.json read either way", () => {
  const shared = new Map<string, SharedMatter>(
    ["XR-A", "XR-B", "XR-C"].map((code) => [
      code,
      {
        code,
        name: `共享${code}`,
        category: "BM",
        applicant: "PERSON",
        modes: ["FULL_ONLINE", "REMOTE_INTAKE"],
        promisedDays: 20,
        materials: [{ code: "CL-ID", required: true }],
      },
    ]),
  );
  const ctx: CatalogContext = {
    shared: { version: "s1", materials: new Map([["CL-ID", "居民身份证"]]), matters: shared },
    mapping: {
      matters: new Map([
        ["L-1", "XR-A"],
        ["L-2", "XR-B"],
        ["L-3", "XR-C"],
      ]),
      materials: new Map([
        ["M-ID", "CL-ID"],
        ["M-LOCAL", "CL-LOCAL"],
      ]),
      localMatters: new Map([
        ["XR-A", "L-1"],
        ["XR-B", "L-2"],
        ["XR-C", "L-3"],
      ]),
      localMaterials: new Map([
        ["CL-ID", "M-ID"],
        ["CL-LOCAL", "M-LOCAL"],
      ]),
    },
  };
  const doc = {
    version: "2026.11-1",
    region: "430181",
    matters: [
      {
        localCode: "L-1",
        name: "养老保险关系转移接续申请（城镇职工基本养老保险）",
        department: "浏阳市人力资源和社会保障局",
        promisedDays: 10,
        modes: ["全程网办", "异地代收代办"],
        materials: [{ localCode: "M-ID", name: "居民身份证", required: false }],
      },
      {
        localCode: "L-2",
        name: "乙",
        department: "浏阳市人力资源和社会保障局",
        promisedDays: 3,
        modes: ["多地联办", "全程网办"],
        materials: [
          { localCode: "M-ID", name: "居民身份证", required: false },
          { localCode: "M-LOCAL", name: "本地材料，名称长于十三个字符的一份证明", required: true },
        ],
      },
      {
        localCode: "L-9",
        name: "本地独有",
        department: "局",
        promisedDays: 1,
        modes: ["全程网办"],
        materials: [],
      },
      {
        localCode: "L-3",
        name: "丙",
        department: "局",
        promisedDays: 20,
        modes: ["异地代收代办"],
        materials: [{ localCode: "M-ID", name: "居民身份证", required: false }],
      },
    ],
  };
  const adapter = declarativeAdapter("430181", "catalog.json");
  /** What a catalog holds and how it looks matters up, whatever it is made of. */
  const contents = (c: RegionCatalog) => ({
    regionCode: c.regionCode,
    version: c.version,
    matters: c.matters,
    byCode: [...c.byCode],
    byLocalCode: [...c.byLocalCode],
  });
  const read = (t: string) => adapter.parseCatalog(new TextEncoder().encode(t), ctx);

  it("builds the same catalog from a compact file as from one JSON.parse must read", () => {
    const compact = JSON.stringify(doc);
    expect(scan(compact)).to.not.equal(undefined);
    // The same catalog with its keys in another order: only JSON.parse reads it.
    const reordered = JSON.stringify({ matters: doc.matters, region: doc.region, version: doc.version });
    expect(scan(reordered)).to.equal(undefined);
    const a = read(compact);
    const b = read(reordered);
    expect(contents(a)).to.deep.equal(contents(b));
    expect(a.matters.map((m) => m.localCode)).to.deep.equal(["L-1", "L-2", "L-3"]);
    // The compact file's catalog is kept as columns; it looks matters up as the other does.
    expect(a.constructor.name).to.equal("ColumnarCatalog");
    for (const key of ["L-1", "L-3", "L-9", "XR-A", "nope"]) {
      expect(a.byLocalCode.get(key), key).to.deep.equal(b.byLocalCode.get(key));
      expect(a.byLocalCode.has(key), key).to.equal(b.byLocalCode.has(key));
      expect(a.byCode.get(key), key).to.deep.equal(b.byCode.get(key));
    }
    expect(a.byCode.get("XR-B")).to.equal(a.matters[1]);
    expect([a.byCode.size, a.byLocalCode.size]).to.deep.equal([3, 3]);
    expect([...a.byLocalCode.keys()]).to.deep.equal(["L-1", "L-2", "L-3"]);
    // A material without a shared name keeps the city's; equal lists are one list, whichever way it was read.
    expect(a.matters[1]?.materials[1]?.name).to.equal("本地材料，名称长于十三个字符的一份证明");
    expect(a.matters[0]?.materials).to.equal(a.matters[2]?.materials);
    expect(b.matters[0]?.materials).to.equal(b.matters[2]?.materials);
  });

  it("reports a problem in a compact file the way the schema path does", () => {
    const twice = { ...doc, matters: [...doc.matters, doc.matters[0]] };
    expect(() => read(JSON.stringify(twice))).to.throw(
      /localCode L-1 is listed twice \(first at catalog.json matters\[0\]\)/,
    );
    const badMode = structuredClone(doc);
    (badMode.matters[1] as { modes: string[] }).modes = ["上门办"];
    expect(() => read(JSON.stringify(badMode))).to.throw(/matters\.1\.modes\.0/);
  });
});
