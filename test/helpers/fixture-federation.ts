/**
 * Starts a federation from a fixture's config/ and adapters/ (see
 * region-fixture.ts) on a temp data directory with free ports, logs captured.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FederationHandle, startFederation } from "../../gateway/runtime/federation.js";
import { createLogger } from "../../gateway/runtime/logger.js";
import { logSink } from "./federation.js";
import type { RegionFixture } from "./region-fixture.js";
import { registerRegionUrl } from "./staff.js";
import { TEST_HOLIDAYS } from "./test-calendar.js";

/** A running fixture federation. */
export interface FixtureFederation {
  readonly fed: FederationHandle;
  readonly logs: Array<Record<string, unknown>>;
  url(region: string): string;
  stop(): Promise<void>;
}

/** Hosts `regions` of the fixture's configuration. */
export async function startFixtureFederation(
  fx: RegionFixture,
  regions: string[],
): Promise<FixtureFederation> {
  const dataDir = mkdtempSync(join(tmpdir(), "xr-fixture-data-"));
  const logs: Array<Record<string, unknown>> = [];
  const sink = logSink(logs);
  const fed = await startFederation({
    holidaysFile: TEST_HOLIDAYS,
    configDir: fx.configDir,
    adaptersDir: fx.adaptersDir,
    dataDir,
    regions,
    ephemeralPorts: true,
    log: createLogger("debug", sink),
  });
  for (const r of fed.regions.values()) {
    await r.inboxStarted();
    registerRegionUrl(r.url, r.region);
  }
  return {
    fed,
    logs,
    url: (region) => `${fed.regions.get(region)?.url}/api/v1`,
    stop: async () => {
      await fed.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
