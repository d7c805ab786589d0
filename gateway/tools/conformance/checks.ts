/**
 * The checks of the conformance kit over a parsed catalog and its mapping.
 * Each returns findings; none throws for a problem of the region's files.
 */
import iconv from "iconv-lite";
import { decodeUtf8, mojibake } from "../../../adapters/sdk/encoding.js";
import { AdapterError, type AdapterErrorCode } from "../../../adapters/sdk/errors.js";
import type { MappingSource } from "../../config/region-adapter.js";
import type { RegionCatalog } from "../../domain/matter.js";
import type { CheckId, Finding } from "./report.js";
import type { RegionSources } from "./sources.js";

/** Names a catalog record: its line when the local code appears in the file, else the record. */
export type Locate = (localCode: string) => string;

const finding =
  (level: Finding["level"]) =>
  (check: CheckId, where: string, message: string, fix: string): Finding => ({
    check,
    level,
    where,
    message,
    fix,
  });
/** A finding that fails the verification. */
export const err = finding("error");
/** A finding that does not. */
export const warn = finding("warning");

/** The check each kind of adapter error belongs to, and what to do about it. */
const BY_CODE: Record<AdapterErrorCode, { check: CheckId; fix: string }> = {
  FILE_UNREADABLE: { check: "catalog", fix: "put the file where the adapter reads it" },
  ENCODING: {
    check: "encoding",
    fix: "save the file in the encoding the adapter reads, or make the adapter decode the city's encoding",
  },
  SYNTAX: { check: "catalog", fix: "correct the record so that the adapter can read it" },
  SCHEMA: { check: "fields", fix: "fill in the field as the format requires" },
  REGION_MISMATCH: { check: "catalog", fix: "put the catalog in its own region's adapter directory" },
  DUPLICATE_CODE: { check: "mapping", fix: "give each matter its own local code" },
  UNKNOWN_SHARED_MATTER: { check: "mapping", fix: "map the local code to a matter of config/matters.yaml" },
  UNMAPPED_MATERIAL: { check: "mapping", fix: "add the local material code to mapping.yaml under materials" },
  PROMISE_EXCEEDS_FEDERATION: {
    check: "limits",
    fix: "promise no more than the shared catalog's working days, and keep values within their bounds",
  },
  CASE_FORMAT: { check: "roundtrip", fix: "make caseToLocal/caseFromLocal handle every field of the case" },
  CITY_SYSTEM: { check: "catalog", fix: "check that the city system answers with its catalog" },
};

/**
 * Turns what parseCatalog threw into findings with file and line (or
 * record), sorted into checks by the error's code. Anything but an
 * AdapterError is the adapter's own bug, reported under "catalog".
 */
export function parseFailure(e: unknown, dir: string): Finding[] {
  if (!AdapterError.is(e))
    return [
      err(
        "catalog",
        dir,
        `the adapter threw ${(e as Error).name ?? "an error"}: ${(e as Error).message ?? String(e)}`,
        "throw AdapterError (adapters/sdk/errors.ts) naming the file and record",
      ),
    ];
  const { check, fix } = BY_CODE[e.code];
  return e.problems.map((p) => {
    const [text, hint] = p.message.split("; ");
    const where = p.where === "" ? dir : p.where.startsWith(dir) ? p.where : `${dir}/${p.where}`;
    return err(check, where, text ?? p.message, hint ?? fix);
  });
}

/** Collisions and unknown codes in mapping.yaml. */
export function checkMapping(src: RegionSources, m: MappingSource): Finding[] {
  const out: Finding[] = [];
  for (const section of ["matters", "materials"] as const) {
    const table = section === "matters" ? m.mapping.matters : m.mapping.materials;
    const known = section === "matters" ? src.shared.matters : src.shared.materials;
    const first = new Map<string, string>();
    for (const [local, shared] of table) {
      if (!known.has(shared))
        out.push(
          err(
            "mapping",
            m.where(section, local),
            `${section}.${local} maps to ${shared}, which config/matters.yaml does not define`,
            `use a shared ${section === "matters" ? "matter" : "material"} code from config/matters.yaml`,
          ),
        );
      const earlier = first.get(shared);
      if (earlier !== undefined) {
        out.push(
          err(
            "mapping",
            m.where(section, local),
            `collision: ${shared} is mapped from both "${earlier}" (${m.where(section, earlier)}) and "${local}"`,
            `map each shared code from one local code only; remove or correct one of the two`,
          ),
        );
      } else first.set(shared, local);
    }
  }
  return out;
}

