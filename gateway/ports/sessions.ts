/**
 * The window page's sign-in sessions, kept in the region's ledger so that
 * every replica behind one address sees the same sessions (a sign-out on one
 * ends the session on all). Only the sha256 of a session id is stored: a copy
 * of the ledger gives no usable cookie.
 */

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
