/**
 * Which modes a window may use for a matter of another region: what the
 * matter offers, narrowed by the cooperation agreement from the window's
 * region to the matter's. The catalog listing (issue 16) and the submission
 * check read the same answer, so the page offers only what will be accepted.
 */
import { HandlingMode } from "./case.js";
import { agreementBetween, type Federation, type Matter } from "./matter.js";

/**
 * The modes region `intake` may use to file `matter` of region `handling`, in the matter's order:
 * its own region's matters in every mode but REMOTE_INTAKE (which needs another handling region), a
 * partner's in the modes the agreement `intake → partner` lists for it, none without an agreement.
 */
export function agreedModes(
  fed: Federation,
  intake: string,
  handling: string,
  matter: Pick<Matter, "code" | "modes">,
): HandlingMode[] {
  if (handling === intake) return matter.modes.filter((m) => m !== HandlingMode.REMOTE_INTAKE);
  const agreed = agreementBetween(fed, intake, handling)?.matters.get(matter.code);
  return agreed ? matter.modes.filter((m) => agreed.has(m)) : [];
}
