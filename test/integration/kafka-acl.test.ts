/**
 * Kafka access control on a real broker: the harness's SASL/SCRAM broker
 * with the standard authorizer, ACLs from `xr kafka provision --acls`, and
 * proof that 430100's principal cannot read 广州's inbox while the flows the
 * agreements need (430100 writes to it, 440100 reads it) work.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import kafkajs from "kafkajs";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { provisionAcls, provisionTopics, regionAcls } from "../../gateway/transports/kafka/provision.js";
import { describeKafka } from "../kafka/broker.js";

const { Kafka, logLevel } = kafkajs;
const PORT = "19292";
const BROKERS = [`127.0.0.1:${PORT}`];
const sasl = (username: string) => ({
  mechanism: "scram-sha-256" as const,
  username,
  password: `${username}-secret`,
});
const kafka = (username: string) =>
  new Kafka({
    clientId: `acl-test-${username}`,
    brokers: BROKERS,
    sasl: sasl(username),
    logLevel: logLevel.NOTHING,
  });
const harness = (cmd: "up" | "down") =>
  execFileSync(join(PROJECT_ROOT, "test/kafka/kafka.sh"), [cmd], {
    env: { ...process.env, KAFKA_SASL: "1", KAFKA_PORT: PORT },
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 300_000,
  });

describeKafka("Kafka ACLs: SASL/SCRAM broker, prefixed ACLs per region principal", function () {
  this.timeout(120_000);
  before(function () {
    this.timeout(300_000);
    harness("up");
  });
  after(() => {
    harness("down");
  });

  it("provisions topics and each region's ACLs as the admin", async () => {
    const admin = sasl("admin");
    await provisionTopics(
      BROKERS,
      ["430100", "440100"],
      { partitions: 1, replicationFactor: 1, minInsyncReplicas: 1, retentionDays: 1, dlqRetentionDays: 1 },
      admin,
    );
    const lines = await provisionAcls(
      BROKERS,
      [...regionAcls("430100", ["440100"]), ...regionAcls("440100", ["430100"])],
      admin,
    );
    expect(lines.map((l) => l.topic)).to.include("topic xr.v1.intake.440100*");
  });

  it("refuses a region principal what no ACL grants (creating a topic)", async () => {
    const admin = kafka("xr-440100").admin();
    await admin.connect();
    try {
      const err = await admin.createTopics({ topics: [{ topic: "xr.v1.intake.999999" }] }).then(
        () => undefined,
        (e: Error) => e,
      );
      const detail = JSON.stringify((err as { errors?: unknown } | undefined)?.errors ?? err?.message);
      expect(detail).to.match(/AUTHORIZATION_FAILED/);
    } finally {
      await admin.disconnect();
    }
  });

  it("lets 430100 write to 广州's inbox and 440100 read it", async () => {
    const producer = kafka("xr-430100").producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: "xr.v1.intake.440100",
      acks: -1,
      messages: [{ key: "acl", value: "from 长沙" }],
    });
    await producer.disconnect();
    const consumer = kafka("xr-440100").consumer({ groupId: "xr-gateway-440100-acl-test" });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: ["xr.v1.intake.440100"], fromBeginning: true });
      const got = await new Promise<string>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
        void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
      });
      expect(got).to.equal("from 长沙");
    } finally {
      await consumer.disconnect();
    }
  });

  it("refuses 430100's principal when it tries to read xr.v1.intake.440100", async () => {
    const consumer = kafka("xr-430100").consumer({
      groupId: "xr-gateway-430100-acl-test",
      retry: { retries: 0 },
    });
    await consumer.connect();
    try {
      const err = await (async () => {
        try {
          await consumer.subscribe({ topics: ["xr.v1.intake.440100"], fromBeginning: true });
          return await new Promise<Error>((resolve) => {
            consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error));
            void consumer.run({ eachMessage: async () => undefined }).catch(resolve);
          });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(`${err.name} ${err.message} ${(err as { type?: string }).type ?? ""}`).to.match(
        /TOPIC_AUTHORIZATION_FAILED|not authorized/i,
      );
    } finally {
      await consumer.disconnect();
    }
  });
});
