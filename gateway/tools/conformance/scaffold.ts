/**
 * `xr adapter scaffold <region>`: the files a new region needs, as a
 * declarative adapter (catalog.yaml + mapping.yaml, no code), with comments
 * saying what to fill in; optionally the region's entry in federation.yaml.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML, { type YAMLMap, type YAMLSeq } from "yaml";

/** Options of {@link scaffoldRegion}. */
export interface ScaffoldOptions {
  readonly code: string;
  /** The region's name (e.g. 株洲市); needed to register it. */
  readonly name?: string;
  readonly adaptersDir: string;
  readonly configDir: string;
  /** Also add the region to config/federation.yaml, with free ports. */
  readonly register: boolean;
}

/** What the scaffold did. */
export interface ScaffoldResult {
  readonly created: readonly string[];
  /** The federation.yaml entry added, if any. */
  readonly registered?: { readonly http: number; readonly grpc: number };
}

const catalogTemplate = (
  code: string,
  name: string,
) => `# ${name} (${code}) 政务服务事项实施清单, declarative: this file and mapping.yaml are the
# whole adapter (no code). Fill in one entry per matter the city offers, as the city itself
# lists it; docs/onboarding.md walks through it, adapters/430181/catalog.yaml is a full example.
# Check your work with: npm run xr -- adapter verify ${code}

# The catalog's version (清单版本). Change it with every edit: partners pull a catalog again
# when its version changes, and each case keeps the version it was filed under.
version: "${new Date().getFullYear()}.1"
region: "${code}"
matters:
  # One entry per matter. Every field is required.
  # - localCode: ZZ-RS-0001        # the city's own 事项编码 (no spaces; ≤ 64 characters)
  #   name: 基本养老保险关系转移接续   # 事项名称 as the city writes it
  #   department: ${name}人力资源和社会保障局   # 实施部门
  #   promisedDays: 10              # 承诺时限 in working days; at most the shared catalog's
  #   modes: [全程网办, 异地代收代办]   # 办理方式: 全程网办, 异地代收代办, 多地联办
  #   materials:                     # 申请材料; list every material the shared matter requires
  #     - { localCode: ZZCL-001, name: 居民身份证, required: true }
  []
`;

const mappingTemplate = (
  code: string,
  name: string,
) => `# ${name} (${code}) local codes -> federation shared codes (config/matters.yaml).
# One line per local code: "local code": SHARED-CODE. One-to-one: never map two local codes to
# the same shared code. Local-only matters (no shared counterpart) are simply left out.
# Every matter an agreement in config/agreements.yaml asks ${code} to handle must be here,
# and so must every material those matters list.
matters:
  # "ZZ-RS-0001": XR-SB-001 # 基本养老保险关系转移接续
  {}
materials:
  # "ZZCL-001": CL-SFZ # 居民身份证
  {}
`;

/** The regions of a federation.yaml, as far as the scaffold looks at them. */
type Regions = Array<{ code: string; http?: { port?: number }; grpc?: { port?: number } }>;

/** First free (http, grpc) pair from 8000 + the code's first three digits, grpc = http + 1000. */
function freePorts(regions: Regions, code: string): { http: number; grpc: number } {
  const used = new Set(regions.flatMap((r) => [r.http?.port, r.grpc?.port]));
  let http = 8000 + Number(code.slice(0, 3));
  while (used.has(http) || used.has(http + 1000)) http++;
  return { http, grpc: http + 1000 };
}

/** Writes the region's files; refuses (throwing, changing nothing) when they exist. */
export function scaffoldRegion(o: ScaffoldOptions): ScaffoldResult {
  if (!/^[1-8]\d{5}$/.test(o.code))
    throw new Error(`region code "${o.code}" is not a six-digit GB/T 2260 code`);
  const dir = join(o.adaptersDir, o.code);
  const files = [join(dir, "catalog.yaml"), join(dir, "mapping.yaml")];
  const existing = [...files, join(dir, "adapter.ts")].filter((f) => existsSync(f));
  if (existing.length > 0) throw new Error(`${existing.join(", ")} already exist; nothing was changed`);
  const fedPath = join(o.configDir, "federation.yaml");
  let fed: YAML.Document | undefined;
  let regions: Regions = [];
  if (o.register) {
    if (!o.name) throw new Error("--register needs --name (the region's name, e.g. 株洲市)");
    fed = YAML.parseDocument(readFileSync(fedPath, "utf8"));
    regions = (fed.toJS() as { regions?: Regions }).regions ?? [];
    if (regions.some((r) => r.code === o.code))
      throw new Error(`${fedPath} already lists ${o.code}; nothing was changed`);
  }
  const name = o.name ?? `region ${o.code}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(files[0] as string, catalogTemplate(o.code, name));
  writeFileSync(files[1] as string, mappingTemplate(o.code, name));
  if (!fed) return { created: files };
  const ports = freePorts(regions, o.code);
  const entry = fed.createNode({
    code: o.code,
    name: o.name,
    http: { host: "127.0.0.1", port: ports.http },
    grpc: { host: "127.0.0.1", port: ports.grpc },
  }) as YAMLMap;
  for (const key of ["http", "grpc"]) (entry.get(key, true) as unknown as YAMLMap).flow = true;
  // Region codes are strings: quoted, as in the rest of the file.
  (entry.get("code", true) as { type?: string }).type = "QUOTE_DOUBLE";
  (fed.get("regions", true) as YAMLSeq).items.push(entry);
  writeFileSync(fedPath, fed.toString({ lineWidth: 0 }));
  return { created: files, registered: ports };
}
