/**
 * The embedded bus: a durable, partitioned log in one SQLite file with
 * Kafka's semantics (topics, partitions chosen by key, offsets, consumer
 * groups with committed offsets), so the gateway runs on a bare machine.
 * Several processes may share the file; in one process, publishes wake the
 * consumers at once, otherwise they poll.
 */
import { EventEmitter } from "node:events";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Bus, BusMessage, BusRecord, SubscribeOptions, Subscription } from "../../ports/bus.js";

/** Options of {@link EmbeddedBus}. */
export interface EmbeddedBusOptions {
  readonly path: string;
  /** How often idle consumers look for records written by other processes. */
  readonly pollMs?: number;
  /** Pause before a partition whose handler failed is read again from that record. */
  readonly retryDelayMs?: number;
}

/** Partitions of topics created on first use. */
const PARTITIONS = 3;
/** Records fetched per partition per round. */
const BATCH_SIZE = 200;

/** FNV-1a over UTF-8: stable across processes and restarts. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(key, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A row of the records table. */
interface Row {
  partition: number;
  offset: number;
  key: string;
  value: Buffer;
  headers: string;
}

function toRecord(topic: string, r: Row): BusRecord {
  const { partition, offset, key } = r;
  return { topic, partition, offset, key, value: new Uint8Array(r.value), headers: JSON.parse(r.headers) };
}

/** {@link Bus} on SQLite. */
export class EmbeddedBus implements Bus {
  private readonly db: Database.Database;
  private readonly wake = new EventEmitter();
  private readonly pollMs: number;
  private readonly retryDelayMs: number;
  private readonly subscriptions = new Set<Subscription>();
  private readonly stmt;
  private closed = false;
  private readonly partitionCounts = new Map<string, number>();

