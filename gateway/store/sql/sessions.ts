/** Statements on `staff_sessions`: the window page's sign-in sessions (ports/sessions.ts). */

/** Statements with `?` placeholders, the same in both dialects. */
export const SESSIONS = {
  insert: "INSERT INTO staff_sessions (id_hash, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
  find: `SELECT id_hash AS "idHash", token_hash AS "tokenHash", created_at AS "createdAt", expires_at AS "expiresAt"
         FROM staff_sessions WHERE id_hash = ? AND expires_at > ?`,
  delete: "DELETE FROM staff_sessions WHERE id_hash = ?",
  deleteOfToken: "DELETE FROM staff_sessions WHERE token_hash = ?",
  deleteExpired: "DELETE FROM staff_sessions WHERE expires_at <= ?",
} as const;