/** Record fields, duplicates and required materials of the parsed catalog. */
export function checkFields(src: RegionSources, catalog: RegionCatalog, locate: Locate): Finding[] {
  const out: Finding[] = [];
  const byLocal = new Map<string, number>();
  // Two local matters of one shared matter are a mapping collision: checkMapping reports it.
  for (const m of catalog.matters) {
    const where = locate(m.localCode);
    byLocal.set(m.localCode, (byLocal.get(m.localCode) ?? 0) + 1);
    for (const [field, value] of [
      ["name", m.localName],
      ["department", m.department],
    ] as const)
      if (value.trim() === "")
        out.push(err("fields", where, `${m.localCode}: ${field} is empty`, `fill in the matter's ${field}`));
    if (m.modes.length === 0)
      out.push(
        err(
          "fields",
          where,
          `${m.localCode} (${m.code}) offers none of the shared matter's modes`,
          "list at least one 办理方式 that config/matters.yaml allows for it",
        ),
      );
    const listed = new Set(m.materials.map((x) => x.materialCode));
    for (const req of src.shared.matters.get(m.code)?.materials ?? []) {
      if (req.required && !listed.has(req.code))
        out.push(
          err(
            "fields",
            where,
            `${m.localCode} (${m.code}) drops the required material ${req.code} (${src.shared.materials.get(req.code) ?? ""})`,
            "list the material in the matter (a region may omit optional materials only)",
          ),
        );
    }
  }
  for (const [code, n] of byLocal)
    if (n > 1)
      out.push(
        err(
          "mapping",
          locate(code),
          `duplicate local code: ${code} is used by ${n} matters`,
          "give each matter its own local code",
        ),
      );
  return out;
}

/** Totality of the mapping for what the region agreed to handle or take in. */
export function checkAgreed(src: RegionSources, catalog: RegionCatalog, m: MappingSource): Finding[] {
  const out: Finding[] = [];
  const name = (code: string) => src.shared.matters.get(code)?.name ?? "";
  for (const a of src.agreements) {
    for (const am of a.matters) {
      if (a.to === src.region) {
        const offered = catalog.byCode.get(am.code);
        const local = m.mapping.localMatters.get(am.code);
        if (!offered && local === undefined) {
          out.push(
            err(
              "mapping",
              am.where,
              `unmapped agreed matter: ${am.code} (${name(am.code)}) is agreed with ${a.from} but mapping.yaml maps no local code to it`,
              `add "<local code>": ${am.code} under matters in ${m.file}, and the matter to the catalog`,
            ),
          );
        } else if (!offered) {
          out.push(
            err(
              "mapping",
              m.where("matters", local ?? ""),
              `agreed matter ${am.code} is mapped from ${local}, but the catalog has no matter ${local}`,
              "add the matter to the catalog or correct the local code",
            ),
          );
        } else {
          for (const mode of am.modes)
            if (!offered.modes.includes(mode))
              out.push(
                err(
                  "mapping",
                  am.where,
                  `${am.code} is agreed as ${mode}, which the catalog does not offer`,
                  "offer the mode in the catalog or change the agreement",
                ),
              );
        }
      } else {
        // Intake side: the city's record of a case it takes in names materials in local codes.
        for (const mat of src.shared.matters.get(am.code)?.materials ?? []) {
          if (!m.mapping.localMaterials.has(mat.code))
            out.push(
              warn(
                "mapping",
                am.where,
                `cases of ${am.code} taken in for ${a.to} carry ${mat.code} (${src.shared.materials.get(mat.code) ?? ""}), which has no local code`,
                `add "<local code>": ${mat.code} under materials in ${m.file}`,
              ),
            );
        }
      }
    }
  }
  // Two agreements on one matter find the same problem: report it once.
  return [...new Map(out.map((f) => [`${f.where}|${f.message}`, f])).values()];
}

/**
 * Stale lines of mapping.yaml: a local matter code the catalog does not
 * list, or a local material code the catalog file never names (`mentions`)
 * that no case of a matter offered or taken in here may carry.
 */
export function checkStale(
  src: RegionSources,
  catalog: RegionCatalog,
  m: MappingSource,
  mentions: (localCode: string) => boolean,
): Finding[] {
  const out: Finding[] = [];
  // An agreed matter mapped from a code the catalog lacks is checkAgreed's to report.
  const agreed = src.agreements.filter((a) => a.to === src.region).flatMap((a) => a.matters);
  const agreedCodes = new Set(agreed.map((x) => x.code));
  for (const [local, shared] of m.mapping.matters)
    if (!catalog.byLocalCode.has(local) && !agreedCodes.has(shared))
      out.push(
        err(
          "mapping",
          m.where("matters", local),
          `stale mapping: matters.${local} names a local matter the catalog does not list`,
          "remove the line, or add the matter to the catalog",
        ),
      );
  // Cases of a matter offered here, or taken in here for a partner, may carry any of its shared materials.
  const matters = new Set(catalog.matters.map((x) => x.code));
  for (const a of src.agreements) if (a.from === src.region) for (const am of a.matters) matters.add(am.code);
  const used = new Set(catalog.matters.flatMap((x) => x.materials.map((y) => y.materialCode)));
  for (const code of matters) for (const x of src.shared.matters.get(code)?.materials ?? []) used.add(x.code);
  for (const [local, shared] of m.mapping.materials)
    if (!used.has(shared) && !mentions(local))
      out.push(
        err(
          "mapping",
          m.where("materials", local),
          `stale mapping: materials.${local} (${shared}) is not in the catalog, and no matter offered or taken in here has it`,
          "remove the line, or add the material to the matters that need it",
        ),
      );
  return out;
}

