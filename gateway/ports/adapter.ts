/**
 * The region adapter port: how a city's own catalog export and case records
 * translate to and from the shared `xr.v1` contract. Adapters are pure:
 * they get bytes and return values; reading files is the loader's job.
 */
import type { CaseState } from "../domain/case.js";
import type { Matter, RegionCatalog } from "../domain/matter.js";

/** The federation's shared catalog (config/matters.yaml), as adapters see it. */
export interface SharedCatalog {
  readonly version: string;
  /** Shared material code → name. */
  readonly materials: ReadonlyMap<string, string>;
  readonly matters: ReadonlyMap<string, SharedMatter>;
}

/** A matter of the shared catalog. */
export interface SharedMatter {
  readonly code: string;
  readonly name: string;
  readonly category: string;
  readonly applicant: "PERSON" | "ORGANIZATION" | "ANY";
  readonly modes: readonly Matter["modes"][number][];
  readonly promisedDays: number;
  readonly materials: ReadonlyArray<{ readonly code: string; readonly required: boolean }>;
}

/** Local ↔ shared code tables of a region (adapters/<code>/mapping.yaml). */
export interface CodeMapping {
  /** Local matter code → shared matter code. */
  readonly matters: ReadonlyMap<string, string>;
  /** Local material code → shared material code. */
  readonly materials: ReadonlyMap<string, string>;
  /** Shared matter code → local matter code (the inverse of `matters`). */
  readonly localMatters: ReadonlyMap<string, string>;
  /** Shared material code → local material code (the inverse of `materials`). */
  readonly localMaterials: ReadonlyMap<string, string>;
}

/** What parsing a catalog needs besides its bytes. */
export interface CatalogContext {
  readonly shared: SharedCatalog;
  readonly mapping: CodeMapping;
}

/** A region adapter. Every `adapters/<code>/adapter.ts` default-exports one. */
export interface RegionAdapter {
  readonly regionCode: string;
  /** File name of the local catalog export inside `adapters/<code>/`. */
  readonly catalogFile: string;
  /** Text encoding of that export (default "utf-8"); the conformance kit checks the file against it. */
  readonly catalogEncoding?: "utf-8" | "gb18030";
  /**
   * Parses the local catalog into shared-term matters; local-only matters are
   * left out. Throws an AdapterError (adapters/sdk/errors.ts) naming the file
   * and line or record of each problem.
   */
  parseCatalog(raw: Uint8Array, ctx: CatalogContext): RegionCatalog;
  /** A case as the city's own system records it (its format, field names and encoding). */
  caseToLocal(c: CaseState, catalog: RegionCatalog, ctx: CatalogContext): Uint8Array;
  /** The inverse of {@link RegionAdapter.caseToLocal}. */
  caseFromLocal(raw: Uint8Array, catalog: RegionCatalog, ctx: CatalogContext): CaseState;
  /**
   * Optional: connects to the city's own system when one is configured
   * (federation.yaml `citySystem`). Without it, or without the setting, the
   * region serves the bundled {@link RegionAdapter.catalogFile} and pushes nothing.
   */
  connectCitySystem?(settings: CitySystemSettings): CitySystem;
}

/** Where and how to reach a city's own system (federation.yaml, region `citySystem`). */
export interface CitySystemSettings {
  /** Base URL of the city system's API. */
  readonly url: string;
  /** Deadline of one request, in milliseconds. */
  readonly timeoutMs: number;
  readonly log: OperatorLog;
}

/** One operator log line (English): its fields first, or only a message. */
type LogLine = (fieldsOrMessage: object | string, message?: string) => void;

/** The operator log a city-system connection writes to (a pino logger is one); the port names no logging library. */
export interface OperatorLog {
  child(bindings: Record<string, unknown>): OperatorLog;
  readonly debug: LogLine;
  readonly info: LogLine;
  readonly warn: LogLine;
  readonly error: LogLine;
}

/**
 * A city's own system reached over the network. Every call goes through a
 * circuit breaker; failures reject with an error whose message says what failed.
 */
export interface CitySystem {
  /**
   * The city's current catalog in the bytes {@link RegionAdapter.parseCatalog}
   * reads, or undefined when its version is still `knownVersion`.
   */
  pullCatalog(knownVersion: string): Promise<Uint8Array | undefined>;
  /** Hands a case this region has just accepted (受理) to the city system, as {@link RegionAdapter.caseToLocal} wrote it. */
  onCaseAccepted?(c: CaseState, local: Uint8Array): Promise<void>;
  /** The breaker's state, for /readyz. */
  breakerState(): "closed" | "open" | "half-open";
  /** Stops timers and the breaker. */
  close(): void;
}
