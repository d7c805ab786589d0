/**
 * Who opened which scanned material of a case, and when (issue 16): every
 * opening by a region's staff is kept in that region's ledger, for its
 * auditors. Local accesses, not envelopes between regions: they are not in
 * the message log, whose chain records only what crossed to a partner.
 */

/** One opening of a material by a staff member of this region. */
export interface MaterialOpening {
  readonly caseId: string;
  /** sha256 (hex) of the material opened. */
  readonly sha256: string;
  /** The staff member as staff.yaml names them (a staff name, not an applicant's data). */
  readonly staffName: string;
  readonly staffRole: string;
  /** ISO 8601 (UTC) instant the bytes were asked for. */
  readonly openedAt: string;
  /** The byte range asked for ("" for the whole file), so a viewer's partial reads are told apart. */
  readonly range: string;
}

/** Where openings are kept: append-only, read back per case. */
export interface MaterialOpeningLog {
  /** Records an opening; rejects when it cannot be written (the material is then not served). */
  recordOpening(o: MaterialOpening): Promise<void>;
  /** The openings of a case, oldest first. */
  openingsOf(caseId: string): Promise<MaterialOpening[]>;
}
