/**
 * Mocha root hooks: a real Kafka broker for the suites that need one. Uses
 * XR_TEST_KAFKA_BROKERS when set (the tests delete xr.v1 topics there); otherwise, when Java is
 * present, starts the local KRaft broker of test/kafka/kafka.sh on its own
 * port and stops it after the run. With XR_REQUIRE_KAFKA=1 (as .ci/run sets)
 * a missing broker fails the Kafka suites instead of skipping them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../gateway/paths.js";

const TEST_PORT = "19192";
let started = false;
let unavailable = "";

function javaPresent(): boolean {
  return spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0;
}

/** Brokers for Kafka suites, or undefined with the reason in {@link kafkaUnavailable}. */
export function kafkaBrokers(): string[] | undefined {
  // Never KAFKA_BROKERS: a developer's gateway setting must not point the tests (which delete
  // xr.v1 topics) at a broker that matters.
  const list = process.env.XR_TEST_KAFKA_BROKERS;
  return list ? list.split(",") : undefined;
}

/** The port of the broker this run started itself (undefined when it uses one given from outside). */
export function startedBrokerPort(): number | undefined {
  return started ? Number(TEST_PORT) : undefined;
}

/** Which broker the suites run against, for test titles. */
export function kafkaLabel(): string {
  if (started) return `Apache Kafka ${process.env.KAFKA_VERSION ?? "3.9.1"}, local KRaft`;
  return `broker ${kafkaBrokers()?.join(",") ?? "none"}`;
}

/** Why no broker is available ("" when one is). */
export function kafkaUnavailable(): string {
  return unavailable;
}

/** `describe` for suites that need a real broker: skipped without one, failed if XR_REQUIRE_KAFKA=1. */
export function describeKafka(title: string, body: (this: Mocha.Suite) => void): void {
  describe(title, function () {
    if (kafkaBrokers()) {
      body.call(this);
      return;
    }
    if (process.env.XR_REQUIRE_KAFKA === "1") {
      it("has a Kafka broker (XR_REQUIRE_KAFKA=1)", () => {
        throw new Error(`no Kafka broker: ${unavailable || "not started"}`);
      });
      return;
    }
    it.skip(`needs a Kafka broker: ${unavailable || "not started"}`);
  });
}

/**
 * Starts the broker when mocha loads this file (through .mocharc.json's
 * "require"), before any suite is defined: describeKafka decides at load
 * time whether its tests run.
 */
function startBroker(): void {
  if (kafkaBrokers()) return;
  if (!javaPresent()) {
    unavailable = "Java is not installed, so the local broker cannot start";
    return;
  }
  try {
    execFileSync(join(PROJECT_ROOT, "test/kafka/kafka.sh"), ["up"], {
      env: { ...process.env, KAFKA_PORT: TEST_PORT },
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 300_000,
    });
    started = true;
    process.env.XR_TEST_KAFKA_BROKERS = `127.0.0.1:${TEST_PORT}`;
  } catch (err) {
    unavailable = `test/kafka/kafka.sh up failed: ${(err as Error).message}`;
  }
}

startBroker();

/** Root hooks: stop the broker this run started. */
export const mochaHooks = {
  afterAll(this: Mocha.Context) {
    if (!started) return;
    this.timeout(60_000);
    execFileSync(join(PROJECT_ROOT, "test/kafka/kafka.sh"), ["down"], {
      env: { ...process.env, KAFKA_PORT: TEST_PORT },
      stdio: "ignore",
    });
  },
};
