/**
 * Reading config YAML files against their schemas, each problem named by
 * file and key.
 */
import { readFileSync } from "node:fs";
import YAML from "yaml";
import type { z } from "zod";

/**
 * Reads and validates one YAML file (or, named `.json`, a JSON one: large
 * generated data reads several times faster so), adding each problem
 * (file: key: issue) to `problems`.
 */
export function readYaml<S extends z.ZodType>(
  file: string,
  schema: S,
  problems: string[],
): z.output<S> | undefined {
  let doc: unknown;
  try {
    const text = readFileSync(file, "utf8");
    doc = file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    problems.push(`${file}: ${(err as Error).message}`);
    return undefined;
  }
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join(".") || "(root)";
    const extra = issue.code === "unrecognized_keys" ? ` ${issue.keys.join(", ")}` : "";
    problems.push(`${file}: ${key}: ${issue.message}${extra}`);
  }
  return undefined;
}

/** {@link readYaml}, throwing `fail(problems)` instead of returning undefined. */
export function mustReadYaml<S extends z.ZodType>(
  file: string,
  schema: S,
  fail: (problems: string[]) => Error = (p) => new Error(p.join("\n")),
): z.output<S> {
  const problems: string[] = [];
  const doc = readYaml(file, schema, problems);
  if (doc === undefined) throw fail(problems);
  return doc;
}
