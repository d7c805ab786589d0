/** One material of a matter on a form: the file chooser, its digest and upload state. */
import { ApiError } from "./api.js";
import { fill, h } from "./dom.js";
import { showIssue } from "./fields.js";
import { sizeLabel } from "./labels.js";
import { type Attached, attach, materialOf } from "./materials.js";
import type { MaterialJson } from "./types.js";

/** A material's row. */
export interface MaterialRow {
  readonly code: string;
  readonly required: boolean;
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  /** The attached file as a Material, once uploaded. */
  material(): MaterialJson | undefined;
  /** Resolves once the upload in progress (if any) is over. */
  settled(): Promise<void>;
}

/** Builds the row of material `code` (`name`); `required` marks it 必交. */
export function materialRow(code: string, name: string, required: boolean, idPrefix: string): MaterialRow {
  const id = `${idPrefix}-${code}`;
  const input = h("input", {
    type: "file",
    id,
    "data-material-code": code,
    accept: "application/pdf,image/jpeg,image/png,image/tiff",
  });
  const digest = h("output", { class: "digest", for: id, "aria-live": "polite" });
  const element = h(
    "div",
    { class: "field material" },
    h(
      "label",
      { for: id },
      name,
      " ",
      h("small", {}, code),
      required ? h("span", { class: "required" }, "必交") : h("span", { class: "optional" }, "选交"),
    ),
    input,
    digest,
  );
  let attached: Attached | undefined;
  let pending: Promise<void> = Promise.resolve();
  input.addEventListener("change", () => {
    attached = undefined;
    const file = input.files?.[0];
    showIssue(input, undefined);
    if (!file) {
      fill(digest);
      return;
    }
    fill(digest, "正在计算摘要并上传……");
    pending = attach(file).then(
      (a) => {
        attached = a;
        fill(
          digest,
          "sha256 ",
          h("code", { class: "sha256" }, a.sha256),
          ` · ${sizeLabel(Number(a.sizeBytes))} · 已上传`,
        );
      },
      (err: unknown) => {
        fill(digest);
        const issue = err instanceof ApiError ? (err.details[0]?.issue ?? err.message) : String(err);
        showIssue(input, issue);
      },
    );
  });
  return {
    code,
    required,
    element,
    input,
    material: () => (attached ? materialOf(code, name, attached) : undefined),
    settled: () => pending,
  };
}
