/**
 * 440100 广州市: the local catalog is a GBK-encoded CSV export with Chinese
 * headers, and the city's case system exchanges cases as GBK CSV rows too.
 */
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import iconv from "iconv-lite";
import type { CaseState } from "../../gateway/domain/case.js";
import type { RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext, RegionAdapter } from "../../gateway/ports/adapter.js";
import {
  buildCatalog,
  type LocalMatter,
  localMaterialCode,
  sharedMaterialCode,
  workingDays,
} from "../sdk/catalog.js";
import { AdapterError, parseJson } from "../sdk/errors.js";
import { DELIVERY_LABELS, fromLabel, modeFromLabel, modeLabel, STATUS_LABELS } from "../sdk/labels.js";

const CATALOG_COLUMNS = [
  "事项代码",
  "事项名称",
  "主管部门",
  "承诺办结时限(工作日)",
  "办理模式",
  "服务对象",
  "所需材料",
];

/**
 * GB 18030 is a superset of GBK: it reads every GBK export unchanged and can
 * also carry the rare characters in names (e.g. 𠮷) that GBK cannot.
 */
function decodeGbk(raw: Uint8Array): string {
  return iconv.decode(Buffer.from(raw), "gb18030");
}

/**
 * The rows of a CSV text; a malformed one throws a `code` AdapterError naming
 * `file` and the line. Catalog exports are trimmed (hand-edited
 * spreadsheets); case rows are kept byte for byte.
 */
function rows(
  text: string,
  file: string,
  code: "SYNTAX" | "CASE_FORMAT",
  trim = false,
): Record<string, string>[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true, bom: true, trim });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw AdapterError.at(code, line ? `${file} line ${line}` : file, (err as Error).message, { cause: err });
  }
}

/** A case as the city's CSV row: its keys, in order, are the columns. */
function caseRow(c: CaseState, catalog: RegionCatalog, ctx: CatalogContext) {
  const person = "person" in c.applicant ? c.applicant.person : undefined;
  const org = "organization" in c.applicant ? c.applicant.organization : undefined;
  return {
    办件编号: c.caseId,
    回执编号: c.receiptNo,
    事项代码: catalog.byCode.get(c.matterCode)?.localCode ?? c.matterCode,
    事项名称: c.matterName,
    办理模式: modeLabel(c.mode),
    收件地: c.intakeRegion,
    办理地: c.handlingRegion,
    协办地: c.collaboratingRegions.join(";"),
    申请人类型: person ? "个人" : "企业",
    申请人名称: person?.name ?? org?.name ?? "",
    证件号码: person?.idNumber ?? org?.creditCode ?? "",
    联系电话: person?.mobile ?? "",
    法定代表人: org?.legalRepresentative ?? "",
    材料清单: JSON.stringify(
      c.materials.map((m) => ({ ...m, materialCode: localMaterialCode(ctx, m.materialCode) })),
    ),
    送达方式: DELIVERY_LABELS[c.delivery.method],
    收件人: c.delivery.recipient,
    收件人电话: c.delivery.mobile,
    邮寄地址: c.delivery.address,
    邮政编码: c.delivery.postalCode,
    快递公司: c.delivery.courier,
    运单号: c.delivery.waybillNo,
    办件状态: STATUS_LABELS[c.status],
    收件时间: c.submittedAt,
    更新时间: c.updatedAt,
    承诺时限: String(c.promisedDays),
    办结期限: c.deadline,
    目录版本: c.catalogVersion,
    子任务: JSON.stringify(c.subtasks),
    办理结果: c.approved === undefined ? "" : c.approved ? "准予" : "不予",
    原因: c.reason,
    补正材料: c.requestedMaterialCodes.map((code) => localMaterialCode(ctx, code)).join(";"),
    版本: String(c.version),
  };
}

type CaseRow = ReturnType<typeof caseRow>;