/** Agreements naming the region whose other party is not a federation member. */
export function checkMembers(src: RegionSources): Finding[] {
  return src.agreements.flatMap((a) =>
    [a.from, a.to]
      .filter((code) => code !== src.region && !src.regionNames.has(code))
      .map((code) =>
        err(
          "mapping",
          a.where,
          `the agreement ${a.from} → ${a.to} names ${code}, which is not a federation member`,
          "add the region to config/federation.yaml or correct the agreement",
        ),
      ),
  );
}

/** Mojibake in any name of the catalog. */
export function checkEncoding(catalog: RegionCatalog, locate: Locate): Finding[] {
  const out: Finding[] = [];
  for (const m of catalog.matters) {
    const texts: Array<[string, string]> = [
      ["name", m.localName],
      ["department", m.department],
      ...m.materials.map((x): [string, string] => [`material ${x.materialCode}`, x.name]),
    ];
    for (const [field, text] of texts) {
      const why = mojibake(text);
      if (why)
        out.push(
          err(
            "encoding",
            locate(m.localCode),
            `mojibake in ${m.localCode} ${field} "${text}": ${why}`,
            "read the file in the encoding it was exported in (e.g. GBK vs UTF-8), or re-export it",
          ),
        );
    }
  }
  return out;
}

/** Sizes and shapes the federation's contract allows. */
export function checkLimits(catalog: RegionCatalog, locate: Locate): Finding[] {
  const out: Finding[] = [];
  if (catalog.matters.length > 20_000)
    out.push(
      err(
        "limits",
        catalog.regionCode,
        `${catalog.matters.length} matters in shared terms`,
        "a catalog may hold at most 20,000 shared matters; split or trim it",
      ),
    );
  for (const m of catalog.matters) {
    const limits: Array<[exceeded: boolean, message: string, fix: string]> = [
      [
        m.localCode.length > 64 || /\s/.test(m.localCode),
        `local code "${m.localCode}" is longer than 64 characters or contains spaces`,
        "use a compact code without whitespace",
      ],
      [
        m.localName.length > 200,
        `${m.localCode}: name has ${m.localName.length} characters`,
        "names may have at most 200 characters",
      ],
      [
        m.materials.length > 50,
        `${m.localCode}: ${m.materials.length} materials`,
        "a case carries at most 50 materials; list at most 50",
      ],
      ...m.materials.map((x): [boolean, string, string] => [
        x.name.length > 100,
        `${m.localCode}: material ${x.materialCode} name has ${x.name.length} characters`,
        "material names may have at most 100 characters",
      ]),
    ];
    for (const [exceeded, message, fix] of limits)
      if (exceeded) out.push(err("limits", locate(m.localCode), message, fix));
  }
  return out;
}

/**
 * The catalog file against the encoding its adapter reads: invalid bytes,
 * or (for a GBK adapter) lines that are really UTF-8, which decode to mojibake.
 */
export function checkRawEncoding(raw: Uint8Array, encoding: "utf-8" | "gb18030", file: string): Finding[] {
  const fix = `export the catalog as ${encoding === "utf-8" ? "UTF-8" : "GBK / GB 18030"}, the encoding the adapter reads`;
  if (encoding === "utf-8") {
    try {
      decodeUtf8(raw, file);
      return [];
    } catch (e) {
      if (!AdapterError.is(e)) throw e;
      return e.problems.map((p) => err("encoding", p.where, p.message, fix));
    }
  }
  // The first mojibake of each line, for the first three lines that have any.
  const lines = iconv.decode(Buffer.from(raw), "gb18030").split("\n");
  const found = lines.flatMap((line, i) => {
    const run = line.match(/[^\p{ASCII}]{2,}/gu)?.find((r) => mojibake(r) !== undefined);
    return run ? [[i + 1, run, mojibake(run)] as const] : [];
  });
  return found
    .slice(0, 3)
    .map(([n, run, why]) =>
      err("encoding", `${file} line ${n}`, `mojibake: "${run}" ${why}; the file is not ${encoding}`, fix),
    );
}
