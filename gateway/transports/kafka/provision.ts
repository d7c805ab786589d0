/**
 * Creates, or brings in line, the per-region topics of the federation on a
 * Kafka cluster: partitions, replication factor, min.insync.replicas and
 * retention. Idempotent: a second run changes nothing and says so.
 */
import kafkajs from "kafkajs";
import { dlqTopic, inboxTopics } from "../../domain/events.js";

// kafkajs is CommonJS; Node's named-export detection misses these enums.
const {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
} = kafkajs;

/** SASL/SCRAM credentials of a Kafka client. */
export interface KafkaSasl {
  readonly mechanism: "scram-sha-256";
  readonly username: string;
  readonly password: string;
}

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

const DAY_MS = 86_400_000;

/** A connected admin client of the provisioning tool. */
async function connectAdmin(brokers: readonly string[], sasl: KafkaSasl | undefined) {
  const admin = new Kafka({
    clientId: "xr-provision",
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    ...(sasl ? { sasl } : {}),
  }).admin();
  await admin.connect();
  return admin;
}

/** Provisions the topics of `regions` on `brokers`; returns one line per topic. */
export async function provisionTopics(
  brokers: readonly string[],
  regions: readonly string[],
  spec: TopicSpec,
  sasl?: KafkaSasl,
): Promise<ProvisionLine[]> {
  const admin = await connectAdmin(brokers, sasl);
  try {
    // Every topic a region receives on, its dead-letter topic included.
    const wanted = regions.flatMap((r) => [...inboxTopics(r), dlqTopic(r)]);
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
      const detail = `${spec.partitions} partitions, rf ${spec.replicationFactor}`;
      lines.push(...toCreate.map((topic) => ({ topic, action: "created" as const, detail })));
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
        const was = (name: string) => current.find((c) => c.configName === name)?.configValue ?? "default";
        changes.push(...differing.map(([name, value]) => `${name} ${was(name)} → ${value}`));
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

/** One access rule: `principal` may do `operations` on resources whose name starts with `prefix`. */
export interface AclRule {
  readonly principal: string;
  readonly resource: "topic" | "group" | "cluster";
  /** Prefixed name (topics, groups); "kafka-cluster" for the cluster. */
  readonly name: string;
  readonly operations: ReadonlyArray<"READ" | "WRITE" | "DESCRIBE" | "IDEMPOTENT_WRITE">;
}

/**
 * Least privilege per region: read its own inbox topics and consumer group,
 * write (only) to the inbox topics of regions it has an agreement with, and
 * its own dead-letter topic.
 */
export function regionAcls(region: string, partners: readonly string[]): AclRule[] {
  // The principal a region's gateway authenticates as.
  const principal = `User:xr-${region}`;
  return [
    ...inboxTopics(region).map(
      (name): AclRule => ({ principal, resource: "topic", name, operations: ["READ", "DESCRIBE"] }),
    ),
    { principal, resource: "topic", name: dlqTopic(region), operations: ["READ", "WRITE", "DESCRIBE"] },
    ...partners.flatMap((p) =>
      inboxTopics(p).map(
        (name): AclRule => ({ principal, resource: "topic", name, operations: ["WRITE", "DESCRIBE"] }),
      ),
    ),
    { principal, resource: "group", name: `xr-gateway-${region}`, operations: ["READ"] },
    { principal, resource: "cluster", name: "kafka-cluster", operations: ["IDEMPOTENT_WRITE"] },
  ];
}

/** Creates the ACLs of `rules` (prefixed patterns); creating an existing ACL changes nothing. */
export async function provisionAcls(
  brokers: readonly string[],
  rules: readonly AclRule[],
  sasl?: KafkaSasl,
): Promise<ProvisionLine[]> {
  const admin = await connectAdmin(brokers, sasl);
  try {
    const resourceType = {
      topic: AclResourceTypes.TOPIC,
      group: AclResourceTypes.GROUP,
      cluster: AclResourceTypes.CLUSTER,
    } as const;
    const acl = rules.flatMap((r) =>
      r.operations.map((op) => ({
        resourceType: resourceType[r.resource],
        resourceName: r.name,
        resourcePatternType:
          r.resource === "cluster" ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
        principal: r.principal,
        host: "*",
        operation: AclOperationTypes[op],
        permissionType: AclPermissionTypes.ALLOW,
      })),
    );
    await admin.createAcls({ acl });
    return rules.map((r) => ({
      topic: `${r.resource} ${r.name}${r.resource === "cluster" ? "" : "*"}`,
      action: "updated" as const,
      detail: `${r.principal} may ${r.operations.join(", ")}`,
    }));
  } finally {
    await admin.disconnect();
  }
}