export default {
  regionCode: "440100",
  catalogFile: "catalog.csv",
  catalogEncoding: "gb18030",

  parseCatalog(raw, ctx) {
    const text = decodeGbk(raw);
    const header = text.slice(0, text.search(/\r?\n/)).split(",");
    const missing = CATALOG_COLUMNS.filter((c) => !header.includes(c));
    if (missing.length > 0)
      throw AdapterError.at("SCHEMA", "catalog.csv line 1", `missing columns ${missing.join(", ")}`);
    const records: LocalMatter[] = rows(text, "catalog.csv", "SYNTAX", true).map((r, i) => {
      const at = `catalog.csv line ${i + 2}`;
      const days = workingDays(Number(r["承诺办结时限(工作日)"]), `${at} 承诺办结时限`);
      return {
        localCode: String(r.事项代码),
        name: String(r.事项名称),
        department: String(r.主管部门),
        promisedDays: days,
        modeLabels: String(r.办理模式).split("|").filter(Boolean),
        materials: String(r.所需材料)
          .split(";")
          .filter(Boolean)
          .map((pair) => {
            const sep = pair.indexOf(":");
            if (sep < 0) throw AdapterError.at("SCHEMA", at, `所需材料 entry "${pair}" is not code:name`);
            return { localCode: pair.slice(0, sep), name: pair.slice(sep + 1), required: true };
          }),
        origin: at,
      };
    });
    // The export carries no version column: its content hash names the version.
    const version = `gbk-${createHash("sha256").update(raw).digest("hex").slice(0, 12)}`;
    return buildCatalog("440100", version, records, ctx);
  },

  caseToLocal(c, catalog, ctx) {
    const csv = stringify([caseRow(c, catalog, ctx)], { header: true, record_delimiter: "windows" });
    return iconv.encode(csv, "gb18030");
  },

  caseFromLocal(raw, catalog, ctx) {
    const r = rows(decodeGbk(raw), "case CSV", "CASE_FORMAT")[0] as CaseRow | undefined;
    if (!r) throw AdapterError.at("CASE_FORMAT", "case CSV", "has no data row");
    const list = (s: string) => s.split(";").filter(Boolean);
    const state: CaseState = {
      caseId: r.办件编号,
      receiptNo: r.回执编号,
      mode: modeFromLabel(r.办理模式, "办理模式"),
      matterCode: catalog.byLocalCode.get(r.事项代码)?.code ?? r.事项代码,
      matterName: r.事项名称,
      intakeRegion: r.收件地,
      handlingRegion: r.办理地,
      collaboratingRegions: list(r.协办地),
      applicant:
        r.申请人类型 === "个人"
          ? { person: { name: r.申请人名称, idNumber: r.证件号码, mobile: r.联系电话 } }
          : {
              organization: { name: r.申请人名称, creditCode: r.证件号码, legalRepresentative: r.法定代表人 },
            },
      materials: (parseJson(r.材料清单, "case CSV 材料清单", "CASE_FORMAT") as CaseState["materials"]).map(
        (m) => ({
          ...m,
          materialCode: sharedMaterialCode(ctx, m.materialCode),
        }),
      ),
      delivery: {
        method: fromLabel(DELIVERY_LABELS, r.送达方式, "送达方式"),
        recipient: r.收件人,
        mobile: r.收件人电话,
        address: r.邮寄地址,
        postalCode: r.邮政编码,
        courier: r.快递公司,
        waybillNo: r.运单号,
      },
      status: fromLabel(STATUS_LABELS, r.办件状态, "办件状态"),
      submittedAt: r.收件时间,
      updatedAt: r.更新时间,
      promisedDays: Number(r.承诺时限),
      deadline: r.办结期限,
      catalogVersion: r.目录版本,
      subtasks: parseJson(r.子任务, "case CSV 子任务", "CASE_FORMAT") as CaseState["subtasks"],
      reason: r.原因,
      requestedMaterialCodes: list(r.补正材料).map((code) => sharedMaterialCode(ctx, code)),
      version: Number(r.版本),
    };
    return r.办理结果 === "" ? state : { ...state, approved: r.办理结果 === "准予" };
  },
} satisfies RegionAdapter;
