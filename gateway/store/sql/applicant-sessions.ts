/** Statements on `applicant_sessions`: applicants' sign-in sessions (ports/sessions.ts, issue 18). */
import type { AtRestPlace } from "../../security/cipher.js";

/** Statements with `?` placeholders, the same in both dialects. */
export const APPLICANT_SESSIONS = {
  insert: "INSERT INTO applicant_sessions (id_hash, identity, created_at, expires_at) VALUES (?, ?, ?, ?)",
  find: `SELECT id_hash AS "idHash", identity, created_at AS "createdAt", expires_at AS "expiresAt"
         FROM applicant_sessions WHERE id_hash = ? AND expires_at > ?`,
  delete: "DELETE FROM applicant_sessions WHERE id_hash = ?",
  deleteExpired: "DELETE FROM applicant_sessions WHERE expires_at <= ?",
} as const;

/** Where a session's sealed identity is (its associated data); the row is named by a digest in errors. */
export function applicantIdentityAt(idHash: string): AtRestPlace {
  return { table: "applicant_sessions", column: "identity", row: idHash, rowIsSecret: true };
}
