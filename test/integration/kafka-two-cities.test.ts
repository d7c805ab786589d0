/**
 * Two cities as two OS processes that share nothing but a real Kafka broker:
 * the foundation's scenario, and a poison record that goes to the dead-letter
 * topic without stopping the partition.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Kafka, logLevel } from "kafkajs";
import { wrongVersionEnvelope } from "../helpers/cases.js";
import { call } from "../helpers/federation.js";
import { pensionTransfer } from "../helpers/fixtures.js";
import { type GatewayProcess, startCity } from "../helpers/gateway-process.js";
import { statusAt, takeCaseToDelivery } from "../helpers/scenario.js";
import { describeKafka, kafkaBrokers } from "../kafka/broker.js";
import { resetXrTopics } from "../kafka/reset.js";

describeKafka("two cities as two processes over Kafka", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const cities = new Map<string, GatewayProcess>();
  const api = (region: string) => `${cities.get(region)?.urls.get(region)}/api/v1`;

  before(async () => {
    const brokers = kafkaBrokers() ?? [];
    await resetXrTopics(brokers);
    for (const region of ["430100", "440100"]) {
      const dir = mkdtempSync(join(tmpdir(), `xr-kafka-${region}-`));
      dirs.push(dir);
      cities.set(region, await startCity(region, dir, brokers));
    }
  });
  after(async () => {
    for (const c of cities.values()) await c.stop();
    cities.clear();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("takes a case from intake to delivery with each city in its own process", async () => {
    await takeCaseToDelivery(api);
  });

  it("dead-letters undecodable and wrong-version records with their reason and keeps consuming", async () => {
    const kafka = new Kafka({
      clientId: "xr-test-poison",
      brokers: kafkaBrokers() ?? [],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "xr.v1.intake.440100",
      messages: ["p-1", "p-2", "p-3", "p-4", "p-5", "p-6"].map((key) => ({
        key,
        value: Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37]),
        headers: { "xr-source": "430100", "xr-target": "440100", "xr-type": "CaseSubmitted" },
      })),
    });
    const wrongVersion = wrongVersionEnvelope("430100", "440100");
    await producer.send({
      topic: "xr.v1.intake.440100",
      messages: [{ key: "p-7", value: Buffer.from(wrongVersion) }],
    });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `xr-test-dlq-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: "xr.v1.dlq.440100", fromBeginning: true });
    const reasons: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        reasons.push(String(message.headers?.["xr-dlq-reason"] ?? ""));
      },
    });
    try {
      const created = await call("POST", `${api("430100")}/cases`, pensionTransfer());
      await statusAt(api("440100"), created.body.caseId, "FORWARDED");
      for (let i = 0; i < 200 && reasons.length < 7; i++) await new Promise((r) => setTimeout(r, 100));
      expect(reasons).to.have.length(7);
      expect(reasons.filter((r) => /undecodable envelope/.test(r))).to.have.length(6);
      expect(reasons.filter((r) => /unsupported schema version 2/.test(r))).to.have.length(1);
    } finally {
      await consumer.disconnect();
    }
  });

  it("shuts down cleanly on SIGTERM: in-flight work finished, offsets committed, exit code 0", async () => {
    for (const [region, c] of cities) expect(await c.stop(), region).to.equal(0);
    cities.clear();
  });
});
