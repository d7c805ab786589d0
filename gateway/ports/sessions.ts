/**
 * The window page's sign-in sessions, kept in the region's ledger so that
 * every replica behind one address sees the same sessions (a sign-out on one
 * ends the session on all). Only the sha256 of a session id is stored: a copy
 * of the ledger gives no usable cookie.
 */

import type { ApplicantIdentity } from "../domain/applicant.js";

/** One signed-in page. */
export interface StaffSession {
  /** sha256 (hex) of the random session id the cookie carries. */
  readonly idHash: string;
  /** sha256 (hex) of the staff token it was signed in with: the session dies with that token. */
  readonly tokenHash: string;
  /** ISO 8601 (UTC) instants. */
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** Where sessions are kept. */
export interface SessionStore {
  /** Keeps a new session (and forgets sessions that expired before it began). */
  saveSession(session: StaffSession): Promise<void>;
  /** The session, unless it is unknown, ended, or expired at `nowIso`. */
  findSession(idHash: string, nowIso: string): Promise<StaffSession | undefined>;
  /** Ends one session (sign-out). */
  endSession(idHash: string): Promise<void>;
  /** Ends every session signed in with a token (the token was revoked or expired). */
  endSessionsOf(tokenHash: string): Promise<void>;
}

/**
 * An applicant's sign-in (issue 18), kept apart from staff sessions (table `applicant_sessions`): by the
 * sha256 of its random id, with the identity the verified ID token named, sealed in the ledger as other
 * personal data is.
 */
export interface ApplicantSession {
  /** sha256 (hex) of the random session id the applicant cookie carries. */
  readonly idHash: string;
  readonly identity: ApplicantIdentity;
  /** ISO 8601 (UTC) instants. */
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** Where applicant sessions are kept. */
export interface ApplicantSessionStore {
  /** Keeps a new session (and forgets applicant sessions that expired before it began). */
  saveApplicantSession(session: ApplicantSession): Promise<void>;
  /** The session, unless it is unknown, ended, or expired at `nowIso`. */
  findApplicantSession(idHash: string, nowIso: string): Promise<ApplicantSession | undefined>;
  /** Ends one session (sign-out). */
  endApplicantSession(idHash: string): Promise<void>;
}
