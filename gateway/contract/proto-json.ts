/**
 * What a proto3 JSON parser must accept besides the canonical form
 * (protobuf.dev, "JSON Mapping"): the original snake_case field names, null
 * for a default value, and enum values given as numbers. Requests are brought
 * to the canonical form before validation, so the schemas see one spelling.
 */

/** Enum fields of request messages and their values by number, from protos/xr/v1. */
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  mode: ["HANDLING_MODE_UNSPECIFIED", "FULL_ONLINE", "REMOTE_INTAKE", "MULTI_REGION"],
  method: ["DELIVERY_METHOD_UNSPECIFIED", "MAIL", "WINDOW_PICKUP", "ELECTRONIC"],
};

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Returns `value` in canonical proto3 JSON spelling; leaves anything it does not know as it is. */
export function canonicalProtoJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalProtoJson);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [rawKey, raw] of Object.entries(value)) {
    if (raw === null) continue;
    const key = camel(rawKey);
    const names = ENUMS[key];
    out[key] =
      names && typeof raw === "number" && Number.isInteger(raw)
        ? (names[raw] ?? raw)
        : canonicalProtoJson(raw);
  }
  return out;
}
