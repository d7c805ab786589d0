/**
 * 异地收件: pick the handling region and matter, enter the applicant with the
 * same identifier checks the gateway runs (domain/ids.ts), attach materials,
 * choose delivery, submit; the receipt follows.
 */
import { checkCreditCode, checkMobile, checkPostalCode, checkResidentId } from "../../domain/ids.js";
import { ApiError, api, idempotencyKey } from "./api.js";
import { byId, fill, h } from "./dom.js";
import { clearIssues, type FieldRule, showIssue, showRefusal, watchField } from "./fields.js";
import { regionLabel } from "./labels.js";
import { attachedMaterials, type MaterialRow, materialRow } from "./material-row.js";
import type { CaseJson, MaterialJson, MatterJson, RegionJson } from "./types.js";

/** Required fields of one part of the request, each checked as typed: its key, element id and rule. */
function fieldGroup(fields: Record<string, readonly [id: string, rule?: FieldRule]>) {
  const checks = Object.values(fields).map(([id, rule]) => watchField(byId<HTMLInputElement>(id), rule));
  return {
    /** Runs every check of the group (all of them, so each shows its message); true when all pass. */
    check: () => checks.map((run) => run()).every(Boolean),
    /** The group's part of the request. */
    values: () =>
      Object.fromEntries(
        Object.entries(fields).map(([key, [id]]) => [key, byId<HTMLInputElement>(id).value.trim()]),
      ),
  };
}

