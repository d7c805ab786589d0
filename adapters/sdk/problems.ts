/**
 * Several problems found in one city file, each with where it is (file and
 * line, or record) and what to do, so a report can list them one by one.
 */

/** One problem of a city file. */
export interface FileProblem {
  /** "catalog.yaml line 12", or "catalog.json matters[3]" where lines are unknown. */
  readonly where: string;
  readonly message: string;
}

/** Thrown by adapters that check a whole file before giving up. */
export class FileProblems extends Error {
  override readonly name = "FileProblems";
  constructor(readonly problems: readonly FileProblem[]) {
    super(problems.map((p) => `${p.where}: ${p.message}`).join("\n"));
  }
}