  constructor(options: EmbeddedBusOptions) {
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    this.pollMs = options.pollMs ?? 100;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.wake.setMaxListeners(0);
    const db = new Database(options.path);
    this.db = db;
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    db.exec(`
      CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS records (
        topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
        key TEXT NOT NULL, value BLOB NOT NULL, headers TEXT NOT NULL, ts TEXT NOT NULL,
        PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS offsets (
        group_id TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, committed INTEGER NOT NULL,
        PRIMARY KEY (group_id, topic, partition)) WITHOUT ROWID;`);
    this.stmt = {
      topic: db.prepare("SELECT partitions FROM topics WHERE name = ?").pluck(),
      createTopic: db.prepare("INSERT OR IGNORE INTO topics (name, partitions) VALUES (?, ?)"),
      nextOffset: db
        .prepare("SELECT COALESCE(MAX(offset) + 1, 0) FROM records WHERE topic = ? AND partition = ?")
        .pluck(),
      insert: db.prepare(
        "INSERT INTO records (topic, partition, offset, key, value, headers, ts) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      committed: db
        .prepare("SELECT committed FROM offsets WHERE group_id = ? AND topic = ? AND partition = ?")
        .pluck(),
      commit: db.prepare(
        `INSERT INTO offsets (group_id, topic, partition, committed) VALUES (?, ?, ?, ?)
         ON CONFLICT (group_id, topic, partition) DO UPDATE SET committed = excluded.committed`,
      ),
      // Per partition: the next offset to be written minus the group's committed one (0 if none).
      lag: db
        .prepare(
          `SELECT COALESCE(SUM(r.next - COALESCE(o.committed, 0)), 0) FROM
             (SELECT partition, MAX(offset) + 1 AS next FROM records WHERE topic = @topic GROUP BY partition) r
           LEFT JOIN offsets o ON o.group_id = @groupId AND o.topic = @topic AND o.partition = r.partition`,
        )
        .pluck(),
      depth: db.prepare("SELECT COUNT(*) FROM records WHERE topic = ?").pluck(),
      fetch: db.prepare(
        "SELECT * FROM records WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?",
      ),
    };
  }

  /** Partitions of a topic, created on first use; a topic's count never changes, so it is remembered. */
  private partitionsOf(topic: string): number {
    const cached = this.partitionCounts.get(topic);
    if (cached !== undefined) return cached;
    this.stmt.createTopic.run(topic, PARTITIONS);
    const count = this.stmt.topic.get(topic) as number;
    this.partitionCounts.set(topic, count);
    return count;
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      for (const t of topics) this.partitionsOf(t);
    })();
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    if (this.closed) throw new Error("bus is closed");
    const ts = new Date().toISOString();
    this.db
      .transaction(() => {
        for (const m of messages) {
          const partition = hashKey(m.key) % this.partitionsOf(m.topic);
          const offset = this.stmt.nextOffset.get(m.topic, partition) as number;
          this.stmt.insert.run(
            m.topic,
            partition,
            offset,
            m.key,
            Buffer.from(m.value),
            JSON.stringify(m.headers),
            ts,
          );
        }
      })
      .immediate();
    this.wake.emit("published");
  }

  /** Every record of a topic in partition and offset order, for tooling and tests. */
  read(topic: string): BusRecord[] {
    const rows = this.db
      .prepare("SELECT * FROM records WHERE topic = ? ORDER BY partition, offset")
      .all(topic) as Row[];
    return rows.map((r) => toRecord(topic, r));
  }

  /** Number of records on all topics, for tooling and tests. */
  recordCount(): number {
    return this.db.prepare("SELECT COUNT(*) FROM records").pluck().get() as number;
  }

  /** The committed offset of a group on a partition (0 if none), for tests and tooling. */
  committedOffset(groupId: string, topic: string, partition: number): number {
    return (this.stmt.committed.get(groupId, topic, partition) as number | undefined) ?? 0;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    await this.ensureTopics(options.topics);
    let running = true;
    let wakeUp: (() => void) | undefined;
    const onPublish = () => wakeUp?.();
    this.wake.on("published", onPublish);

    const round = async (): Promise<number> => {
      let handled = 0;
      for (const topic of options.topics) {
        const parts = this.partitionsOf(topic);
        for (let partition = 0; partition < parts && running; partition++) {
          const from = this.committedOffset(options.groupId, topic, partition);
          const rows = this.stmt.fetch.all(topic, partition, from, BATCH_SIZE) as Row[];
          let next = from;
          for (const row of rows) {
            if (!running) break;
            const record = toRecord(topic, row);
            try {
              await options.handler(record);
            } catch {
              // The handler keeps the record for another try: leave the offset, stop this partition for now.
              await sleep(this.retryDelayMs);
              break;
            }
            next = row.offset + 1;
            handled++;
          }
          // One offset write per partition batch: handlers apply idempotently, so a
          // crash before this line only means records are delivered again.
          if (next > from) this.stmt.commit.run(options.groupId, topic, partition, next);
        }
      }
      return handled;
    };

    const loop = (async () => {
      while (running && !this.closed) {
        const handled = await round();
        if (handled === 0 && running) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.pollMs);
            wakeUp = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wakeUp = undefined;
        }
      }
    })();

    const subscription: Subscription = {
      stop: async () => {
        running = false;
        wakeUp?.();
        this.wake.off("published", onPublish);
        await loop;
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async lag(groupId: string, topics: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const out = new Map<string, number>();
    for (const topic of topics) out.set(topic, this.stmt.lag.get({ groupId, topic }) as number);
    return out;
  }

  async depth(topic: string): Promise<number> {
    // The embedded log keeps every record (no retention), so what it holds is all it was given.
    return this.stmt.depth.get(topic) as number;
  }

  async ping(): Promise<boolean> {
    return !this.closed && this.db.prepare("SELECT 1").pluck().get() === 1;
  }

  async close(): Promise<void> {
    for (const s of [...this.subscriptions]) await s.stop();
    this.closed = true;
    this.db.close();
  }
}
