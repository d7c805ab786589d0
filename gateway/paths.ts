/** Locations inside the installed package, the same from sources (tsx) and from dist/. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The project root (where package.json is). */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** The directory holding `xr/v1/*.proto`. */
export const PROTO_DIR = join(PROJECT_ROOT, "protos");

/**
 * Where the adapters' code runs from: `dist/adapters` in a build, `adapters`
 * from sources (tsx). Their data files always stay in `adapters/`.
 */
export const ADAPTER_CODE_DIR = join(dirname(dirname(fileURLToPath(import.meta.url))), "adapters");
