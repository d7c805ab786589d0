/**
 * A bound on how deeply outside JSON may nest, checked without recursion
 * before anything recursive (canonical proto3 spelling, schema validation,
 * hashing for idempotency, logging) walks the value: 100,000 nested arrays
 * fit in a 256 KiB body and would overflow the stack of any recursive walk.
 */
import { XrError } from "../domain/errors.js";

/**
 * Deepest nesting of objects and arrays a request may have. The xr.v1
 * request messages nest four levels (`delivery.method`, `applicant.person.name`,
 * `materials[0].sha256`); the margin leaves room for new fields.
 */
export const MAX_JSON_DEPTH = 32;

function step(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/**
 * Throws INVALID_ARGUMENT naming the first path at which `value` nests deeper
 * than `max` objects or arrays (the body itself is level 0).
 */
export function checkDepth(value: unknown, max = MAX_JSON_DEPTH): void {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: "", depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { v, path, depth } = top;
    if (v === null || typeof v !== "object") continue;
    if (depth > max) throw XrError.invalid(path || "(body)", `is nested deeper than ${max} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: step(path, i), depth: depth + 1 });
    } else {
      for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: step(path, k), depth: depth + 1 });
    }
  }
}
