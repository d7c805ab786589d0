/**
 * Advisory lock keys of the PostgreSQL ledger. Each lock is keyed by two
 * integers: the hash of the region's schema and the kind of lock, so that one
 * region's locks of different kinds can never collide with each other.
 */
export const LOCK = {
  /** Held while migrating a schema (session lock). */
  migrate: 1,
  /** Orders appends to the message log (transaction lock). */
  log: 2,
  /** The relay lease (session lock on its own connection). */
  relay: 3,
  /** Creating the catalog tables and saving a partner's catalog (transaction lock). */
  catalogs: 4,
} as const;
