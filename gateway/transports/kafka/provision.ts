/**
 * Creates, or brings in line, the per-region topics of the federation on a
 * Kafka cluster: partitions, replication factor, min.insync.replicas and
 * retention. Idempotent: a second run changes nothing and says so.
 */
import kafkajs from "kafkajs";

// kafkajs is CommonJS; Node's named-export detection misses this enum.
const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;

import { dlqTopic, inboxTopics } from "../../domain/events.js";

/** What the topics should look like. */
export interface TopicSpec {
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly retentionDays: number;
  /** Dead letters are kept longer: an operator has to look at them. */
  readonly dlqRetentionDays: number;
}

/** What happened to one topic. */
export interface ProvisionLine {
  readonly topic: string;
  readonly action: "created" | "updated" | "unchanged";
  readonly detail: string;
}

/** Every topic a region receives on, its dead-letter topic included. */
export function regionTopics(regions: readonly string[]): string[] {
  return regions.flatMap((r) => [...inboxTopics(r), dlqTopic(r)]);
}

const DAY_MS = 86_400_000;

/** Provisions the topics of `regions` on `brokers`; returns one line per topic. */
export async function provisionTopics(
  brokers: readonly string[],
  regions: readonly string[],
  spec: TopicSpec,
): Promise<ProvisionLine[]> {
  const admin = new Kafka({
    clientId: "xr-provision",
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const wanted = regionTopics(regions);
    const configOf = (topic: string) => ({
      "min.insync.replicas": String(spec.minInsyncReplicas),
      "retention.ms": String(
        (topic.startsWith("xr.v1.dlq.") ? spec.dlqRetentionDays : spec.retentionDays) * DAY_MS,
      ),
    });
    const existing = new Set(await admin.listTopics());
    const lines: ProvisionLine[] = [];
    const toCreate = wanted.filter((t) => !existing.has(t));
    if (toCreate.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: toCreate.map((topic) => ({
          topic,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(configOf(topic)).map(([name, value]) => ({ name, value })),
        })),
      });
      for (const topic of toCreate) {
        lines.push({
          topic,
          action: "created",
          detail: `${spec.partitions} partitions, rf ${spec.replicationFactor}`,
        });
      }
    }
    const present = wanted.filter((t) => existing.has(t));
    if (present.length === 0) return lines;
    const meta = await admin.fetchTopicMetadata({ topics: present });
    // Every setting, not just ours: the AlterConfigs API replaces a topic's whole set.
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    });
    for (const topic of present) {
      const changes: string[] = [];
      const partitionList = meta.topics.find((t) => t.name === topic)?.partitions ?? [];
      const partitions = partitionList.length;
      const replicas = partitionList[0]?.replicas.length ?? 0;
      if (replicas < spec.replicationFactor) {
        // Kafka cannot raise it in place: say so loudly rather than report the topic as fine.
        changes.push(
          `WARNING replication factor ${replicas} < ${spec.replicationFactor}; reassign partitions to fix`,
        );
      }
      if (partitions < spec.partitions) {
        await admin.createPartitions({ topicPartitions: [{ topic, count: spec.partitions }] });
        changes.push(`partitions ${partitions} → ${spec.partitions}`);
      }
      const current = configs.resources.find((r) => r.resourceName === topic)?.configEntries ?? [];
      const desired = configOf(topic);
      const differing = Object.entries(desired).filter(
        ([name, value]) => current.find((c) => c.configName === name)?.configValue !== value,
      );
      if (differing.length > 0) {
        const kept = current
          .filter((c) => !c.isDefault && !c.readOnly && !(c.configName in desired))
          .map((c) => ({ name: c.configName, value: c.configValue }));
        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: ConfigResourceTypes.TOPIC,
              name: topic,
              configEntries: [...kept, ...Object.entries(desired).map(([name, value]) => ({ name, value }))],
            },
          ],
        });
        for (const [name, value] of differing) {
          changes.push(
            `${name} ${current.find((c) => c.configName === name)?.configValue ?? "default"} → ${value}`,
          );
        }
      }
      lines.push(
        changes.length > 0
          ? { topic, action: "updated", detail: changes.join(", ") }
          : { topic, action: "unchanged", detail: `${partitions} partitions` },
      );
    }
    return lines;
  } finally {
    await admin.disconnect();
  }
}
