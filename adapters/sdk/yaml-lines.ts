/**
 * YAML parsing that remembers where each value was, so problems can name
 * the line (the `yaml` library's documents keep source ranges).
 */
import YAML, { isScalar, LineCounter } from "yaml";
import type { z } from "zod";
import { AdapterError, type AdapterProblem } from "./errors.js";

/** A parsed YAML file and a way back from a key path to its line. */
export interface YamlWithLines {
  readonly data: unknown;
  /** Line of the value at `path`, or of its nearest parent that exists. */
  lineOf(path: readonly PropertyKey[]): number;
}

/** Parses `text`; a syntax error throws naming `file` and the line. */
export function parseYamlWithLines(text: string, file: string): YamlWithLines {
  const lineCounter = new LineCounter();
  // The library's own check of unique keys compares every pair of a map: seconds for a 10,000-line mapping.
  const doc = YAML.parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    throw new AdapterError(
      "SYNTAX",
      doc.errors.map((e) => ({
        where: `${file} line ${e.linePos?.[0]?.line ?? 1}`,
        message: e.message.split("\n")[0] ?? e.message,
      })),
    );
  }
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        const k = isScalar(key) ? key.value : key;
        if (seen.has(k) && isScalar(key)) {
          const line = key.range ? lineCounter.linePos(key.range[0]).line : 1;
          throw AdapterError.at("SYNTAX", `${file} line ${line}`, `Map keys must be unique: ${String(k)}`);
        }
        seen.add(k);
      }
    },
  });
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // What parses may still not make a value, such as an alias of an anchor not yet set.
    throw AdapterError.at("SYNTAX", file, (err as Error).message, { cause: err });
  }
  return {
    data,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] };
        if (node?.range) return lineCounter.linePos(node.range[0]).line;
      }
      return 1;
    },
  };
}

/**
 * Validates `data` with `schema`; every issue becomes a problem naming the
 * line (through `lineOf`) or the key path, plus `hint(path)` if it has one.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  lineOf: ((path: readonly PropertyKey[]) => number) | undefined,
  hint: (path: readonly PropertyKey[]) => string = () => "",
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems: AdapterProblem[] = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join(".") || "(root)";
    const where = lineOf ? `${file} line ${lineOf(issue.path)}` : `${file} ${key}`;
    const extra = issue.code === "unrecognized_keys" ? ` ${issue.keys.join(", ")}` : "";
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    const text = missing ? "is missing" : `${issue.message}${extra}`;
    const h = hint(issue.path);
    return { where, message: `${key}: ${text}${h ? `; ${h}` : ""}` };
  });
  throw new AdapterError("SCHEMA", problems);
}
