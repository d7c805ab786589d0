/**
 * The relay lease of replicas that share one ledger: a PostgreSQL session
 * advisory lock held on a connection of its own. Whoever holds it relays the
 * outbox; the others stand by and try again on each look. The lock goes with
 * its connection, so a replica that dies (even by `kill -9`) frees it as soon
 * as the server notices the connection is gone.
 */
import pg from "pg";

/** Holds, or tries to take, one named advisory lock. */
export class RelayLease {
  #client: pg.Client | undefined;
  #held = false;
  #closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly name: string,
  ) {}

  /** Whether this process holds the lease; takes it when it is free. */
  async holds(): Promise<boolean> {
    if (this.#closed) return false;
    if (this.#held && this.#client) return true;
    try {
      const client = await this.#connected();
      const { rows } = await client.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_lock(hashtext($1)) AS ok",
        [this.name],
      );
      this.#held = rows[0]?.ok === true;
    } catch {
      // Unreachable database: nobody here relays until it answers; commits fail the same way meanwhile.
      this.#drop();
    }
    return this.#held;
  }

  async #connected(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client({ ...this.config, keepAlive: true });
    // A lost connection has lost the lock with it.
    client.on("error", () => this.#drop());
    client.on("end", () => this.#drop());
    await client.connect();
    this.#client = client;
    return client;
  }

  #drop(): void {
    this.#held = false;
    const c = this.#client;
    this.#client = undefined;
    c?.end().catch(() => undefined);
  }

  /** Gives the lease up (its connection closes) so that a standby takes over at once. */
  async close(): Promise<void> {
    this.#closed = true;
    const c = this.#client;
    this.#client = undefined;
    this.#held = false;
    await c?.end().catch(() => undefined);
  }
}
