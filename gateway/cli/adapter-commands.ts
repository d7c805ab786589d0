/**
 * `xr adapter scaffold|verify` and `xr catalog diff|import`: the integration
 * engineer's commands. Thin: they parse arguments and call the tools in
 * gateway/tools/, printing their reports.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { mustReadYaml } from "../config/read-yaml.js";
import { federationFile } from "../config/schemas.js";
import { PROJECT_ROOT } from "../paths.js";
import { diffCatalogs, formatDiff } from "../tools/catalog-diff.js";
import { readCatalogFile, regionOfFiles } from "../tools/catalog-file.js";
import { importCatalog } from "../tools/catalog-import.js";
import { formatReport, passed } from "../tools/conformance/report.js";
import { scaffoldRegion } from "../tools/conformance/scaffold.js";
import { verifyRegion } from "../tools/conformance/verify.js";

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
    .command("verify [region]")
    .description("run the conformance kit against the region; exit code 1 on any error")
    .option("--all", "verify every region of config/federation.yaml: the whole federation's consistency")
    .action(async (region: string | undefined, o: { all?: boolean }) => {
      const fail = (p: string[]) => program.error(`xr adapter verify: ${p.join("\n")}`);
      const federation = () => mustReadYaml(join(dirs().configDir, "federation.yaml"), federationFile, fail);
      const regions = o.all ? federation().regions.map((r) => r.code) : region ? [region] : undefined;
      if (!regions) return fail(["name a region, or say --all"]);
      let ok = true;
      for (const code of regions) {
        const report = await verifyRegion(code, dirs());
        process.stdout.write(formatReport(report));
        ok &&= passed(report);
      }
      process.exitCode = ok ? 0 : 1;
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
        const region = regionOfFiles([after, before], o.region);
        const a = await readCatalogFile(before, region, configDir, adaptersDir);
        const b = await readCatalogFile(after, region, configDir, adaptersDir);
        const d = diffCatalogs(a, b);
        process.stdout.write(`${formatDiff(region, d).join("\n")}\n`);
        if (o.exitCode && d.added.length + d.removed.length + d.changed.length > 0) process.exitCode = 1;
      } catch (err) {
        program.error(`xr catalog diff: ${(err as Error).message}`);
      }
    });
  catalog
    .command("import <file>")
    .description(
      "verify a city's catalog export, show its diff against adapters/<region>/, then install it there",
    )
    .requiredOption("--region <code>", "whose catalog it is")
    .option("--dry-run", "verify and show the diff; write nothing")
    .action(async (file: string, o: { region: string; dryRun?: boolean }) => {
      try {
        const done = await importCatalog({ file, region: o.region, dryRun: Boolean(o.dryRun), ...dirs() });
        if (!done.diff) {
          process.stdout.write(formatReport(done.report));
          process.stdout.write(`nothing imported: ${file} does not verify as ${o.region}'s catalog\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${formatDiff(o.region, done.diff).join("\n")}\n`);
        process.stdout.write(
          done.written ? `imported ${file} → ${done.written}\n` : "dry run: nothing written\n",
        );
      } catch (err) {
        program.error(`xr catalog import: ${(err as Error).message}`);
      }
    });
}
