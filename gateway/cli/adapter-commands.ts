/**
 * `xr adapter scaffold|verify` and `xr catalog diff`: the integration
 * engineer's commands. Thin: they parse arguments and call the conformance
 * kit and the catalog functions, printing their reports.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { diffCatalogs, formatDiff } from "../catalog/diff.js";
import { readCatalogFile, regionOfFile } from "../catalog/read-file.js";
import { formatReport, passed } from "../conformance/report.js";
import { scaffoldRegion } from "../conformance/scaffold.js";
import { verifyRegion } from "../conformance/verify.js";
import { PROJECT_ROOT } from "../paths.js";

/** Directories from the environment, as the gateway reads them. */
function dirs(): { configDir: string; adaptersDir: string } {
  return {
    configDir: process.env.XR_CONFIG_DIR ?? join(PROJECT_ROOT, "config"),
    adaptersDir: process.env.XR_ADAPTERS_DIR ?? join(PROJECT_ROOT, "adapters"),
  };
}

/** Adds `adapter` and `catalog` to `program`. */
export function registerAdapterCommands(program: Command): void {
  const adapter = program.command("adapter").description("onboard a region: scaffold its adapter, verify it");
  adapter
    .command("scaffold <region>")
    .description(
      "create adapters/<region>/catalog.yaml and mapping.yaml (declarative: no code), with comments",
    )
    .option("--name <name>", "the region's name, e.g. 株洲市")
    .option("--register", "also add the region to config/federation.yaml with free ports (needs --name)")
    .action((region: string, o: { name?: string; register?: boolean }) => {
      const { configDir, adaptersDir } = dirs();
      try {
        const done = scaffoldRegion({
          code: region,
          ...(o.name ? { name: o.name } : {}),
          adaptersDir,
          configDir,
          register: Boolean(o.register),
        });
        for (const f of done.created) process.stdout.write(`created   ${f}\n`);
        if (done.registered)
          process.stdout.write(
            `added     ${region} to ${join(configDir, "federation.yaml")} (http ${done.registered.http}, grpc ${done.registered.grpc})\n`,
          );
        process.stdout.write(
          `next: fill in the two files (docs/onboarding.md), then run \`npm run xr -- adapter verify ${region}\`\n`,
        );
      } catch (err) {
        program.error(`xr adapter scaffold: ${(err as Error).message}`);
      }
    });
  adapter
    .command("verify <region>")
    .description("run the conformance kit against the region; exit code 1 on any error")
    .action(async (region: string) => {
      const report = await verifyRegion(region, dirs());
      process.stdout.write(formatReport(report));
      process.exitCode = passed(report) ? 0 : 1;
    });

  const catalog = program.command("catalog").description("catalog versions");
  catalog
    .command("diff <old> <new>")
    .description("list the matters added, removed and changed between two catalog exports of one region")
    .option("--region <code>", "whose catalog (default: the name of the files' directory)")
    .option("--exit-code", "exit with 1 when the catalogs differ (like git diff)")
    .action(async (before: string, after: string, o: { region?: string; exitCode?: boolean }) => {
      const { configDir, adaptersDir } = dirs();
      try {
        // The new export usually sits in adapters/<region>/; the old one anywhere.
        let region: string;
        try {
          region = regionOfFile(after, o.region);
        } catch {
          region = regionOfFile(before, o.region);
        }
        const a = await readCatalogFile(before, region, configDir, adaptersDir);
        const b = await readCatalogFile(after, region, configDir, adaptersDir);
        const d = diffCatalogs(a, b);
        process.stdout.write(`${formatDiff(region, d).join("\n")}\n`);
        if (o.exitCode && d.added.length + d.removed.length + d.changed.length > 0) process.exitCode = 1;
      } catch (err) {
        program.error(`xr catalog diff: ${(err as Error).message}`);
      }
    });
}
