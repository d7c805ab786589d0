/**
 * Opens a region's ledger: PostgreSQL when a connection URL is configured
 * (replicas share it), otherwise a SQLite file under the data directory.
 */
import { join } from "node:path";
import type { LedgerStore } from "../ports/store.js";
import type { DataCipher } from "../security/cipher.js";
import { PgLedger } from "./pg/ledger.js";
import { SqliteLedger } from "./sqlite/ledger.js";

/** Where a region's ledger lives. */
export interface LedgerLocation {
  readonly region: string;
  readonly dataDir: string;
  /** `postgres://…`; absent = SQLite. */
  readonly databaseUrl?: string | undefined;
  readonly cipher?: DataCipher | undefined;
}

/**
 * Opens (and migrates) the ledger. Each region keeps its own PostgreSQL schema,
 * `xr_<region>`, so one database can serve every region a process hosts.
 */
export async function openLedger(o: LedgerLocation): Promise<LedgerStore> {
  if (o.databaseUrl) {
    return PgLedger.open({
      url: o.databaseUrl,
      schema: `xr_${o.region}`,
      ...(o.cipher ? { cipher: o.cipher } : {}),
    });
  }
  return new SqliteLedger({
    path: join(o.dataDir, o.region, "ledger.db"),
    ...(o.cipher ? { cipher: o.cipher } : {}),
  });
}
