/**
 * The window page (跨域通办窗口 / 办理台) and its live-update streams, as one
 * express router mounted on a region's REST app. The page is a static file
 * and a bundle built by `npm run build:web` into dist/web/.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import express from "express";
import { ErrorCode, XrError } from "../../domain/errors.js";
import { PROJECT_ROOT } from "../../paths.js";
import type { RegionContext } from "../../usecases/context.js";
import { streamCaseChanges, streamCaseEvents } from "./streams.js";

/** Where `npm run build:web` writes the page: the same path from sources (tsx) and from dist/. */
export const WEB_DIR = join(PROJECT_ROOT, "dist", "web");

/**
 * Routes of the window page: `/`, `/app/*`, and the two event streams under
 * `/api/v1`, which end when `closing` aborts (the gateway is shutting down).
 */
export function webRouter(ctx: RegionContext, closing: AbortSignal): express.Router {
  const router = express.Router();
  router.get("/api/v1/cases/:id/events/stream", (req, res) => streamCaseEvents(ctx, req, res, closing));
  router.get("/api/v1/stream", (_req, res) => streamCaseChanges(ctx, res, closing));

  const index = join(WEB_DIR, "index.html");
  if (!existsSync(index)) ctx.log.warn({ dir: WEB_DIR }, "window page not built; run npm run build:web");
  router.get("/", (_req, res) => {
    if (!existsSync(index)) {
      throw new XrError(ErrorCode.UNAVAILABLE, "the window page is not built: run npm run build:web", {
        origin: "gateway",
      });
    }
    res.set("Cache-Control", "no-cache"); // the Content-Security-Policy is helmet's (rest/app.ts)
    res.sendFile(index);
  });
  // The applicant page (issue 18): `/apply/` and its two files, phone-first, under the same CSP.
  const applyIndex = join(WEB_DIR, "apply", "index.html");
  router.get(["/apply", "/apply/"], (req, res) => {
    if (req.path === "/apply") {
      res.redirect(301, "/apply/");
      return;
    }
    if (!existsSync(applyIndex)) {
      throw new XrError(ErrorCode.UNAVAILABLE, "the applicant page is not built: run npm run build:web", {
        origin: "gateway",
      });
    }
    res.set("Cache-Control", "no-cache");
    res.sendFile(applyIndex);
  });
  router.use(
    "/apply",
    express.static(join(WEB_DIR, "apply"), { index: false, fallthrough: true, maxAge: 0 }),
  );
  // Only under /app, so API requests never touch the file system.
  router.use("/app", express.static(WEB_DIR, { index: false, fallthrough: true, maxAge: 0 }));
  return router;
}
