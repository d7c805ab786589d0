/** `xr kafka provision` against the real broker: creates, then changes nothing, then updates. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { describeKafka, kafkaBrokers } from "../kafka/broker.js";
import { resetXrTopics } from "../kafka/reset.js";

describeKafka("xr kafka provision", function () {
  this.timeout(120_000);
  const xr = (...args: string[]) =>
    execFileSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "gateway/cli/xr.ts"), ...args], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { ...process.env, KAFKA_BROKERS: (kafkaBrokers() ?? []).join(",") },
      stdio: ["ignore", "pipe", "pipe"],
    });
  // Two regions keep the counts readable; the default (every configured region) is the same code path.
  const base = [
    "kafka",
    "provision",
    "--regions",
    "430100,440100",
    "--replication-factor",
    "1",
    "--min-insync",
    "1",
  ];

  before(async () => {
    await resetXrTopics(kafkaBrokers() ?? []);
  });

  it("creates every region's four topics, then reports them unchanged, then applies a change", () => {
    const first = xr(...base, "--partitions", "3");
    expect(first).to.match(/^created\s+xr\.v1\.intake\.430100\s+3 partitions, rf 1$/m);
    expect(first).to.match(/^created\s+xr\.v1\.dlq\.440100/m);
    expect(first.trim().split("\n").at(-1)).to.equal("8 created, 0 updated, 0 unchanged");
    const again = xr(...base, "--partitions", "3");
    expect(again.trim().split("\n").at(-1)).to.equal("0 created, 0 updated, 8 unchanged");
    const grown = xr(...base, "--partitions", "4", "--retention-days", "14");
    expect(grown).to.match(
      /^updated\s+xr\.v1\.handling\.440100\s+partitions 3 → 4, retention\.ms 604800000 → 1209600000$/m,
    );
    expect(grown).to.match(/^updated\s+xr\.v1\.dlq\.430100\s+partitions 3 → 4$/m);
    expect(grown.trim().split("\n").at(-1)).to.equal("0 created, 8 updated, 0 unchanged");
  });

  it("refuses settings that cannot work, naming the option", () => {
    let message = "";
    try {
      xr("kafka", "provision", "--replication-factor", "1", "--min-insync", "2");
    } catch (err) {
      message = String((err as { stderr?: string }).stderr);
    }
    expect(message).to.include("--min-insync cannot exceed --replication-factor");
  });
});
