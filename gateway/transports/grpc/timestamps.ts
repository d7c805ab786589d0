/**
 * From the canonical proto3 JSON of codec/json.ts (shared with REST) to
 * the objects proto-loader serializes: the same shape except for
 * `google.protobuf.Timestamp`, an RFC 3339 string in JSON and
 * `{seconds, nanos}` on the wire.
 */
import protobuf from "protobufjs";
import { protoRoot } from "../../codec/proto.js";

const TIMESTAMP = ".google.protobuf.Timestamp";

/** Fields of a type that need converting (timestamps, or messages that contain some). */
type Step = { name: string; repeated: boolean; timestamp: boolean; type: protobuf.Type };
const plans = new Map<protobuf.Type, readonly Step[]>();

function planOf(type: protobuf.Type): readonly Step[] {
  const known = plans.get(type);
  if (known) return known;
  const steps: Step[] = [];
  plans.set(type, steps); // before recursing: message types may nest themselves
  for (const f of type.fieldsArray) {
    const rt = f.resolve().resolvedType;
    if (rt instanceof protobuf.Type) {
      steps.push({ name: f.name, repeated: f.repeated, timestamp: rt.fullName === TIMESTAMP, type: rt });
    }
  }
  const plan = steps.filter((s) => s.timestamp || planOf(s.type).length > 0);
  plans.set(type, plan);
  return plan;
}

function timestamp(iso: unknown): unknown {
  if (typeof iso !== "string") return iso;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return { seconds: String(Math.floor(ms / 1000)), nanos: (((ms % 1000) + 1000) % 1000) * 1_000_000 };
}

function convert(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const plan = planOf(type);
  if (plan.length === 0) return value;
  const out: Record<string, unknown> = { ...value };
  for (const step of plan) {
    const v = out[step.name];
    if (v === undefined || v === null) continue;
    const one = (x: unknown) =>
      step.timestamp ? timestamp(x) : convert(step.type, x as Record<string, unknown>);
    out[step.name] = step.repeated && Array.isArray(v) ? v.map(one) : one(v);
  }
  return out;
}

/** `json` (canonical proto3 JSON of `xr.v1.<typeName>`) as a proto-loader object. */
export function toWire(typeName: string, json: object): Record<string, unknown> {
  return convert(protoRoot().lookupType(`xr.v1.${typeName}`), json as Record<string, unknown>);
}
