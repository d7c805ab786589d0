/**
 * The Kafka transport (kafkajs) behind the same Bus port as the embedded bus.
 * Records are published by an idempotent producer with acks from all in-sync
 * replicas; each subscription is one consumer group whose offsets are
 * committed only after the handler resolved, that is after the event is in
 * the ledger. Within a fetched batch, records of one key (one case) are
 * handled in order and different keys in parallel. A failing record holds its
 * key for the rest of the batch; the batch is committed up to the record
 * before it and, after a pause, fetched again from there (the handler has its
 * own retry policy: this only redelivers). Other partitions go on.
 */
import kafkajs, {
  type Admin,
  type Consumer,
  Kafka,
  type KafkaConfig,
  type KafkaMessage,
  logLevel,
  type Producer,
} from "kafkajs";

// Node's detection of CommonJS named exports misses this one.
const { Partitioners } = kafkajs;

import type { Logger } from "pino";
import type { Bus, BusMessage, BusRecord, SubscribeOptions, Subscription } from "../../ports/bus.js";
import type { KafkaSasl } from "./provision.js";

/** Options of {@link KafkaBus}. */
export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly log: Logger;
  /**
   * Create missing topics (local development). In production set false and let
   * `xr kafka provision` create them with the cluster's replication: a missing
   * topic is then an error, not a single-replica surprise.
   */
  readonly createTopics?: boolean;
  /** Partitions and replication of topics this bus creates. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Partitions a consumer works on at once. */
  readonly concurrency?: number;
  /** Records of different keys handled at once within a partition's batch. */
  readonly keyConcurrency?: number;
  /** Pause before a partition whose handler failed is fetched again (default 1 s). */
  readonly retryDelayMs?: number;
  /** SASL/SCRAM credentials (the region's principal on a cluster with ACLs). */
  readonly sasl?: KafkaSasl;
  /**
   * How long the group waits for a silent consumer before giving its
   * partitions to the others (default 20 s): the time a replica killed without
   * leaving its group holds its share of the inbox.
   */
  readonly sessionTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A counting semaphore: at most `n` holders at once. */
class Semaphore {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

function toRecord(topic: string, partition: number, message: KafkaMessage): BusRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key?.toString("utf8") ?? "",
    value: new Uint8Array(message.value ?? Buffer.alloc(0)),
    headers: Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([k, v]) => [
        k,
        Buffer.isBuffer(v) ? v.toString("utf8") : String(v ?? ""),
      ]),
    ),
  };
}

/** kafkajs log lines go to pino, at the same level. */
function logCreator(log: Logger) {
  return () =>
    ({ level, log: entry }: { level: logLevel; log: { message: string } & Record<string, unknown> }) => {
      const { message, ...rest } = entry;
      const child = log.child({ component: "kafkajs" });
      if (level === logLevel.ERROR) child.error(rest, message);
      else if (level === logLevel.WARN) child.warn(rest, message);
      else child.debug(rest, message);
    };
}

