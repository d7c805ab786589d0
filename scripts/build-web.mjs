// Builds the window page into dist/web/: the client bundled by esbuild (with the very
// identifier checks of gateway/domain/ids.ts) next to the static files. Run by `npm run build`
// and `npm test`, and by the browser tests before they start.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "web");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "gateway/web/client/main.ts")],
  tsconfig: join(root, "gateway/web/client/tsconfig.json"),
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  // Browsers at government service windows lag behind: ES2020 is what Chrome/Edge 80+ run.
  target: "es2020",
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});
// The supervision page's charts (Apache ECharts, issue 17) in a file of their own, loaded by managers only.
await build({
  entryPoints: [join(root, "gateway/web/client/charts.ts")],
  tsconfig: join(root, "gateway/web/client/tsconfig.json"),
  outfile: join(out, "charts.js"),
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});

// The applicant page (issue 18): its own bundle beside its static files under dist/web/apply/.
await build({
  entryPoints: [join(root, "gateway/web/client/apply/main.ts")],
  tsconfig: join(root, "gateway/web/client/tsconfig.json"),
  outfile: join(out, "apply", "apply.js"),
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});
cpSync(join(root, "gateway/web/static"), out, { recursive: true });
