/**
 * The one error adapters throw. Its code says what kind of problem it is (the
 * conformance kit sorts failures by it); each problem says where it is (file
 * and line, or record) and what is wrong, so a report can list them one by one.
 */

/** What went wrong, as a closed set. */
export type AdapterErrorCode =
  /** A file is missing or cannot be read. */
  | "FILE_UNREADABLE"
  /** The bytes are not in the encoding the adapter reads. */
  | "ENCODING"
  /** Not well-formed JSON, YAML, XML or CSV. */
  | "SYNTAX"
  /** A field is missing, empty, of the wrong type or out of its bounds. */
  | "SCHEMA"
  /** The catalog says it is another region's. */
  | "REGION_MISMATCH"
  /** Two records share one local code. */
  | "DUPLICATE_CODE"
  /** mapping.yaml maps a local matter to a shared matter config/matters.yaml lacks. */
  | "UNKNOWN_SHARED_MATTER"
  /** A record lists a material mapping.yaml gives no shared code. */
  | "UNMAPPED_MATERIAL"
  /** A record promises more working days than the federation allows. */
  | "PROMISE_EXCEEDS_FEDERATION"
  /** A case record of the city's own system cannot be read. */
  | "CASE_FORMAT"
  /** The city's own system answered with something unusable, or not at all. */
  | "CITY_SYSTEM";

/** One problem of a city file. */
export interface AdapterProblem {
  /** "catalog.yaml line 12", or "catalog.json matters[3]" where lines are unknown. */
  readonly where: string;
  readonly message: string;
}

/** Thrown by adapters and the SDK for every problem of a city's files or records. */
export class AdapterError extends Error {
  override readonly name = "AdapterError";
  constructor(
    readonly code: AdapterErrorCode,
    readonly problems: readonly AdapterProblem[],
    options?: ErrorOptions,
  ) {
    super(problems.map((p) => (p.where ? `${p.where}: ${p.message}` : p.message)).join("\n"), options);
  }

  /**
   * Whether `e` is an AdapterError. By name and shape rather than
   * `instanceof`: an adapter loaded from its own file (tsx, or compiled
   * apart) may bring its own copy of this class.
   */
  static is(e: unknown): e is AdapterError {
    return e instanceof Error && e.name === "AdapterError" && "code" in e && "problems" in e;
  }

  /** One problem at `where`. */
  static at(code: AdapterErrorCode, where: string, message: string, options?: ErrorOptions): AdapterError {
    return new AdapterError(code, [{ where, message }], options);
  }
}

/**
 * `JSON.parse` of `text`, whose syntax error becomes an {@link AdapterError}
 * of `code` at `where`. Typed as `JSON.parse` is: callers read the city's
 * records field by field and check what they need.
 */
// biome-ignore lint/suspicious/noExplicitAny: the same result type as JSON.parse
export function parseJson(text: string, where: string, code: AdapterErrorCode = "SYNTAX"): any {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw AdapterError.at(code, where, (err as Error).message, { cause: err });
  }
}
