/**
 * Messages next to fields: the page's own checks as the clerk types, and the
 * server's `details[].path` mapped onto the element whose `data-path` names
 * that path (or its nearest parent path), so both kinds land in one place.
 */
import type { ApiError, IssueDetail } from "./api.js";
import { h } from "./dom.js";
import { zhIssue } from "./messages.js";

/** The message element of a field: inside its `.field` wrapper, linked for screen readers. */
function issueElement(el: HTMLElement): HTMLElement {
  const holder = el.closest(".field") ?? el;
  const existing = holder.querySelector(":scope > .issue");
  if (existing instanceof HTMLElement) return existing;
  const id = `${el.id || `f${Math.random().toString(36).slice(2)}`}-issue`;
  const p = h("p", { class: "issue", id, "aria-live": "polite" });
  holder.append(p);
  el.setAttribute("aria-describedby", id);
  return p;
}

/** Shows `issue` (translated) next to `el`, or clears it when undefined. */
export function showIssue(el: HTMLElement, issue: string | undefined): void {
  const p = issueElement(el);
  p.textContent = issue === undefined ? "" : zhIssue(issue);
  if (issue === undefined) el.removeAttribute("aria-invalid");
  else el.setAttribute("aria-invalid", "true");
}

/** Clears every message inside `scope`. */
export function clearIssues(scope: HTMLElement): void {
  for (const p of scope.querySelectorAll(".issue")) p.textContent = "";
  for (const el of scope.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/** The shown element of `scope` naming `path` (`a.b[2].c`), else its nearest parent path (`a.b[2]`, `a.b`, `a`). */
function elementFor(scope: HTMLElement, path: string): HTMLElement | undefined {
  for (let p = path; p !== ""; p = p.slice(0, Math.max(p.lastIndexOf("."), p.lastIndexOf("["), 0))) {
    const el = scope.querySelector<HTMLElement>(`[data-path="${CSS.escape(p)}"]`);
    if (el && !el.closest("[hidden]")) return el;
  }
  return undefined;
}

/** A detail as the clerk reads it: the gateway's Chinese wording, else the catalogue's for its issue. */
const wording = (d: IssueDetail): string => d.message ?? zhIssue(d.issue);

/**
 * Puts each detail of the gateway's refusal `err` next to the element of `scope` with the matching
 * `data-path`. Returns what is left for the form-wide message: the issues no element claimed (each after
 * `prefix`), or the refusal's message when it has no details; "" when every detail found its field.
 */
export function showRefusal(scope: HTMLElement, err: ApiError, prefix = (_: IssueDetail) => ""): string {
  const unplaced: IssueDetail[] = [];
  const placed = new Set<HTMLElement>();
  for (const d of err.details) {
    const el = elementFor(scope, d.path);
    if (!el) {
      unplaced.push(d);
      continue;
    }
    // Several issues of one field are shown together.
    const p = issueElement(el);
    p.textContent = placed.has(el) ? `${p.textContent}；${wording(d)}` : wording(d);
    el.setAttribute("aria-invalid", "true");
    placed.add(el);
  }
  if (err.details.length === 0) return zhIssue(err.message);
  return unplaced.map((d) => `${prefix(d)}${wording(d)}`).join("；");
}

/**
 * How a required field is checked: a check in the shape of domain/ids.ts (undefined when valid, else the
 * issue), and whether to upper-case what the clerk typed (the X of an ID) before checking.
 */
export interface FieldRule {
  readonly check?: (value: string) => string | undefined;
  readonly upper?: boolean;
}

/**
 * Checks the required field `el` as the clerk types: once the value reaches the field's `maxlength`, or
 * after the field was left once. Returns the validator the form runs on submit (true when acceptable).
 */
export function watchField(el: HTMLInputElement, rule: FieldRule = {}): () => boolean {
  // The message line is there from the start, holding its place: a message appearing as the field loses focus
  // (on the very mousedown of a click on 提交) must not push the button from under the pointer (issue 16).
  issueElement(el).classList.add("reserved");
  let touched = false;
  const validate = (): boolean => {
    const raw = el.value.trim();
    const v = rule.upper ? raw.toUpperCase() : raw;
    // Only upper-cased fields (codes, no spaces) are rewritten; names keep what the clerk is typing.
    if (v !== raw) el.value = v;
    const issue = v === "" ? "is required" : rule.check?.(v);
    showIssue(el, issue);
    return issue === undefined;
  };
  const max = Number(el.getAttribute("maxlength") ?? "0");
  el.addEventListener("input", () => {
    if (touched || (max > 0 && el.value.trim().length >= max)) validate();
  });
  el.addEventListener("blur", () => {
    if (el.value.trim() !== "") touched = true;
    if (touched) validate();
  });
  return validate;
}
