/**
 * Opens a region's ledger: PostgreSQL when a connection URL is configured
 * (replicas share it), otherwise a SQLite file under the data directory.
 */
import { join } from "node:path";
import type { CatalogStore } from "../ports/catalogs.js";
import { PgCatalogStore } from "./pg/catalogs.js";
import { PgLedger } from "./pg/ledger.js";
import type { SealingOptions, SqlLedger } from "./sql/ledger.js";
import { SqliteCatalogStore } from "./sqlite/catalogs.js";
import { SqliteLedger } from "./sqlite/ledger.js";

/** Where a region's ledger lives. */
export interface LedgerLocation {
  readonly region: string;
  readonly dataDir: string;
  /** `postgres://…`; absent = SQLite. */
  readonly databaseUrl?: string | undefined;
}

/**
 * Opens (and migrates) the ledger, which also keeps the window page's sessions. Each region keeps its own
 * PostgreSQL schema, `xr_<region>`, so one database can serve every region a process hosts.
 */
export async function openLedger(o: LedgerLocation & SealingOptions): Promise<SqlLedger> {
  const sealing: SealingOptions = { cipher: o.cipher, alert: o.alert, resealing: o.resealing };
  if (o.databaseUrl) return PgLedger.open({ url: o.databaseUrl, schema: schemaOf(o.region), ...sealing });
  return new SqliteLedger({ path: ledgerFile(o), ...sealing });
}

/** Opens the store of partners' catalogs beside the region's ledger (same file or schema). */
export async function openCatalogStore(o: LedgerLocation): Promise<CatalogStore> {
  return o.databaseUrl
    ? PgCatalogStore.open(o.databaseUrl, schemaOf(o.region))
    : new SqliteCatalogStore(ledgerFile(o));
}

const schemaOf = (region: string) => `xr_${region}`;
const ledgerFile = (o: LedgerLocation) => join(o.dataDir, o.region, "ledger.db");
