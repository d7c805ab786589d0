/**
 * The bus port: Kafka in production, the embedded SQLite log by default.
 * Both implement the same topic/partition/offset/consumer-group semantics
 * and pass one behaviour suite.
 */

/** A record to publish. `key` (the case id) picks the partition. */
export interface BusMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/** A record as consumed. */
export interface BusRecord extends BusMessage {
  readonly partition: number;
  readonly offset: number;
}

/**
 * Handles one record. Resolving commits the offset; rejecting holds the
 * record's partition and delivers it again after a pause (the bus has no
 * retry policy of its own: the handler decides when to give up).
 */
export type RecordHandler = (record: BusRecord) => Promise<void>;

/** Options of {@link Bus.subscribe}. */
export interface SubscribeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: RecordHandler;
}

/** A running subscription. */
export interface Subscription {
  /** Stops fetching, waits for the record in hand, then returns. */
  stop(): Promise<void>;
}

/** A durable, partitioned, ordered log. */
export interface Bus {
  /** Resolves once every message is durably stored. */
  publish(messages: readonly BusMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Creates topics if missing (idempotent). */
  ensureTopics(topics: readonly string[]): Promise<void>;
  ping(): Promise<boolean>;
  /**
   * Records of `topics` that consumer group `groupId` has not yet committed,
   * per topic (summed over partitions; a group that never committed lags by
   * every record held). For the consumer-lag metric.
   */
  lag(groupId: string, topics: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** Records `topic` holds now (0 for a topic that does not exist). For the dead-letter size metric. */
  depth(topic: string): Promise<number>;
  close(): Promise<void>;
}
