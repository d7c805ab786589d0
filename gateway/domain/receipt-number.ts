/**
 * The receipt number (回执编号) a window gives at 收件: the intake region's
 * code, the intake day (China Standard Time, YYYYMMDD) and the last six
 * characters of the case id (a ULID). It is what an applicant holds, so it is
 * what a window looks a case up by (`GET /api/v1/cases?receiptNo=`).
 */
import { XrError } from "./errors.js";

const SHAPE = /^(\d{6})(\d{8})([0-9A-HJKMNP-TV-Z]{6})$/;

/** The receipt number of a case taken in at `intakeRegion` on `day` (YYYY-MM-DD). */
export function receiptNumber(intakeRegion: string, day: string, caseId: string): string {
  return `${intakeRegion}${day.replaceAll("-", "")}${caseId.slice(-6)}`;
}

/** A receipt number's parts, from what a clerk typed (spaces dropped, letters upper-cased), or INVALID_ARGUMENT. */
export function parseReceiptNumber(raw: string): {
  readonly receiptNo: string;
  readonly intakeRegion: string;
  readonly caseIdSuffix: string;
} {
  const receiptNo = raw.replace(/\s+/g, "").toUpperCase();
  const m = SHAPE.exec(receiptNo);
  if (!m) {
    throw XrError.invalid(
      "receiptNo",
      "must be the 20 characters on the receipt: region code, intake date (YYYYMMDD) and 6 letters or digits",
    );
  }
  return { receiptNo, intakeRegion: m[1] as string, caseIdSuffix: m[3] as string };
}
