/**
 * `xr ledger reseal`: the one-time step that brings a ledger written before
 * at-rest values were bound to their place (issue 19) to the current format.
 * Thin: it opens the ledger as the gateway would and calls its reseal.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { PROJECT_ROOT } from "../paths.js";
import { aesGcmCipher } from "../security/cipher.js";
import { loadDataKey } from "../security/data-key.js";
import { openLedger } from "../store/open.js";

/** Adds `ledger` to `program`. */
export function registerLedgerCommands(program: Command): void {
  const ledger = program.command("ledger").description("a region's ledger at rest");
  ledger
    .command("reseal")
    .description(
      "once, with the gateway stopped: re-seal every value of the previous at-rest format bound to its " +
        "table, column and row, in one transaction (refuses values that are not sealed at all)",
    )
    .requiredOption("--region <code>", "whose ledger (SQLite under the data directory, or DATABASE_URL)")
    .option("--data-dir <dir>", "data directory (default: XR_DATA_DIR or data/)")
    .option(
      "--keys-dir <dir>",
      "where data.key is (default: XR_KEYS_DIR or <data dir>/keys); or set XR_DATA_KEY",
    )
    .option(
      "--accept-unsealed",
      "also seal values stored in the clear, after checking them (they are listed)",
    )
    .action(async (o: { region: string; dataDir?: string; keysDir?: string; acceptUnsealed?: boolean }) => {
      const dataDir = o.dataDir ?? process.env.XR_DATA_DIR ?? join(PROJECT_ROOT, "data");
      const databaseUrl = process.env.DATABASE_URL;
      if (!databaseUrl && !existsSync(join(dataDir, o.region, "ledger.db")))
        return program.error(`no ledger for ${o.region} under ${dataDir}`);
      try {
        const keys = o.keysDir ?? process.env.XR_KEYS_DIR ?? join(dataDir, "keys");
        const { key } = loadDataKey(process.env, keys, false);
        const store = await openLedger({
          region: o.region,
          dataDir,
          databaseUrl,
          cipher: aesGcmCipher(key),
          resealing: true,
        });
        try {
          const report = await store.reseal(o.acceptUnsealed === true);
          for (const [column, n] of Object.entries(report.resealed))
            process.stdout.write(`resealed  ${column}: ${n}\n`);
          for (const [column, n] of Object.entries(report.sealedPlaintext))
            process.stdout.write(`sealed    ${column}: ${n} values that were in the clear\n`);
          for (const where of report.unreadable) process.stdout.write(`UNREADABLE ${where}\n`);
          process.stdout.write(`ok      ${o.region}: the ledger is in the current at-rest format\n`);
          process.exitCode = report.unreadable.length === 0 ? 0 : 1;
        } finally {
          await store.close();
        }
      } catch (err) {
        return program.error(`xr ledger reseal: ${(err as Error).message}`);
      }
    });
}