/** Sets up the intake form of region `me`; `done` gets the submitted case. */
export function setUpIntake(
  me: RegionJson,
  regions: readonly RegionJson[],
  done: (c: CaseJson) => void,
): void {
  const form = byId<HTMLFormElement>("intake-form");
  const regionSelect = byId<HTMLSelectElement>("handling-region");
  const query = byId<HTMLInputElement>("matter-q");
  const results = byId("matter-results");
  const materialsBox = byId("materials");
  const formError = byId("intake-error");
  let matters: MatterJson[] = [];
  let matter: MatterJson | undefined;
  let rows: MaterialRow[] = [];
  // One key per filled-in form: a resubmit after a lost answer is taken once.
  let key = idempotencyKey(`win-${me.code}`);

  const partners = regions.filter((r) => me.partners.includes(r.code));
  fill(regionSelect, ...partners.map((r) => h("option", { value: r.code }, regionLabel(r.code))));

  const person = fieldGroup({
    name: ["person-name"],
    idNumber: ["person-id", { check: checkResidentId, upper: true }],
    mobile: ["person-mobile", { check: checkMobile }],
  });
  const organization = fieldGroup({
    name: ["org-name"],
    creditCode: ["org-code", { check: checkCreditCode, upper: true }],
    legalRepresentative: ["org-rep"],
  });
  const mail = fieldGroup({
    recipient: ["mail-recipient"],
    mobile: ["mail-mobile", { check: checkMobile }],
    address: ["mail-address"],
    postalCode: ["mail-postal", { check: checkPostalCode }],
  });
  const applicantKind = () =>
    form.querySelector<HTMLInputElement>('input[name="applicant-kind"]:checked')?.value ?? "person";
  const deliveryMethod = () =>
    form.querySelector<HTMLInputElement>('input[name="delivery"]:checked')?.value ?? "MAIL";
  const mode = () =>
    form.querySelector<HTMLInputElement>('input[name="intake-mode"]:checked')?.value ?? "REMOTE_INTAKE";
  const collaborators = () =>
    [...form.querySelectorAll<HTMLInputElement>('input[name="collaborator"]:checked')].map((b) => b.value);
  /** 多地联办: every other member may collaborate (the agreements decide; the gateway says which not). */
  const listCollaborators = () =>
    fill(
      byId("collaborators"),
      ...regions
        .filter((r) => r.code !== regionSelect.value)
        .map((r) =>
          h(
            "label",
            {},
            h("input", { type: "checkbox", name: "collaborator", value: r.code }),
            ` ${regionLabel(r.code)}`,
          ),
        ),
    );

  const chooseMatter = (chosen: MatterJson | undefined) => {
    // The listing already offers only agreed matters; a matter the agreement does not let this window take by
    // remote intake is refused here, before any scan is asked for (the gateway checks it first too).
    const agreed = chosen === undefined || (chosen.allowedModes ?? []).includes("REMOTE_INTAKE");
    const m = agreed ? chosen : undefined;
    matter = m;
    byId("matter-info").hidden = !m;
    byId("materials-hint").hidden = Boolean(m);
    if (!m) {
      rows = [];
      fill(materialsBox);
      return;
    }
    byId("matter-days").textContent = String(m.promisedDays);
    byId("matter-department").textContent = m.department;
    rows = m.materials.map((x) => materialRow(x.materialCode, x.name, x.required, "intake-material"));
    fill(materialsBox, ...rows.map((r) => r.element));
    showIssue(results, undefined);
  };
  const refuseUnagreed = (chosen: MatterJson | undefined) => {
    if (chosen && !(chosen.allowedModes ?? []).includes("REMOTE_INTAKE")) {
      showIssue(
        results,
        `matter ${chosen.code} is not in the cooperation agreement ${me.code} → ${regionSelect.value}`,
      );
    }
  };

  const search = async () => {
    const params = new URLSearchParams({ q: query.value.trim(), mode: mode() });
    const path = `/regions/${regionSelect.value}/matters?${params}`;
    const page = await api<{ matters: MatterJson[] }>("GET", path).catch((err: unknown) => {
      showIssue(results, err instanceof Error ? err.message : String(err));
      return { matters: [] };
    });
    matters = page.matters;
    chooseMatter(undefined);
    if (matters.length === 0) {
      fill(
        results,
        h(
          "p",
          { class: "hint" },
          mode() === "MULTI_REGION" ? "没有找到可多地联办的事项。" : "没有找到可异地代收的事项。",
        ),
      );
      return;
    }
    fill(
      results,
      ...matters.map((m) =>
        h(
          "label",
          { class: "matter" },
          h("input", { type: "radio", name: "matter", value: m.code }),
          h("span", { class: "matter-name" }, m.name),
          h("small", {}, ` ${m.code} · ${m.department} · 承诺 ${m.promisedDays} 个工作日`),
        ),
      ),
    );
  };

  /** Flags required materials not attached yet next to the materials; true when none is missing. */
  const showMissingMaterials = (): boolean => {
    const missing = rows.filter((r) => r.required && !r.material());
    showIssue(
      byId("materials-field"),
      missing.length > 0 ? `缺少必交材料：${missing.map((r) => r.code).join("、")}` : undefined,
    );
    return missing.length === 0;
  };
  materialsBox.addEventListener("change", async () => {
    // A "missing materials" message from the last submit goes once the clerk attaches them.
    if (byId("materials-field").getAttribute("aria-invalid") !== "true") return;
    await Promise.all(rows.map((r) => r.settled()));
    showMissingMaterials();
  });
  results.addEventListener("change", (e) => {
    const code = (e.target as HTMLInputElement).value;
    const chosen = matters.find((m) => m.code === code);
    chooseMatter(chosen);
    refuseUnagreed(chosen);
  });
  query.addEventListener("keydown", (e) => {
    // Enter in the search box searches; everywhere else it submits the form.
    if (e.key !== "Enter") return;
    e.preventDefault();
    void search();
  });
  byId("matter-search").addEventListener("click", () => void search());
  regionSelect.addEventListener("change", () => {
    listCollaborators();
    void search();
  });
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="intake-mode"]'))
    radio.addEventListener("change", () => void search());
  /** Shows the fields of the applicant kind and delivery method chosen. */
  const showChosenParts = () => {
    byId("person-fields").hidden = applicantKind() !== "person";
    byId("org-fields").hidden = applicantKind() !== "organization";
    byId("mail-fields").hidden = deliveryMethod() !== "MAIL";
    byId("collaborators-field").hidden = mode() !== "MULTI_REGION";
  };
  form.addEventListener("change", showChosenParts);

  /** Runs every check of the page; false (with messages shown) when something is wrong. */
  const checkAll = (): boolean => {
    let ok = (applicantKind() === "person" ? person : organization).check();
    if (deliveryMethod() === "MAIL") ok = mail.check() && ok;
    if (!matter) {
      showIssue(results, "请选择事项");
      ok = false;
    }
    return showMissingMaterials() && ok;
  };

  const request = (materials: readonly MaterialJson[]) => {
    const method = deliveryMethod();
    return {
      mode: mode(),
      ...(mode() === "MULTI_REGION" ? { collaboratingRegions: collaborators() } : {}),
      matterCode: matter?.code ?? "",
      intakeRegion: me.code,
      handlingRegion: regionSelect.value,
      applicant:
        applicantKind() === "person" ? { person: person.values() } : { organization: organization.values() },
      materials,
      delivery: method === "MAIL" ? { method, ...mail.values() } : { method },
    };
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearIssues(form);
    formError.textContent = "";
    const materials = await attachedMaterials(rows);
    if (!checkAll()) {
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const submit = byId<HTMLButtonElement>("intake-submit");
    submit.disabled = true;
    try {
      const created = await api<CaseJson>("POST", "/cases", request(materials), { "Idempotency-Key": key });
      key = idempotencyKey(`win-${me.code}`);
      form.reset();
      showChosenParts();
      chooseMatter(undefined);
      fill(results);
      done(created);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        formError.textContent = `提交失败：${String(err)}`;
        return;
      }
      // An answered refusal stored nothing: the corrected form is a new request with a new key.
      key = idempotencyKey(`win-${me.code}`);
      const rest = showRefusal(form, err, (d) => `${d.path} `);
      formError.textContent = rest ? `网关拒绝了申请：${rest}` : "网关拒绝了申请，请按各项提示修改。";
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      submit.disabled = false;
    }
  });

  listCollaborators();
  void search();
}
