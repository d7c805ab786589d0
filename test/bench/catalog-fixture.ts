/**
 * The production shape of the catalog benchmark: one hosted region with a
 * catalog of `matters` matters (declarative adapter: catalog.json and
 * mapping.yaml) and `partners` cooperation partners, whose catalogs of as many
 * matters are already in the host's ledger, stored through the catalog store
 * as a versioned gRPC pull would have stored them. Names are made of the
 * subjects and acts of real catalogs (config/matters.yaml).
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HandlingMode } from "../../gateway/domain/case.js";
import type { Matter } from "../../gateway/domain/matter.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { SqliteCatalogStore } from "../../gateway/store/sqlite/catalogs.js";

/** The hosted region. */
export const HOST = "430200";
/** Where the hosted region's REST API listens. */
export const HOST_HTTP_PORT = 21_000;

const SUBJECTS = [
  "基本养老保险",
  "城乡居民医疗保险",
  "失业保险",
  "工伤保险",
  "住房公积金",
  "户籍",
  "居民身份证",
  "不动产",
  "营业执照",
  "食品经营许可证",
  "社会保障卡",
  "出生医学证明",
  "残疾人证",
  "机动车驾驶证",
  "道路运输经营许可证",
  "药品经营许可证",
  "林木采伐许可证",
  "建设工程规划许可证",
  "职业资格证书",
  "退役军人优待证",
];
const ACTS = [
  "关系转移接续",
  "参保登记",
  "变更登记",
  "注销登记",
  "补领",
  "换领",
  "信息查询",
  "待遇申领",
  "年度审验",
  "备案",
  "迁移",
  "证明开具",
];
const SCOPES = ["（跨省）", "（省内）", "", "（企业）", "（个人）"];
const MATERIALS = ["CL-SFZ", "CL-SQB", "CL-YYZZ", "CL-HKB", "CL-CBPZ"];

/** The shared name of matter `i`. */
export function matterName(i: number): string {
  const subject = SUBJECTS[i % SUBJECTS.length] as string;
  const act = ACTS[Math.floor(i / SUBJECTS.length) % ACTS.length] as string;
  const scope = SCOPES[Math.floor(i / (SUBJECTS.length * ACTS.length)) % SCOPES.length] as string;
  return `${subject}${act}${scope}`;
}

/** Shared code of matter `i`: XR-AA-000 … */
export function sharedCode(i: number): string {
  const hi = Math.floor(i / 1000);
  return `XR-${String.fromCharCode(65 + Math.floor(hi / 26), 65 + (hi % 26))}-${String(i % 1000).padStart(3, "0")}`;
}

/** Region code of partner `p` (GB/T 2260-shaped). */
export function partnerCode(p: number): string {
  return String(110100 + p * 100);
}

/** Writes config/ and the host's adapter under `dir`. */
export function writeFederation(dir: string, partners: number, matters: number): void {
  const config = join(dir, "config");
  mkdirSync(config, { recursive: true });
  for (const f of ["holidays.yaml", "staff.yaml", "signing-keys.yaml"])
    copyFileSync(join(PROJECT_ROOT, "config", f), join(config, f));
  // A generated federation-wide catalog of this size is kept as matters.json (see sharedCatalogFile).
  const shared = {
    version: "bench.1",
    materials: MATERIALS.map((code) => ({ code, name: `材料${code}` })),
    matters: Array.from({ length: matters }, (_, i) => ({
      code: sharedCode(i),
      name: matterName(i),
      category: "BM",
      applicant: "ANY",
      modes: ["FULL_ONLINE", "REMOTE_INTAKE"],
      promisedDays: 20,
      materials: [{ code: MATERIALS[i % 5], required: true }],
    })),
  };
  writeFileSync(join(config, "matters.json"), JSON.stringify(shared));
  const codes = [HOST, ...Array.from({ length: partners }, (_, p) => partnerCode(p))];
  writeFileSync(
    join(config, "federation.yaml"),
    [
      "name: bench",
      "grpc: { security: plaintext, generateDevKeys: true }",
      "regions:",
      ...codes.map(
        (c, r) =>
          `  - { code: "${c}", name: 区${r}, http: { host: 127.0.0.1, port: ${HOST_HTTP_PORT + r} }, grpc: { host: 127.0.0.1, port: ${31000 + r} } }`,
      ),
    ].join("\n"),
  );
  writeFileSync(
    join(config, "agreements.yaml"),
    [
      "agreements:",
      ...codes
        .slice(1)
        .map(
          (c) =>
            `  - { from: "${HOST}", to: "${c}", signed: 2026-03-18, matters: [{ code: XR-AA-001, modes: [REMOTE_INTAKE] }] }`,
        ),
    ].join("\n"),
  );
  const d = join(dir, "adapters", HOST);
  mkdirSync(d, { recursive: true });
  const items = Array.from({ length: matters }, (_, i) => ({
    localCode: `ZZ-${i}`,
    name: `株洲市${matterName(i)}`,
    department: "株洲市政务服务中心",
    promisedDays: 10,
    modes: ["全程网办", "异地代收代办"],
    materials: [{ localCode: `ZZ-M${i % 5}`, name: "居民身份证", required: true }],
  }));
  writeFileSync(join(d, "catalog.json"), JSON.stringify({ version: "ZZ.1", region: HOST, matters: items }));
  const mapping = [
    "matters:",
    ...items.map((_, i) => `  "ZZ-${i}": ${sharedCode(i)}`),
    "materials:",
    ...MATERIALS.map((m, i) => `  "ZZ-M${i}": ${m}`),
  ];
  writeFileSync(join(d, "mapping.yaml"), `${mapping.join("\n")}\n`);
}

/** A partner's catalog as its pull brings it. */
function partnerCatalog(region: string, version: string, matters: number): Matter[] {
  return Array.from({ length: matters }, (_, i) => ({
    code: sharedCode(i),
    name: matterName(i),
    regionCode: region,
    localCode: `${region}-${i}`,
    localName: `区${region}${matterName(i)}`,
    department: `${region}政务服务中心`,
    promisedDays: 10 + (i % 10),
    modes: [HandlingMode.FULL_ONLINE, HandlingMode.REMOTE_INTAKE],
    materials: [{ materialCode: MATERIALS[i % 5] as string, name: "居民身份证", required: true }],
    category: "BM",
    catalogVersion: version,
    applicant: "ANY",
  }));
}

/** Stores `partners` catalogs of `matters` matters in the host's ledger under `dataDir`. */
export async function seedPartners(dataDir: string, partners: number, matters: number): Promise<void> {
  const store = new SqliteCatalogStore(join(dataDir, HOST, "ledger.db"));
  try {
    for (let p = 0; p < partners; p++) {
      const region = partnerCode(p);
      await store.save(region, `${region}.1`, partnerCatalog(region, `${region}.1`, matters));
    }
  } finally {
    await store.close();
  }
}
