/**
 * Chinese wording of the issue texts that the shared checks (domain/ids.ts,
 * contract/requests.ts, domain/submission.ts, the lifecycle) return, so the
 * page shows the server's and its own findings alike. The wording lives in
 * the one catalogue the REST error mapper uses too (domain/messages.ts);
 * unknown texts are shown as they came: a new check is never hidden, only
 * untranslated (and the catalogue's test names it).
 */
export { zhIssue } from "../../domain/messages.js";
