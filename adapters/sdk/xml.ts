/**
 * Helpers for XML exports read with fast-xml-parser (attributes prefixed "@"):
 * which prefix an export bound to a namespace, and required attributes.
 */
import { AdapterError } from "./errors.js";

/** An element as fast-xml-parser returns it. */
export type XmlNode = Record<string, unknown>;

/**
 * The prefix (with its colon, or "" for the default namespace) that `node`
 * binds to `uri`; undefined if it binds none. Exports choose their own
 * prefixes, so adapters match the namespace, never a fixed prefix.
 */
export function namespacePrefix(node: XmlNode, uri: string): string | undefined {
  for (const [key, value] of Object.entries(node)) {
    if (value !== uri) continue;
    if (key === "@xmlns") return "";
    if (key.startsWith("@xmlns:")) return `${key.slice("@xmlns:".length)}:`;
  }
  return undefined;
}

/** The attribute `name` of `node`; throws naming `where` when it is missing or empty. */
export function attr(node: XmlNode, name: string, where: string): string {
  const v = node[`@${name}`];
  if (typeof v !== "string" || v === "")
    throw AdapterError.at("SCHEMA", where, `attribute ${name} is missing`);
  return v;
}
