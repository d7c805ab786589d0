/**
 * A temporary copy of config/ and of the adapters' data files (their code is
 * found where the project keeps it), for tests that break or add regions.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../gateway/paths.js";

/** A fixture directory with `config/` and `adapters/`. */
export interface RegionFixture {
  readonly dir: string;
  readonly configDir: string;
  readonly adaptersDir: string;
  /** Replaces `from` in a file (relative to the fixture); fails if nothing changed. */
  edit(file: string, from: string | RegExp, to: string): void;
  write(file: string, content: string | Uint8Array): void;
  read(file: string): string;
  remove(): void;
}

/** Copies config/ and adapters/ (without their .ts files) to a temp directory. */
export function regionFixture(): RegionFixture {
  const dir = mkdtempSync(join(tmpdir(), "xr-regions-"));
  cpSync(join(PROJECT_ROOT, "config"), join(dir, "config"), { recursive: true });
  cpSync(join(PROJECT_ROOT, "adapters"), join(dir, "adapters"), {
    recursive: true,
    filter: (src) => !src.endsWith(".ts"),
  });
  return {
    dir,
    configDir: join(dir, "config"),
    adaptersDir: join(dir, "adapters"),
    edit(file, from, to) {
      const p = join(dir, file);
      const text = readFileSync(p, "utf8");
      const next = text.replace(from, to);
      if (next === text) throw new Error(`fixture edit of ${file} changed nothing`);
      writeFileSync(p, next);
    },
    write: (file, content) => writeFileSync(join(dir, file), content),
    read: (file) => readFileSync(join(dir, file), "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
