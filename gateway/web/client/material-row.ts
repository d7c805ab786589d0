/**
 * One material of a matter on a form: the file chooser, its digest and upload state. The file goes to
 * `POST /api/v1/materials` (stored content-addressed by the gateway), and the sha256 it answers is what
 * the case carries. The browser hashes the file too, where it can, to check that the gateway stored the
 * bytes the clerk chose.
 */
import { ApiError, api, hex } from "./api.js";
import { fill, h } from "./dom.js";
import { showIssue } from "./fields.js";
import { sizeLabel } from "./labels.js";
import type { MaterialJson } from "./types.js";

/** The server's bound on one material (contract/requests.ts, materialSchema). */
const MAX_MATERIAL_BYTES = 200 * 1024 * 1024;

type Stored = Pick<MaterialJson, "sha256" | "sizeBytes" | "mediaType">;

/** Scan types by file extension, for files the browser gives no type (OFD, most often). */
const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  ofd: "application/ofd",
  pdf: "application/pdf",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  tif: "image/tiff",
  tiff: "image/tiff",
};

/** The media type of a file the browser did not type; the gateway refuses anything but scans (415). */
function typeByExtension(name: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
  return EXTENSION_TYPES[ext] ?? "application/octet-stream";
}

/** Uploads `file` and returns its digest; refuses an empty or oversized file before sending it. */
async function upload(file: File): Promise<Stored> {
  if (file.size === 0 || file.size > MAX_MATERIAL_BYTES) {
    throw new ApiError("INVALID_ARGUMENT", "file size", [
      { path: "sizeBytes", issue: "must be between 1 byte and 200 MiB" },
    ]);
  }
  const mediaType = file.type || typeByExtension(file.name);
  // Web Crypto is unavailable on plain HTTP off localhost: the page then trusts the gateway's digest.
  const local = globalThis.crypto?.subtle
    ? hex(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()))
    : undefined;
  const stored = await api<Stored>("POST", "/materials", file, { "Content-Type": mediaType });
  if (local !== undefined && stored.sha256 !== local) {
    throw new ApiError("INTERNAL", "digest mismatch", [
      { path: "sha256", issue: `网关存储的摘要 ${stored.sha256} 与本机计算的 ${local} 不一致，请重新上传` },
    ]);
  }
  return stored;
}

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
    accept: "application/pdf,image/jpeg,image/png,image/tiff,application/ofd,.ofd",
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
  let material: MaterialJson | undefined;
  let pending: Promise<void> = Promise.resolve();
  input.addEventListener("change", () => {
    material = undefined;
    const file = input.files?.[0];
    showIssue(input, undefined);
    if (!file) {
      fill(digest);
      return;
    }
    fill(digest, "正在计算摘要并上传……");
    pending = upload(file).then(
      ({ sha256, sizeBytes, mediaType }) => {
        material = { materialCode: code, name, sha256, sizeBytes, mediaType };
        fill(
          digest,
          "sha256 ",
          h("code", { class: "sha256" }, sha256),
          ` · ${sizeLabel(Number(sizeBytes))} · 已上传`,
        );
      },
      (err: unknown) => {
        fill(digest);
        const issue = err instanceof ApiError ? (err.details[0]?.issue ?? err.message) : String(err);
        showIssue(input, issue);
      },
    );
  });
  return { code, required, element, input, material: () => material, settled: () => pending };
}

/**
 * The materials attached in `rows` once their uploads are over. The server names materials by their index
 * in the request, so each row's file chooser takes that index as its `data-path` for the server's messages.
 */
export async function attachedMaterials(rows: readonly MaterialRow[]): Promise<MaterialJson[]> {
  await Promise.all(rows.map((r) => r.settled()));
  const attached: MaterialJson[] = [];
  for (const r of rows) {
    const m = r.material();
    if (!m) {
      r.input.removeAttribute("data-path");
      continue;
    }
    r.input.setAttribute("data-path", `materials[${attached.length}]`);
    attached.push(m);
  }
  return attached;
}
