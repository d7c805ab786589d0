/**
 * 430100 长沙市: the local catalog (实施清单) is JSON with Chinese field names,
 * and the city's case system records cases as JSON with Chinese keys.
 */
import type { CaseState, Material } from "../../gateway/domain/case.js";
import type { RegionCatalog } from "../../gateway/domain/matter.js";
import type { CatalogContext, RegionAdapter } from "../../gateway/ports/adapter.js";
import {
  buildCatalog,
  type LocalMatter,
  localMaterialCode,
  need,
  sharedMaterialCode,
  workingDays,
} from "../sdk/catalog.js";
import { decodeUtf8 } from "../sdk/encoding.js";
import { parseJson } from "../sdk/errors.js";
import { DELIVERY_LABELS, fromLabel, modeFromLabel, modeLabel, STATUS_LABELS } from "../sdk/labels.js";

interface LocalCatalogJson {
  清单版本: string;
  行政区划代码: string;
  事项列表: Array<{
    事项编码: string;
    事项名称: string;
    实施部门: string;
    承诺时限: number;
    办理方式: string[];
    申请材料: Array<{ 材料编码: string; 材料名称: string; 是否必要: string }>;
  }>;
}

export default {
  regionCode: "430100",
  catalogFile: "catalog.json",

  parseCatalog(raw, ctx) {
    const doc = (parseJson(decodeUtf8(raw, "catalog.json"), "catalog.json") ?? {}) as LocalCatalogJson;
    const version = need(doc.清单版本, "catalog.json 清单版本");
    const records: LocalMatter[] = need(doc.事项列表, "catalog.json 事项列表").map((m, i) => {
      const at = `catalog.json 事项列表[${i}]`;
      return {
        localCode: need(m.事项编码, `${at}.事项编码`),
        name: need(m.事项名称, `${at}.事项名称`),
        department: need(m.实施部门, `${at}.实施部门`),
        promisedDays: workingDays(m.承诺时限, `${at}.承诺时限`),
        modeLabels: need(m.办理方式, `${at}.办理方式`),
        materials: need(m.申请材料, `${at}.申请材料`).map((x, j) => ({
          localCode: need(x.材料编码, `${at}.申请材料[${j}].材料编码`),
          name: need(x.材料名称, `${at}.申请材料[${j}].材料名称`),
          required: x.是否必要 === "是",
        })),
        origin: at,
      };
    });
    return buildCatalog("430100", version, records, ctx);
  },

  caseToLocal(c, catalog, ctx) {
    const material = (m: Material) => ({
      材料编码: localMaterialCode(ctx, m.materialCode),
      材料名称: m.name,
      文件摘要: m.sha256,
      文件大小: m.sizeBytes,
      文件类型: m.mediaType,
    });
    const applicant =
      "person" in c.applicant
        ? {
            类型: "自然人",
            姓名: c.applicant.person.name,
            身份证号码: c.applicant.person.idNumber,
            手机号码: c.applicant.person.mobile,
          }
        : {
            类型: "法人",
            单位名称: c.applicant.organization.name,
            统一社会信用代码: c.applicant.organization.creditCode,
            法定代表人: c.applicant.organization.legalRepresentative,
          };
    const record = {
      办件编号: c.caseId,
      回执编号: c.receiptNo,
      事项编码: catalog.byCode.get(c.matterCode)?.localCode ?? c.matterCode,
      事项名称: c.matterName,
      办理方式: modeLabel(c.mode),
      收件地: c.intakeRegion,
      办理地: c.handlingRegion,
      协办地: c.collaboratingRegions,
      申请人: applicant,
      申请材料: c.materials.map(material),
      送达: {
        方式: DELIVERY_LABELS[c.delivery.method],
        收件人: c.delivery.recipient,
        联系电话: c.delivery.mobile,
        地址: c.delivery.address,
        邮编: c.delivery.postalCode,
        快递公司: c.delivery.courier,
        运单号: c.delivery.waybillNo,
      },
      办件状态: STATUS_LABELS[c.status],
      收件时间: c.submittedAt,
      更新时间: c.updatedAt,
      承诺时限: c.promisedDays,
      办结期限: c.deadline,
      清单版本: c.catalogVersion,
      子任务: c.subtasks.map((s) => ({
        编号: s.subtaskId,
        地区: s.region,
        内容: s.description,
        已完成: s.completed,
        说明: s.note,
      })),
      办理结果: c.approved === undefined ? "" : c.approved ? "准予许可" : "不予许可",
      原因: c.reason,
      补正材料: c.requestedMaterialCodes.map((code) => localMaterialCode(ctx, code)),
      版本: c.version,
    };
    return new TextEncoder().encode(JSON.stringify(record));
  },

  caseFromLocal(raw, catalog: RegionCatalog, ctx: CatalogContext): CaseState {
    const r = parseJson(decodeUtf8(raw, "the case record"), "the case record", "CASE_FORMAT");
    const a = r.申请人;
    const result = r.办理结果 as string;
    const state: CaseState = {
      caseId: r.办件编号,
      receiptNo: r.回执编号,
      mode: modeFromLabel(r.办理方式, "办理方式"),
      matterCode: catalog.byLocalCode.get(r.事项编码)?.code ?? r.事项编码,
      matterName: r.事项名称,
      intakeRegion: r.收件地,
      handlingRegion: r.办理地,
      collaboratingRegions: r.协办地,
      applicant:
        a.类型 === "自然人"
          ? { person: { name: a.姓名, idNumber: a.身份证号码, mobile: a.手机号码 } }
          : {
              organization: {
                name: a.单位名称,
                creditCode: a.统一社会信用代码,
                legalRepresentative: a.法定代表人,
              },
            },
      materials: r.申请材料.map((m: Record<string, string | number>) => ({
        materialCode: sharedMaterialCode(ctx, String(m.材料编码)),
        name: String(m.材料名称),
        sha256: String(m.文件摘要),
        sizeBytes: Number(m.文件大小),
        mediaType: String(m.文件类型),
      })),
      delivery: {
        method: fromLabel(DELIVERY_LABELS, r.送达.方式, "送达.方式"),
        recipient: r.送达.收件人,
        mobile: r.送达.联系电话,
        address: r.送达.地址,
        postalCode: r.送达.邮编,
        courier: r.送达.快递公司,
        waybillNo: r.送达.运单号,
      },
      status: fromLabel(STATUS_LABELS, r.办件状态, "办件状态"),
      submittedAt: r.收件时间,
      updatedAt: r.更新时间,
      promisedDays: r.承诺时限,
      deadline: r.办结期限,
      catalogVersion: r.清单版本,
      subtasks: r.子任务.map((s: Record<string, string | boolean>) => ({
        subtaskId: s.编号,
        region: s.地区,
        description: s.内容,
        completed: s.已完成,
        note: s.说明,
      })),
      reason: r.原因,
      requestedMaterialCodes: r.补正材料.map((code: string) => sharedMaterialCode(ctx, code)),
      version: r.版本,
    };
    return result === "" ? state : { ...state, approved: result === "准予许可" };
  },
} satisfies RegionAdapter;
