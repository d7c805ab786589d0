/** Uploading scanned materials at intake and serving them to the parties of a case. */
import { ErrorCode, XrError } from "../domain/errors.js";
import type { StoredMaterial } from "../ports/material-store.js";
import type { RegionContext } from "./context.js";
import { getCaseFor } from "./queries.js";

/** Largest material accepted: scans of a few dozen pages, with room to spare. */
const MAX_MATERIAL_BYTES = 100 * 1024 * 1024;

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

/** The media type of an upload, or INVALID_ARGUMENT naming the header. */
function checkMediaType(raw: string | undefined): string {
  const mediaType = (raw ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!MEDIA_TYPE.test(mediaType)) {
    throw XrError.invalid(
      "Content-Type",
      "must be the file's media type, e.g. application/pdf or image/jpeg",
    );
  }
  return mediaType;
}

/** Stores an upload of the intake window; the answer names it by sha256. */
export async function uploadMaterial(
  ctx: RegionContext,
  body: AsyncIterable<Uint8Array>,
  mediaType: string,
): Promise<StoredMaterial> {
  const stored = await ctx.materials.put(body, {
    mediaType: checkMediaType(mediaType),
    maxBytes: MAX_MATERIAL_BYTES,
  });
  ctx.log.info({ sha256: stored.sha256, sizeBytes: stored.sizeBytes }, "material stored");
  return stored;
}

/**
 * Every material a request names must be stored here with the size it
 * claims: the handling region fetches from this store, so a case must not
 * point at bytes nobody holds. INVALID_ARGUMENT names each missing one.
 */
export async function requireMaterialsHeld(
  ctx: RegionContext,
  materials: readonly { sha256: string; sizeBytes: number | string }[],
  path: string,
): Promise<void> {
  const details: Array<{ path: string; issue: string }> = [];
  await Promise.all(
    materials.map(async (m, i) => {
      const stored = await ctx.materials.stat(m.sha256);
      if (!stored) {
        details.push({
          path: `${path}[${i}].sha256`,
          issue: "not uploaded: POST the file to /api/v1/materials first",
        });
      } else if (String(stored.sizeBytes) !== String(m.sizeBytes)) {
        details.push({
          path: `${path}[${i}].sizeBytes`,
          issue: `the uploaded file has ${stored.sizeBytes} bytes`,
        });
      }
    }),
  );
  if (details.length === 0) return;
  details.sort((a, b) => a.path.localeCompare(b.path));
  throw new XrError(ErrorCode.INVALID_ARGUMENT, details.map((d) => `${d.path}: ${d.issue}`).join("; "), {
    details,
  });
}

/**
 * A material of a case for a party of that case: the sha256 must belong to
 * the case (now or in its timeline), so a caller cannot fetch files by
 * guessing hashes.
 */
export async function materialOfCase(
  ctx: RegionContext,
  caller: string,
  caseId: string,
  sha256: string,
): Promise<StoredMaterial> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw XrError.invalid("sha256", "must be 64 lowercase hex digits");
  const c = await getCaseFor(ctx, caller, caseId);
  let listed = c.materials.some((m) => m.sha256 === sha256);
  if (!listed) {
    const events = await ctx.store.listEvents(caseId);
    // A material a supplement replaced stays part of the record.
    listed = events.some((e) =>
      (e.payload.type === "SupplementProvided"
        ? e.payload.materials
        : e.payload.type === "CaseSubmitted"
          ? e.payload.case.materials
          : []
      ).some((m) => m.sha256 === sha256),
    );
  }
  const stored = listed ? await ctx.materials.stat(sha256) : undefined;
  if (!stored) {
    throw new XrError(ErrorCode.NOT_FOUND, `material ${sha256} of case ${caseId} is not held here`, {
      details: [{ path: "sha256", issue: "not a material of this case held by this region" }],
    });
  }
  return stored;
}