/** {@link Bus} on Apache Kafka. */
export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private ready: Promise<void> | undefined;
  private readonly subscriptions = new Set<Subscription>();
  private readonly known = new Set<string>();

  constructor(private readonly o: KafkaBusOptions) {
    const config: KafkaConfig = {
      clientId: o.clientId,
      brokers: [...o.brokers],
      logLevel: logLevel.WARN,
      logCreator: logCreator(o.log),
      retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
      ...(o.sasl ? { sasl: o.sasl } : {}),
    };
    this.kafka = new Kafka(config);
    this.admin = this.kafka.admin();
    // One in-flight request keeps per-partition order under kafkajs's idempotent producer; the
    // Java client's murmur2 partitioner puts a case where a partner's Java producer would. Send
    // retries are bounded on purpose: the relay retries a failed batch, receivers drop duplicates.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects admin and producer; after a failure the next call tries again (the broker may be back). */
  private connected(): Promise<void> {
    this.ready ??= Promise.all([this.admin.connect(), this.producer.connect()]).then(
      () => undefined,
      (err) => {
        this.ready = undefined;
        throw err;
      },
    );
    return this.ready;
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    await this.connected();
    let missing = topics.filter((t) => !this.known.has(t));
    if (missing.length === 0) return;
    const existing = new Set(await this.admin.listTopics());
    for (const t of missing) if (existing.has(t)) this.known.add(t);
    missing = missing.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    if (this.o.createTopics === false) {
      throw new Error(`missing Kafka topics ${missing.join(", ")}: run xr kafka provision first`);
    }
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: this.o.partitions ?? 3,
        replicationFactor: this.o.replicationFactor ?? 1,
      })),
    });
    for (const t of missing) this.known.add(t);
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.ensureTopics([...new Set(messages.map((m) => m.topic))]);
    const byTopic = new Map<string, BusMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((m) => ({ key: m.key, value: Buffer.from(m.value), headers: { ...m.headers } })),
      })),
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    await this.ensureTopics(options.topics);
    const consumer: Consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // A gateway killed without leaving its group holds its partitions until this runs out;
      // long enough for a dead-letter publish with its retries between two heartbeats.
      sessionTimeout: this.o.sessionTimeoutMs ?? 20_000,
      heartbeatInterval: 1_000,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts the consumer itself when payload.restart is true.
      this.o.log.error(
        { err: payload.error, groupId: payload.groupId, restart: payload.restart },
        "Kafka consumer crashed",
      );
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    let running = true;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.o.concurrency ?? 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        let aborted = false;
        const alive = () => running && !aborted && isRunning() && !isStale();
        // The member stays alive while its records take long (a busy ledger, the handler's retries):
        // without a beat of its own the group would count it dead after the session timeout, take the
        // batch from it, and hand the same slow batch back, over and over. A failed heartbeat means a
        // rebalance or a lost coordinator: finish nothing more of this batch; it is fetched again (and
        // its applied records skipped as duplicates). kafkajs sends at most one beat per interval.
        const ticker = setInterval(() => {
          if (!alive()) return;
          heartbeat().catch((err) => {
            aborted = true;
            this.o.log.warn(
              { err, topic: batch.topic, partition: batch.partition },
              "heartbeat failed; batch abandoned",
            );
          });
        }, 1_000);
        try {
          // Records of one key (one case) are handled in order; different keys in parallel, so
          // the ledger can group their commits.
          const chains = new Map<string, Promise<boolean>>();
          const slots = new Semaphore(this.o.keyConcurrency ?? 64);
          const handled = batch.messages.map((message) => {
            const record = toRecord(batch.topic, batch.partition, message);
            const done = (chains.get(record.key) ?? Promise.resolve(true)).then(async (ok) => {
              if (!ok || !alive()) return false;
              await slots.acquire();
              try {
                await options.handler(record);
                return true;
              } catch (err) {
                this.o.log.warn(
                  { err, topic: record.topic, offset: record.offset },
                  "record will be delivered again",
                );
                return false;
              } finally {
                slots.release();
              }
            });
            chains.set(record.key, done);
            return done;
          });
          // Every record settles before eachBatch returns, so nothing runs on after stop().
          const results = await Promise.all(handled);
          const failed = results.indexOf(false);
          // Resolving moves the fetch position on: the next fetch starts at the first record not handled.
          // (Also while stopping: stop() waits for this batch, and what it handled need not come again.)
          const last = batch.messages[failed === -1 ? results.length - 1 : failed - 1]?.offset;
          if (last !== undefined && !aborted && !isStale()) {
            resolveOffset(last);
            await consumer.commitOffsets([
              { topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) },
            ]);
          }
          if (failed !== -1 && alive()) await sleep(this.o.retryDelayMs ?? 1_000);
        } finally {
          clearInterval(ticker);
        }
      },
    });
    const subscription: Subscription = {
      stop: async () => {
        running = false;
        await consumer.stop();
        await consumer.disconnect();
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async lag(groupId: string, topics: readonly string[]): Promise<ReadonlyMap<string, number>> {
    await this.connected();
    const [ends, committed] = await Promise.all([
      Promise.all(topics.map((t) => this.offsetsOf(t))),
      this.admin.fetchOffsets({ groupId, topics: [...topics] }),
    ]);
    const out = new Map<string, number>();
    topics.forEach((topic, i) => {
      const done = new Map(
        (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [
          p.partition,
          Number(p.offset),
        ]),
      );
      let lag = 0;
      for (const p of ends[i] ?? []) {
        // -1: the group has committed nothing here yet, so it lags by every record still held.
        const from = done.get(p.partition) ?? -1;
        lag += Math.max(0, Number(p.high) - (from >= 0 ? from : Number(p.low)));
      }
      out.set(topic, lag);
    });
    return out;
  }

  async depth(topic: string): Promise<number> {
    await this.connected();
    // Retention may have removed the oldest records: what is held runs from low to high.
    return (await this.offsetsOf(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  }

  /** Low and high watermarks of each partition; none for a topic the cluster does not have. */
  private async offsetsOf(topic: string): Promise<Array<{ partition: number; high: string; low: string }>> {
    // Asked first: kafkajs retries an unknown topic's metadata for many seconds before it gives up.
    if (!this.known.has(topic)) {
      if (!(await this.admin.listTopics()).includes(topic)) return [];
      this.known.add(topic);
    }
    return this.admin.fetchTopicOffsets(topic);
  }

  async ping(): Promise<boolean> {
    try {
      await this.connected();
      await this.admin.describeCluster();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    for (const s of [...this.subscriptions]) await s.stop();
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
