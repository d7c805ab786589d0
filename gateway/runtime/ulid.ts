/**
 * ULIDs for case and event ids. The ulid library asks for one random byte
 * per character; drawing them from a pooled crypto buffer keeps the same
 * randomness source (the OS CSPRNG) at a fraction of the cost per id.
 */
import { randomFillSync } from "node:crypto";
import { monotonicFactory } from "ulid";
import type { IdGenerator } from "../ports/clock.js";

const POOL_BYTES = 4096;

/** A PRNG in [0, 1) backed by pooled `crypto.randomFillSync` bytes. */
export function pooledCryptoPrng(): () => number {
  const pool = new Uint8Array(POOL_BYTES);
  let next = POOL_BYTES;
  return () => {
    if (next >= POOL_BYTES) {
      randomFillSync(pool);
      next = 0;
    }
    return (pool[next++] ?? 0) / 256;
  };
}

/** Monotonic ULIDs: sortable by creation time, unique within the process. */
export function ulidGenerator(): IdGenerator {
  const ulid = monotonicFactory(pooledCryptoPrng());
  return { next: () => ulid() };
}
