/**
 * Serving a case's scans to this region's staff (issue 16): the file with its
 * media type, its Chinese name (RFC 6266 / RFC 5987 `filename*`), byte ranges
 * (a PDF viewer's partial reads), and no copy left in a cache.
 */
import { extname, resolve } from "node:path";
import { create as contentDisposition } from "content-disposition";
import type { Response } from "express";
import { ErrorCode, XrError } from "../../domain/errors.js";
import type { OpenedMaterial } from "../../usecases/materials.js";

/**
 * A scan's own policy: it is shown by the browser's PDF or image viewer as a page of its own, and
 * runs nothing, loads nothing from elsewhere and is never framed by another site.
 */
const MATERIAL_CSP = "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'";

/** Sends `m` (whole or the `Range` asked for); resolves once sent, rejects with an XrError before any byte. */
export function sendMaterial(res: Response, m: OpenedMaterial): Promise<void> {
  res.type(m.mediaType);
  res.set({
    "Content-Disposition": contentDisposition(m.fileName, {
      type: m.inline ? "inline" : "attachment",
      // Clients that read only `filename` get the digest's start rather than question marks.
      fallback: `${m.sha256.slice(0, 16)}${extname(m.fileName)}`,
    }),
    // Scans carry personal data: no shared or disk cache keeps them.
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": MATERIAL_CSP,
  });
  return new Promise((done, fail) => {
    res.sendFile(
      resolve(m.path),
      { acceptRanges: true, cacheControl: false, etag: false, lastModified: false, dotfiles: "allow" },
      (err) => {
        if (!err) return done();
        if (res.headersSent) return done(); // the client went away mid-file; nothing more to say
        const e = err as NodeJS.ErrnoException & { status?: number };
        if (e.status === 416) {
          fail(XrError.invalid("Range", `must lie within the file's ${m.sizeBytes} bytes`));
          return;
        }
        fail(new XrError(ErrorCode.INTERNAL, `material ${m.sha256} could not be sent: ${e.message}`));
      },
    );
  });
}
