/**
 * The conformance report: findings grouped by check, each naming where the
 * problem is (file and line, or record) and what to do about it.
 */

/** The checks of the kit, in report order, with their titles. */
export const CHECKS = {
  catalog: "catalog parses",
  fields: "required fields present",
  mapping: "local ↔ shared mapping total for agreed matters, without collisions",
  roundtrip: "sample cases round-trip both ways without loss",
  encoding: "text encodings handled",
  limits: "limits respected",
} as const;

/** One of {@link CHECKS}. */
export type CheckId = keyof typeof CHECKS;

/** One problem the kit found. Errors fail the verification; warnings do not. */
export interface Finding {
  readonly check: CheckId;
  readonly level: "error" | "warning";
  /** "adapters/430181/catalog.yaml line 12", or "… record LY-RS-0011" where lines are unknown. */
  readonly where: string;
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/** The outcome of verifying one region. */
export interface Report {
  readonly region: string;
  readonly name: string;
  /** What was verified, e.g. "declarative: catalog.yaml + mapping.yaml". */
  readonly kind: string;
  /** What each check saw when it passed, e.g. "30 matters (version …)". */
  readonly notes: Partial<Record<CheckId, string>>;
  readonly findings: readonly Finding[];
  /** Checks that could not run because an earlier one failed. */
  readonly skipped: readonly CheckId[];
  /** The catalog could not be read (its problems may belong to other checks). */
  readonly unreadable: boolean;
}

/** True when the report has no errors. */
export function passed(r: Report): boolean {
  return !r.findings.some((f) => f.level === "error");
}

/** One line per finding: `ERROR <where>: <message> → <fix>`. */
export function findingLine(f: Finding): string {
  return `${f.level === "error" ? "ERROR" : "WARN "} ${f.where}: ${f.message} → ${f.fix}`;
}

/** The report as text for a terminal. */
export function formatReport(r: Report): string {
  const lines = [`xr adapter verify ${r.region} (${r.name}): ${r.kind}`];
  for (const [id, title] of Object.entries(CHECKS) as Array<[CheckId, string]>) {
    const mine = r.findings.filter((f) => f.check === id);
    const failed = mine.some((f) => f.level === "error") || (id === "catalog" && r.unreadable);
    const mark = r.skipped.includes(id) ? "-" : failed ? "✘" : "✔";
    const note = r.skipped.includes(id)
      ? " (skipped: fix the errors above first)"
      : id === "catalog" && r.unreadable
        ? ": the adapter could not read it (its problems are listed under their checks)"
        : r.notes[id]
          ? `: ${r.notes[id]}`
          : "";
    lines.push(`${mark} ${title}${note}`);
    for (const f of mine) lines.push(`    ${findingLine(f)}`);
  }
  const errors = r.findings.filter((f) => f.level === "error").length;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const warnings = count(r.findings.length - errors, "warning");
  lines.push(errors === 0 ? `PASSED (${warnings})` : `FAILED: ${count(errors, "error")}, ${warnings}`);
  return `${lines.join("\n")}\n`;
}
