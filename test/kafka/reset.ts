/** Gives a Kafka test a clean federation: no xr.v1 topics and no gateway consumer groups left from others. */
import { Kafka, logLevel } from "kafkajs";

/** Deletes every `xr.v1.*` topic and `xr-gateway-*` consumer group on the broker. */
export async function resetXrTopics(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: "xr-test-reset", brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith("xr-gateway-"));
    // A group whose members have not left yet cannot be deleted; its offsets go with the topics below.
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith("xr.v1."));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    // Deletion is asynchronous in the controller: wait until the names are gone.
    for (let i = 0; i < 100; i++) {
      const left = (await admin.listTopics()).filter((t) => t.startsWith("xr.v1."));
      if (left.length === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("xr.v1 topics were not deleted within 10 s");
  } finally {
    await admin.disconnect();
  }
}
