/** Where a region keeps the scanned materials of its cases, content-addressed by sha256. */

/** A stored material's facts. */
export interface StoredMaterial {
  /** Lowercase hex sha256 of the bytes. */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly mediaType: string;
}

/** Options of {@link MaterialStore.put}. */
export interface PutOptions {
  readonly mediaType: string;
  /** Refuse (PAYLOAD_TOO_LARGE) and keep nothing beyond this many bytes. */
  readonly maxBytes: number;
  /** Keep the bytes only if they hash to this (a copy fetched from a partner). */
  readonly expectSha256?: string;
}

/** Content-addressed material storage; streams in and out, never holding a file whole. */
export interface MaterialStore {
  /** Stores the bytes of `source`; idempotent for identical content. */
  put(source: AsyncIterable<Uint8Array>, o: PutOptions): Promise<StoredMaterial>;
  /** The facts of a stored material, or undefined. */
  stat(sha256: string): Promise<StoredMaterial | undefined>;
  /** The bytes of a stored material in chunks of about `chunkBytes`. */
  read(sha256: string, chunkBytes: number): AsyncIterable<Buffer>;
  /**
   * Where a stored material lies as a file, so a transport can serve it with byte ranges (a viewer's
   * partial reads) without copying it; the caller checks with {@link stat} that it is stored.
   */
  filePath(sha256: string): string;
}
