/**
 * Generates a large federation for the catalog benchmark: a shared catalog of
 * `matters` matters and `regions` declarative regions, each with a catalog
 * (catalog.json, the declarative format) of all of them and its mapping.yaml.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../gateway/paths.js";

const MODES = ["全程网办", "异地代收代办"];

/** Region code number `i` (6 digits, GB/T 2260-shaped). */
export function regionCode(i: number): string {
  return String(110100 + i * 100);
}

/** Writes config/ and adapters/ under `dir`; returns the region codes. */
export function generateFederation(dir: string, regions: number, matters: number): string[] {
  const config = join(dir, "config");
  mkdirSync(config, { recursive: true });
  copyFileSync(join(PROJECT_ROOT, "config/holidays.yaml"), join(config, "holidays.yaml"));
  const materials = Array.from(
    { length: 26 * 26 },
    (_, i) => `CL-${String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26))}`,
  );
  const shared = [
    'version: "bench.1"',
    "materials:",
    ...materials.map((c) => `  - { code: ${c}, name: 材料${c} }`),
    "matters:",
    ...Array.from({ length: matters }, (_, i) => {
      const code = `XR-${String.fromCharCode(65 + (Math.floor(i / 1000 / 26) % 26), 65 + (Math.floor(i / 1000) % 26))}-${String(i % 1000).padStart(3, "0")}`;
      return `  - { code: ${code}, name: 事项${i}, category: BM, applicant: PERSON, modes: [FULL_ONLINE, REMOTE_INTAKE], promisedDays: 20, materials: [{ code: ${materials[i % materials.length]}, required: true }, { code: ${materials[(i + 1) % materials.length]}, required: false }] }`;
    }),
  ];
  writeFileSync(join(config, "matters.yaml"), `${shared.join("\n")}\n`);
  const codes = Array.from({ length: regions }, (_, r) => regionCode(r));
  const sharedCode = (i: number) =>
    `XR-${String.fromCharCode(65 + (Math.floor(i / 1000 / 26) % 26), 65 + (Math.floor(i / 1000) % 26))}-${String(i % 1000).padStart(3, "0")}`;
  writeFileSync(
    join(config, "federation.yaml"),
    [
      "name: bench",
      "grpc: { security: plaintext }",
      "regions:",
      ...codes.map(
        (c, r) =>
          `  - { code: "${c}", name: 区${r}, http: { host: 127.0.0.1, port: ${20000 + r} }, grpc: { host: 127.0.0.1, port: ${30000 + r} } }`,
      ),
    ].join("\n"),
  );
  writeFileSync(join(config, "agreements.yaml"), "agreements: []\n");
  for (const c of codes) {
    const d = join(dir, "adapters", c);
    mkdirSync(d, { recursive: true });
    const items = Array.from({ length: matters }, (_, i) => ({
      localCode: `${c}-${i}`,
      name: `本地事项${i}`,
      department: `${c}局`,
      promisedDays: 10,
      modes: MODES,
      materials: [
        { localCode: `${c}-M${i % materials.length}`, name: "居民身份证", required: true },
        { localCode: `${c}-M${(i + 1) % materials.length}`, name: "申请表", required: false },
      ],
    }));
    writeFileSync(join(d, "catalog.json"), JSON.stringify({ version: `${c}.1`, region: c, matters: items }));
    const mapping = [
      "matters:",
      ...items.map((_, i) => `  "${c}-${i}": ${sharedCode(i)}`),
      "materials:",
      ...materials.map((m, i) => `  "${c}-M${i}": ${m}`),
    ];
    writeFileSync(join(d, "mapping.yaml"), `${mapping.join("\n")}\n`);
  }
  return codes;
}
