/**
 * Materials as files under `<dir>/<first two hex>/<sha256>` with a JSON
 * sidecar for the media type. Bytes are hashed while they stream to a temp
 * file, which is renamed into place only once complete (and, for a fetched
 * copy, verified): a reader never sees a partial material.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { access, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { MaterialStore, PutOptions, StoredMaterial } from "../../ports/material-store.js";

const SHA256 = /^[0-9a-f]{64}$/;

/** {@link MaterialStore} on the local filesystem. */
export class FsMaterialStore implements MaterialStore {
  readonly #dir: string;
  // Content-addressed files never change once stored, so a positive answer can be remembered:
  // intake checks every material of every case, and this keeps that off the disk.
  readonly #known = new Map<string, StoredMaterial>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(sha256: string): string {
    return join(this.#dir, sha256.slice(0, 2), sha256);
  }

  async put(source: AsyncIterable<Uint8Array>, o: PutOptions): Promise<StoredMaterial> {
    const tmpDir = join(this.#dir, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomUUID());
    const out = createWriteStream(tmp);
    const hash = createHash("sha256");
    let size = 0;
    try {
      for await (const chunk of source) {
        size += chunk.byteLength;
        if (size > o.maxBytes) {
          throw new XrError(ErrorCode.PAYLOAD_TOO_LARGE, `material exceeds ${o.maxBytes} bytes`, {
            details: [{ path: "(body)", issue: `larger than ${o.maxBytes} bytes` }],
          });
        }
        hash.update(chunk);
        // Backpressure: wait for the disk instead of buffering the upload in memory.
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      }
      out.end();
      await finished(out);
      const sha256 = hash.digest("hex");
      if (o.expectSha256 !== undefined && sha256 !== o.expectSha256) {
        throw new XrError(
          ErrorCode.INVALID_ARGUMENT,
          `material bytes hash to ${sha256}, not ${o.expectSha256}`,
          {
            details: [{ path: "sha256", issue: "content does not match its sha256" }],
            origin: "remote",
          },
        );
      }
      const stored: StoredMaterial = { sha256, sizeBytes: size, mediaType: o.mediaType };
      const target = this.#path(sha256);
      await mkdir(join(this.#dir, sha256.slice(0, 2)), { recursive: true });
      await writeFile(`${target}.json`, JSON.stringify({ sizeBytes: size, mediaType: o.mediaType }));
      await rename(tmp, target);
      return this.#remember(stored);
    } catch (err) {
      out.destroy();
      await rm(tmp, { force: true });
      throw err;
    }
  }

  #remember(m: StoredMaterial): StoredMaterial {
    if (this.#known.size >= 10_000) this.#known.delete(this.#known.keys().next().value as string);
    this.#known.set(m.sha256, m);
    return m;
  }

  async stat(sha256: string): Promise<StoredMaterial | undefined> {
    const known = this.#known.get(sha256);
    if (known) return known;
    if (!SHA256.test(sha256)) return undefined;
    try {
      // The sidecar is written before the rename, so the file's presence is the commit point.
      const [meta] = await Promise.all([
        readFile(`${this.#path(sha256)}.json`, "utf8"),
        access(this.#path(sha256)),
      ]);
      const m = JSON.parse(meta) as { sizeBytes: number; mediaType: string };
      return this.#remember({ sha256, sizeBytes: m.sizeBytes, mediaType: m.mediaType });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  filePath(sha256: string): string {
    if (!SHA256.test(sha256)) throw XrError.invalid("sha256", "must be 64 lowercase hex digits");
    return this.#path(sha256);
  }

  async *read(sha256: string, chunkBytes: number): AsyncIterable<Buffer> {
    if (!SHA256.test(sha256)) throw XrError.invalid("sha256", "must be 64 lowercase hex digits");
    yield* createReadStream(this.#path(sha256), { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>;
  }
}
