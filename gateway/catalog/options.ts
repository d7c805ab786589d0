/** What the catalog upkeep (upkeep.ts) and its two parts need from the region. */
import type { Logger } from "pino";
import type { LoadedConfig } from "../config/load.js";
import type { CaseState } from "../domain/case.js";
import type { PartnerGateway } from "../ports/partners.js";
import type { Catalogs } from "../usecases/catalogs.js";

/** What the upkeep of a region's catalogs needs from the region. */
export interface UpkeepOptions {
  readonly region: string;
  readonly config: LoadedConfig;
  readonly catalogs: Catalogs;
  readonly partners: PartnerGateway;
  /** Subscribes to "case X changed" notices (RegionContext.changes). */
  readonly subscribe: (listener: (caseId: string) => void) => () => void;
  readonly getCase: (caseId: string) => Promise<CaseState | undefined>;
  readonly log: Logger;
}
