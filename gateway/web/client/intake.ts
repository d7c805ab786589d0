/**
 * 异地收件: pick the handling region and matter, enter the applicant with the
 * same identifier checks the gateway runs (domain/ids.ts), attach materials,
 * choose delivery, submit; the receipt follows.
 */
import { checkCreditCode, checkMobile, checkPostalCode, checkResidentId } from "../../domain/ids.js";
import { ApiError, api, idempotencyKey } from "./api.js";
import { byId, fill, h } from "./dom.js";
import { clearIssues, showIssue, showServerIssues, watchField } from "./fields.js";
import { regionLabel } from "./labels.js";
import { type MaterialRow, materialRow } from "./material-row.js";
import { zhIssue } from "./messages.js";
import type { CaseJson, MatterJson, RegionJson } from "./types.js";

const upper = (v: string) => v.toUpperCase();

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

  const person = {
    name: watchField(byId("person-name"), { required: true }),
    idNumber: watchField(byId("person-id"), { required: true, check: checkResidentId, normalise: upper }),
    mobile: watchField(byId("person-mobile"), { required: true, check: checkMobile }),
  };
  const org = {
    name: watchField(byId("org-name"), { required: true }),
    creditCode: watchField(byId("org-code"), { required: true, check: checkCreditCode, normalise: upper }),
    legalRepresentative: watchField(byId("org-rep"), { required: true }),
  };
  const mail = {
    recipient: watchField(byId("mail-recipient"), { required: true }),
    mobile: watchField(byId("mail-mobile"), { required: true, check: checkMobile }),
    address: watchField(byId("mail-address"), { required: true }),
    postalCode: watchField(byId("mail-postal"), { required: true, check: checkPostalCode }),
  };
  const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
  const applicantKind = () =>
    form.querySelector<HTMLInputElement>('input[name="applicant-kind"]:checked')?.value ?? "person";
  const deliveryMethod = () =>
    form.querySelector<HTMLInputElement>('input[name="delivery"]:checked')?.value ?? "MAIL";

  const chooseMatter = (m: MatterJson | undefined) => {
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

  const search = async () => {
    const params = new URLSearchParams({ q: query.value.trim(), mode: "REMOTE_INTAKE" });
    try {
      const page = await api<{ matters: MatterJson[] }>(
        "GET",
        `/regions/${regionSelect.value}/matters?${params}`,
      );
      matters = page.matters;
    } catch (err) {
      matters = [];
      showIssue(results, err instanceof Error ? err.message : String(err));
    }
    chooseMatter(undefined);
    if (matters.length === 0) {
      fill(results, h("p", { class: "hint" }, "没有找到可异地代收的事项。"));
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
    chooseMatter(matters.find((m) => m.code === code));
  });
  query.addEventListener("keydown", (e) => {
    // Enter in the search box searches; everywhere else it submits the form.
    if (e.key !== "Enter") return;
    e.preventDefault();
    void search();
  });
  byId("matter-search").addEventListener("click", () => void search());
  regionSelect.addEventListener("change", () => void search());
  form.addEventListener("change", (e) => {
    const t = e.target as HTMLInputElement;
    if (t.name === "applicant-kind") {
      byId("person-fields").hidden = t.value !== "person";
      byId("org-fields").hidden = t.value !== "organization";
    }
    if (t.name === "delivery") byId("mail-fields").hidden = t.value !== "MAIL";
  });

  /** Runs every check of the page; false (with messages shown) when something is wrong. */
  const checkAll = (): boolean => {
    const checks = applicantKind() === "person" ? Object.values(person) : Object.values(org);
    if (deliveryMethod() === "MAIL") checks.push(...Object.values(mail));
    let ok = checks.map((run) => run()).every(Boolean);
    if (!matter) {
      showIssue(results, "请选择事项");
      ok = false;
    }
    return showMissingMaterials() && ok;
  };

  const request = () => {
    const attached = rows.flatMap((r) => {
      const m = r.material();
      return m ? [{ row: r, material: m }] : [];
    });
    // The server names materials by their index in the request; let its messages find the row.
    for (const r of rows) r.input.removeAttribute("data-path");
    for (const [i, a] of attached.entries()) a.row.input.setAttribute("data-path", `materials[${i}]`);
    const applicant =
      applicantKind() === "person"
        ? {
            person: {
              name: value("person-name"),
              idNumber: value("person-id"),
              mobile: value("person-mobile"),
            },
          }
        : {
            organization: {
              name: value("org-name"),
              creditCode: value("org-code"),
              legalRepresentative: value("org-rep"),
            },
          };
    const method = deliveryMethod();
    const delivery =
      method === "MAIL"
        ? {
            method,
            recipient: value("mail-recipient"),
            mobile: value("mail-mobile"),
            address: value("mail-address"),
            postalCode: value("mail-postal"),
          }
        : { method };
    return {
      mode: "REMOTE_INTAKE",
      matterCode: matter?.code ?? "",
      intakeRegion: me.code,
      handlingRegion: regionSelect.value,
      applicant,
      materials: attached.map((a) => a.material),
      delivery,
    };
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearIssues(form);
    formError.textContent = "";
    await Promise.all(rows.map((r) => r.settled()));
    if (!checkAll()) {
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const submit = byId<HTMLButtonElement>("intake-submit");
    submit.disabled = true;
    try {
      const created = await api<CaseJson>("POST", "/cases", request(), { "Idempotency-Key": key });
      key = idempotencyKey(`win-${me.code}`);
      form.reset();
      byId("person-fields").hidden = false;
      byId("org-fields").hidden = true;
      byId("mail-fields").hidden = false;
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
      const rest = showServerIssues(form, err.details);
      formError.textContent =
        rest.length > 0 || err.details.length === 0
          ? `网关拒绝了申请：${rest.map((d) => `${d.path} ${zhIssue(d.issue)}`).join("；") || err.message}`
          : "网关拒绝了申请，请按各项提示修改。";
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      submit.disabled = false;
    }
  });

  void search();
}
