/** federation.yaml `identity` (issue 18): validated at start, each problem named by its file and key. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ConfigError, loadConfig } from "../../gateway/config/load.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";

describe("configuration: applicants' identity platform per region", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xr-config-id-"));
    cpSync(join(PROJECT_ROOT, "config"), join(dir, "config"), { recursive: true });
    cpSync(join(PROJECT_ROOT, "adapters"), join(dir, "adapters"), {
      recursive: true,
      filter: (src) => !src.endsWith(".ts"),
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const setIdentity = (yaml: string) => {
    const p = join(dir, "config", "federation.yaml");
    const text = readFileSync(p, "utf8");
    const next = text.replace(/ {4}identity:\n(?: {6}.*\n)+/, yaml);
    expect(next).to.not.equal(text);
    writeFileSync(p, next);
  };
  const problems = async () => {
    try {
      await loadConfig(join(dir, "config"), join(dir, "adapters"));
    } catch (err) {
      if (err instanceof ConfigError) return [...err.problems];
      throw err;
    }
    throw new Error("the configuration was accepted");
  };

  it("loads the shipped development setting for 长沙 with the default claim names", async () => {
    const c = await loadConfig(join(dir, "config"), join(dir, "adapters"));
    expect(c.identities.get("430100")).to.deep.include({
      audience: "xr-gateway-430100",
      devProvider: { port: 8530 },
    });
    expect(c.identities.get("430100")?.claims).to.deep.equal({
      name: "name",
      idNumber: "id_number",
      creditCode: "credit_code",
      organizationName: "org_name",
    });
    expect(c.identities.has("440100")).to.equal(false);
  });

  it("names each missing or bad key of a production setting", async () => {
    setIdentity(
      "    identity:\n      audience: xr-gateway-430100\n      jwksUrl: ftp://idp.example/jwks\n      claims: { nickname: x }\n",
    );
    const found = await problems();
    const at = (key: string) =>
      found.some((p) => p.includes("federation.yaml") && p.includes(`regions.0.identity.${key}`));
    expect(at("jwksUrl"), found.join("\n")).to.equal(true);
    expect(at("claims"), found.join("\n")).to.equal(true);
  });

  it("requires the issuer and JWKS unless the development provider is on", async () => {
    setIdentity("    identity:\n      audience: xr-gateway-430100\n");
    const found = await problems();
    expect(
      found.some((p) => p.includes("regions.0.identity.issuer") && p.includes("devProvider")),
      found.join("\n"),
    ).to.equal(true);
    expect(
      found.some((p) => p.includes("regions.0.identity.jwksUrl")),
      found.join("\n"),
    ).to.equal(true);
  });
});
