/**
 * Attaching a scanned material: the file goes to `POST /api/v1/materials`
 * (stored content-addressed by the gateway), and the sha256 it answers is
 * what the case carries. The browser hashes the file too, where it can, to
 * check that the gateway stored the bytes the clerk chose.
 */
import { ApiError } from "./api.js";
import type { MaterialJson } from "./types.js";

/** The server's bound on one material (contract/requests.ts, materialSchema). */
export const MAX_MATERIAL_BYTES = 200 * 1024 * 1024;

/** A file attached to a case. */
export interface Attached {
  readonly sha256: string;
  readonly sizeBytes: string;
  readonly mediaType: string;
}

/** The browser's sha256 of `file`, or undefined where Web Crypto is unavailable (plain HTTP off localhost). */
export async function localSha256(file: Blob): Promise<string | undefined> {
  if (!globalThis.crypto?.subtle) return undefined;
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Uploads `file` and returns its digest; refuses an empty or oversized file before sending it. */
export async function attach(file: File): Promise<Attached> {
  if (file.size === 0 || file.size > MAX_MATERIAL_BYTES) {
    throw new ApiError(400, "INVALID_ARGUMENT", "file size", [
      { path: "sizeBytes", issue: "must be between 1 byte and 200 MiB" },
    ]);
  }
  const mediaType = file.type || "application/octet-stream";
  const local = await localSha256(file);
  const res = await fetch("/api/v1/materials", {
    method: "POST",
    headers: { "Content-Type": mediaType, Accept: "application/json" },
    body: file,
  });
  if (res.status === 201) {
    const stored = (await res.json()) as { sha256: string; sizeBytes: string; mediaType: string };
    if (local !== undefined && stored.sha256 !== local) {
      throw new ApiError(502, "INTERNAL", "digest mismatch", [
        { path: "sha256", issue: `网关存储的摘要 ${stored.sha256} 与本机计算的 ${local} 不一致，请重新上传` },
      ]);
    }
    return stored;
  }
  throw await ApiError.from(res);
}

/** The `xr.v1.Material` of an attached file. */
export function materialOf(materialCode: string, name: string, a: Attached): MaterialJson {
  return { materialCode, name, sha256: a.sha256, sizeBytes: a.sizeBytes, mediaType: a.mediaType };
}
