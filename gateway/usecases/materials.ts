/** Uploading scanned materials at intake and serving them to the parties of a case. */

import type { Material } from "../domain/case.js";
import { ErrorCode, XrError } from "../domain/errors.js";
import type { StoredMaterial } from "../ports/material-store.js";
import type { MaterialOpening, MaterialOpeningLog } from "../ports/openings.js";
import type { RegionContext } from "./context.js";
import { getCase, getCaseFor } from "./queries.js";

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
 * point at bytes nobody holds. No file may stand for two materials.
 * INVALID_ARGUMENT names each missing or repeated one.
 */
export async function requireMaterialsHeld(
  ctx: RegionContext,
  materials: readonly { sha256: string; sizeBytes: number | string }[],
  path: string,
): Promise<void> {
  const details: Array<{ path: string; issue: string }> = [];
  // One scan is one material: the same file named twice is a clerk attaching it to the wrong row.
  const firstAt = new Map<string, number>();
  materials.forEach((m, i) => {
    const earlier = firstAt.get(m.sha256);
    if (earlier === undefined) firstAt.set(m.sha256, i);
    else details.push({ path: `${path}[${i}].sha256`, issue: `is the same file as ${path}[${earlier}]` });
  });
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

/** The material entries a case names now or named in its timeline (a supplement replaces some). */
async function materialsNamed(
  ctx: RegionContext,
  caseId: string,
  now: readonly Material[],
): Promise<Material[]> {
  const named = [...now];
  for (const e of await ctx.store.listEvents(caseId)) {
    if (e.payload.type === "SupplementProvided") named.push(...e.payload.materials);
    else if (e.payload.type === "CaseSubmitted") named.push(...e.payload.case.materials);
  }
  return named;
}

/** Extensions of the scan types a window uploads (transports/rest/media-types.ts SCAN_TYPES). */
const EXTENSIONS: Readonly<Record<string, string>> = {
  "application/pdf": ".pdf",
  "image/jpeg": ".jpg",
  "image/png": ".png",
  "image/tiff": ".tif",
  "application/ofd": ".ofd",
};

/** Types a browser shows itself (a PDF or a picture); anything else is offered as a download. */
const SHOWN_INLINE: ReadonlySet<string> = new Set(["application/pdf", "image/jpeg", "image/png"]);

/** A material ready to be served to one of this region's staff. */
export interface OpenedMaterial extends StoredMaterial {
  /** The file name a staff member sees: the material's name in the case and its type's extension. */
  readonly fileName: string;
  /** Whether the browser should show it (PDF, JPEG, PNG) rather than save it. */
  readonly inline: boolean;
  /** The file to send (content-addressed, never changes). */
  readonly path: string;
}

/** Who opens a material, for the record. */
export interface Opener {
  readonly name: string;
  readonly role: string;
}

/**
 * A material of a case this region is party to, for its own staff (`GET
 * /cases/{id}/materials/{sha256}`): the sha256 must be one the case names
 * (now or in its timeline), so files cannot be read by guessing digests.
 * The opening is recorded before a byte is served (no record, no file). A
 * material not here yet is UNAVAILABLE: the fetcher is bringing it from the
 * intake region (outbound/material-fetcher.ts).
 */
export async function openMaterial(
  ctx: RegionContext,
  openings: MaterialOpeningLog,
  caseId: string,
  sha256: string,
  who: Opener,
  range: string,
): Promise<OpenedMaterial> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw XrError.invalid("sha256", "must be 64 lowercase hex digits");
  const c = await getCase(ctx, caseId);
  const entry = (await materialsNamed(ctx, caseId, c.materials)).find((m) => m.sha256 === sha256);
  if (!entry) {
    throw new XrError(ErrorCode.NOT_FOUND, `case ${caseId} names no material ${sha256}`, {
      details: [{ path: "sha256", issue: "not a material of this case" }],
    });
  }
  const stored = await ctx.materials.stat(sha256);
  if (!stored) {
    throw new XrError(
      ErrorCode.UNAVAILABLE,
      `material ${sha256} of case ${caseId} is still being fetched from ${c.intakeRegion}`,
      { details: [{ path: "sha256", issue: `still being fetched from ${c.intakeRegion}` }] },
    );
  }
  const opening: MaterialOpening = {
    caseId,
    sha256,
    staffName: who.name,
    staffRole: who.role,
    openedAt: ctx.clock.now().toISOString(),
    range: range.slice(0, 100),
  };
  await openings.recordOpening(opening);
  ctx.log.info({ caseId, sha256, role: who.role }, "material opened");
  return {
    ...stored,
    fileName: `${entry.name.replace(/[\\/:*?"<>|\p{Cc}]/gu, "_")}${EXTENSIONS[stored.mediaType] ?? ""}`,
    inline: SHOWN_INLINE.has(stored.mediaType),
    path: ctx.materials.filePath(sha256),
  };
}

/** The openings of a case's materials, for auditors (`GET /cases/{id}/material-openings`). */
export async function listOpenings(
  ctx: RegionContext,
  openings: MaterialOpeningLog,
  caseId: string,
): Promise<MaterialOpening[]> {
  await getCase(ctx, caseId);
  return openings.openingsOf(caseId);
}
