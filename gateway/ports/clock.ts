/** Time and identifiers, injected so that use cases stay deterministic in tests. */
export interface Clock {
  now(): Date;
}

/** Generates identifiers (ULIDs in production). */
export interface IdGenerator {
  next(): string;
}
