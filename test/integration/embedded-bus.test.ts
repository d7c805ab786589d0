/** The bus behaviour suite against the embedded SQLite bus. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedBus } from "../../gateway/transports/embedded/bus.js";
import { busBehaviour } from "./bus-behaviour.js";

const dir = mkdtempSync(join(tmpdir(), "xr-bus-"));
after(() => rmSync(dir, { recursive: true, force: true }));

busBehaviour(
  "embedded (SQLite)",
  async (name) => new EmbeddedBus({ path: join(dir, `${name}.db`), pollMs: 20, retryDelayMs: 20 }),
);
