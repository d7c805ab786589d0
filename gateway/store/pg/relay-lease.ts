/**
 * The relay lease of replicas that share one ledger: a PostgreSQL session
 * advisory lock held on a connection of its own. Whoever holds it relays the
 * outbox; the others stand by and try again on each look. The lock goes with
 * its connection, so a replica that dies (even by `kill -9`) frees it as soon
 * as the server notices the connection is gone.
 */
import pg from "pg";
import { LOCK } from "./locks.js";

/** Holds, or tries to take, one named advisory lock. */
export class RelayLease {
  #client: pg.Client | undefined;
  #closed = false;

  /** `schema`: the region's schema, whose relay this lease is. */
  constructor(
    private readonly config: pg.ClientConfig,
    private readonly schema: string,
  ) {}

  /**
   * Whether this process holds the lease; takes it when it is free. Asked of
   * the database every time (the lock is re-entrant), not remembered: after a
   * failover, or a connection dropped without a word, another replica may
   * hold it now, and two relays must never publish at once.
   */
  async holds(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      const client = await this.#connected();
      const { rows } = await client.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_lock(hashtext($1), ${LOCK.relay}) AS ok`,
        [this.schema],
      );
      return rows[0]?.ok === true;
    } catch {
      // Unreachable database or a dead connection: nobody here relays until it answers.
      this.#drop(this.#client);
      return false;
    }
  }

  /** The connection being opened: two relays asking at once (outbox and SMS, issue 18) share one. */
  #connecting: Promise<pg.Client> | undefined;

  #connected(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({
      ...this.config,
      // A silent dead connection must show itself well before the lock could be taken elsewhere.
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
      query_timeout: 5_000,
    });
    // A lost connection has lost the lock with it (only this client's events count, not a former one's).
    client.on("error", () => this.#drop(client));
    client.on("end", () => this.#drop(client));
    try {
      await client.connect();
    } catch (err) {
      client.end().catch(() => undefined);
      throw err;
    }
    this.#client = client;
    return client;
  }

  #drop(client: pg.Client | undefined): void {
    if (!client || client !== this.#client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
  }

  /** Gives the lease up (its connection closes) so that a standby takes over at once. */
  async close(): Promise<void> {
    this.#closed = true;
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => undefined);
  }
}
