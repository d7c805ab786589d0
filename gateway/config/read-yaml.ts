/**
 * Reading config YAML files against their schemas, each problem named by
 * file and key.
 */
import { readFileSync } from "node:fs";
import jsyaml from "js-yaml";
import YAML from "yaml";
import type { z } from "zod";

/** Reads and validates one YAML file, adding each problem (file: key: issue) to `problems`. */
export function readYaml<S extends z.ZodType>(
  file: string,
  schema: S,
  problems: string[],
  parse: (text: string) => unknown = (text) => YAML.parse(text),
): z.output<S> | undefined {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
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

/**
 * Parses the large data files (the shared catalog, region mappings) with
 * js-yaml: several times faster than \`yaml\` on tables of thousands of lines
 * (mappings in the plain form skip even that: see readPlainMapping). The core
 * schema keeps dates and the like as plain strings.
 */
export const parseDataYaml = (text: string): unknown => jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
