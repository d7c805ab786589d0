/** config/ is validated at start: every problem named with its file and key, nothing started. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ConfigError, loadConfig } from "../../gateway/config/load.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { optionsFromEnv } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";

describe("configuration validation", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xr-config-"));
    cpSync(join(PROJECT_ROOT, "config"), join(dir, "config"), { recursive: true });
    // Only the adapters' data: their code is found where the project keeps it.
    cpSync(join(PROJECT_ROOT, "adapters"), join(dir, "adapters"), {
      recursive: true,
      filter: (src) => !src.endsWith(".ts"),
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, from: string | RegExp, to: string) => {
    const p = join(dir, file);
    const text = readFileSync(p, "utf8");
    const next = text.replace(from, to);
    expect(next, `fixture edit of ${file}`).to.not.equal(text);
    writeFileSync(p, next);
  };

  async function problems(): Promise<string[]> {
    try {
      await loadConfig(join(dir, "config"), join(dir, "adapters"));
    } catch (err) {
      if (err instanceof ConfigError) return [...err.problems];
      throw err;
    }
    throw new Error("the configuration was accepted");
  }

  it("loads the shipped configuration", async () => {
    const c = await loadConfig(join(dir, "config"), join(dir, "adapters"));
    expect([...c.federation.regions.keys()]).to.deep.equal([
      "430100",
      "440100",
      "420100",
      "360100",
      "430181",
    ]);
  });

  it("reads the shared catalog from matters.json when there is one, and names it in problems", async () => {
    const yaml = (await import("yaml")).default;
    const shared = yaml.parse(readFileSync(join(dir, "config/matters.yaml"), "utf8"));
    rmSync(join(dir, "config/matters.yaml"));
    writeFileSync(join(dir, "config/matters.json"), JSON.stringify(shared));
    const c = await loadConfig(join(dir, "config"), join(dir, "adapters"));
    expect(c.catalogs.get("440100")?.matters.length).to.be.greaterThan(0);
    shared.matters[0].promisedDays = 0;
    writeFileSync(join(dir, "config/matters.json"), JSON.stringify(shared));
    expect((await problems()).join("\n")).to.match(/matters\.json: matters\.0\.promisedDays: /);
  });

  it("names the line of a local code a mapping lists twice", async () => {
    edit(
      "adapters/430181/mapping.yaml",
      /^matters:\n/m,
      'matters:\n  "LY-RS-0012": XR-SB-001\n  "LY-RS-0012": XR-SB-001\n',
    );
    expect((await problems()).join("\n")).to.match(
      /mapping\.yaml line 6: Map keys must be unique: LY-RS-0012/,
    );
  });

  it("names the file and key of each problem, all at once", async () => {
    edit("config/federation.yaml", "port: 8440", "port: 99999");
    edit("config/matters.yaml", "promisedDays: 15", "promisedDays: 0");
    edit("config/agreements.yaml", /signed: 2026-03-18/, "signed: 2026-03-18\n    notes: urgent");
    const found = await problems();
    expect(found).to.have.length(3, found.join("\n"));
    expect(found.some((p) => p.includes("federation.yaml: regions.1.http.port"))).to.equal(
      true,
      found.join("\n"),
    );
    expect(found.some((p) => /matters\.yaml: matters\.\d+\.promisedDays/.test(p))).to.equal(
      true,
      found.join("\n"),
    );
    expect(found.some((p) => p.includes("agreements.yaml: agreements.0") && p.includes("notes"))).to.equal(
      true,
      found.join("\n"),
    );
  });

  it("refuses an agreement on a matter the handling region does not implement", async () => {
    edit(
      "config/agreements.yaml",
      "{ code: XR-SB-001, modes: [FULL_ONLINE, REMOTE_INTAKE] }",
      "{ code: XR-SB-999, modes: [REMOTE_INTAKE] }",
    );
    const found = await problems();
    expect(found).to.have.length(1, found.join("\n"));
    expect(
      found.some((p) => p.includes("agreements.0.matters.0.code: 440100 does not implement XR-SB-999")),
    ).to.equal(true, found.join("\n"));
  });

  it("reads the 好差评 tags (rating.tags), the built-in list when left out, and refuses a repeated tag", async () => {
    const { DEFAULT_RATING_TAGS } = await import("../../gateway/domain/rating.js");
    expect((await loadConfig(join(dir, "config"), join(dir, "adapters"))).ratingTags).to.deep.equal(
      DEFAULT_RATING_TAGS,
    );
    edit("config/federation.yaml", /^audit:/m, "rating: { tags: [办事效率高, 窗口排队久] }\naudit:");
    expect((await loadConfig(join(dir, "config"), join(dir, "adapters"))).ratingTags).to.deep.equal([
      "办事效率高",
      "窗口排队久",
    ]);
    edit("config/federation.yaml", "窗口排队久]", "办事效率高]");
    expect((await problems()).some((p) => p.includes("federation.yaml: rating.tags"))).to.equal(true);
  });

  it("refuses a mapping that sends two local codes to one shared code", async () => {
    edit("adapters/430100/mapping.yaml", /"430100-GA-0105": XR-HJ-002/, '"430100-GA-0105": XR-HJ-001');
    const found = await problems();
    expect(found.length).to.be.greaterThan(0);
    expect(
      found.some((p) => p.includes("mapping.yaml: matters.430100-GA-0105: XR-HJ-001 is already mapped")),
    ).to.equal(true, found.join("\n"));
  });

  it("refuses environment settings it cannot honour, naming the variable", () => {
    const log = createLogger("silent");
    expect(() => optionsFromEnv({ XR_REGIONS: "430100,abc" }, log)).to.throw(
      ConfigError,
      /XR_REGIONS: "abc"/,
    );
    expect(() => optionsFromEnv({ KAFKA_BROKERS: "127.0.0.1:9092,broker-two" }, log)).to.throw(
      ConfigError,
      /KAFKA_BROKERS: "broker-two" is not host:port/,
    );
    expect(
      optionsFromEnv({ KAFKA_BROKERS: "127.0.0.1:9092, kafka-2.gz.example:9093" }, log).kafkaBrokers,
    ).to.deep.equal(["127.0.0.1:9092", "kafka-2.gz.example:9093"]);
    expect(optionsFromEnv({ XR_REGIONS: "440100" }, log).regions).to.deep.equal(["440100"]);
  });
});
