/**
 * Chinese wording of the issue texts that the shared checks (domain/ids.ts,
 * contract/requests.ts, domain/submission.ts, the lifecycle) return, so the
 * page shows the server's and its own findings alike. The wording lives in
 * the one catalogue the REST error mapper uses too (domain/messages.ts);
 * unknown texts are shown as they came: a new check is never hidden, only
 * untranslated (and the catalogue's test names it).
 */
import { zhIssue as catalogued } from "../../domain/messages.js";
import { regionName } from "./labels.js";

/** The 电子监察 lights as the page names them (issue 17). */
export const LIGHT_LABELS: Readonly<Record<"GREEN" | "YELLOW" | "RED", string>> = {
  GREEN: "正常",
  YELLOW: "预警",
  RED: "超期",
};

/** The 特别程序 kinds as the page names them (issue 17). */
export const SUSPENSION_LABELS: Readonly<Record<string, string>> = {
  HEARING: "听证",
  INSPECTION: "现场核查",
  EXPERT_REVIEW: "专家评审",
  PUBLIC_NOTICE: "公示",
  SUPPLEMENT: "补正",
};

/** The Chinese text of an issue, naming regions as the federation does; the issue itself when no entry knows it. */
export function zhIssue(issue: string): string {
  return catalogued(issue, regionName);
}
