/**
 * Checks for the identifiers the gateway takes in (GB/T 2260, GB 11643, GB 32100 …).
 * Each returns undefined when the value is valid, or a short issue text.
 */

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_CHECK = "10X98765432";

/** The GB 11643 check character (ISO 7064 MOD 11-2) for 17 leading digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (RESIDENT_WEIGHTS[i] ?? 0);
  return RESIDENT_CHECK[sum % 11] ?? "?";
}

/** Validates an 18-character resident identity number (居民身份证号码) as of `today`. */
export function checkResidentId(value: string, today: Date = new Date()): string | undefined {
  if (!/^\d{17}[\dX]$/.test(value)) return "must be 17 digits followed by a digit or X";
  // The first two digits are a province-level GB/T 2260 code: 11 (北京) to 82 (澳门).
  const province = Number(value.slice(0, 2));
  if (province < 11 || province > 82) return "does not start with a province code (11–82)";
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) {
    return "contains an impossible birth date";
  }
  if (birth.getTime() > today.getTime()) return "has a birth date in the future";
  const expected = residentIdCheckChar(value.slice(0, 17));
  if (value[17] !== expected) return `wrong check character (expected ${expected})`;
  return undefined;
}

const CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The GB 32100 check character for the first 17 characters of a credit code. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17[i] ?? "") * (CREDIT_WEIGHTS[i] ?? 0);
  return CREDIT_CHARS[(31 - (sum % 31)) % 31] ?? "?";
}

/** Validates an 18-character unified social credit code (统一社会信用代码). */
export function checkCreditCode(value: string): string | undefined {
  if (!/^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/.test(value)) {
    return "must be 18 characters: digits and uppercase letters except I, O, S, V, Z";
  }
  const expected = creditCodeCheckChar(value.slice(0, 17));
  if (value[17] !== expected) return `wrong check character (expected ${expected})`;
  return undefined;
}

/** Validates a GB/T 2260 six-digit division code. */
export function checkRegionCode(value: string): string | undefined {
  return /^[1-8]\d{5}$/.test(value) ? undefined : "must be a six-digit GB/T 2260 division code";
}

/**
 * Validates a case or event id: a ULID as the gateways make them, checked loosely (26 of 0-9 and A-Z),
 * so that a value of this shape can be named in a log line: it holds no personal data.
 */
export function checkRecordId(value: string): string | undefined {
  return /^[0-9A-Z]{26}$/.test(value) ? undefined : "must be 26 characters of 0-9 and A-Z (a ULID)";
}

/** Validates a mainland mobile number (11 digits, starting 1[3-9]). */
export function checkMobile(value: string): string | undefined {
  return /^1[3-9]\d{9}$/.test(value) ? undefined : "must be an 11-digit mobile number starting with 13–19";
}

/** Validates a six-digit postal code. */
export function checkPostalCode(value: string): string | undefined {
  return /^\d{6}$/.test(value) ? undefined : "must be a six-digit postal code";
}

/** Validates a lowercase hex sha256 digest. */
export function checkSha256(value: string): string | undefined {
  return /^[0-9a-f]{64}$/.test(value) ? undefined : "must be 64 lowercase hex characters (sha256)";
}
