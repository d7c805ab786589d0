/**
 * 360100 南昌市: the catalog lives in the city's 政务服务事项管理系统, reached
 * over HTTP (federation.yaml `citySystem.url`): `GET /api/catalog?page=&size=`
 * answers pages of `{version, page, size, total, items}` with pinyin-initial
 * field names (sxbm 事项编码, sxmc 事项名称, ssbm 实施部门, cnsx 承诺时限,
 * blfs 办理方式, sqcl 申请材料: clbm, clmc, sfbx). Cases this region accepts
 * are pushed to `POST /api/cases` in the same style. catalog.json is a
 * snapshot of the pages, served when no city system is configured.
 */
import type { CaseState } from "../../gateway/domain/case.js";
import type { CitySystem, RegionAdapter } from "../../gateway/ports/adapter.js";
import {
  buildCatalog,
  type LocalMatter,
  localMaterialCode,
  need,
  sharedMaterialCode,
  workingDays,
} from "../sdk/catalog.js";
import { decodeUtf8 } from "../sdk/encoding.js";
import { AdapterError, parseJson } from "../sdk/errors.js";
import { HttpCitySystemClient } from "../sdk/http-city-system.js";
import { DELIVERY_LABELS, fromLabel, modeFromLabel, modeLabel, STATUS_LABELS } from "../sdk/labels.js";

const FILE = "catalog.json";
/** Page size asked of the city system (it may answer with fewer). */
const PAGE_SIZE = 20;

interface CatalogItem {
  sxbm: string;
  sxmc: string;
  ssbm: string;
  cnsx: number;
  blfs: string[];
  sqcl: Array<{ clbm: string; clmc: string; sfbx: boolean }>;
}

interface CatalogPage {
  version: string;
  total: number;
  items: CatalogItem[];
}

function parsePage(bytes: Uint8Array, where: string): CatalogPage {
  const page = parseJson(decodeUtf8(bytes, where), where) as CatalogPage;
  if (typeof page?.version !== "string" || !Array.isArray(page.items) || !Number.isInteger(page.total))
    throw AdapterError.at("SCHEMA", where, "not a catalog page (needs version, total, items)");
  return page;
}

/** The city system: paged catalog pulls and case pushes, behind one breaker. */
function citySystem(client: HttpCitySystemClient): CitySystem {
  const page = async (n: number) =>
    parsePage(
      (await client.request("GET", `/api/catalog?page=${n}&size=${PAGE_SIZE}`)).body,
      `catalog page ${n}`,
    );
  return {
    async pullCatalog(knownVersion) {
      const first = await page(1);
      if (first.version === knownVersion) return undefined;
      const items = [...first.items];
      for (let n = 2; items.length < first.total; n++) {
        const next = await page(n);
        // A catalog republished in the middle of a pull would mix two versions: refuse it, pull later.
        if (next.version !== first.version)
          throw AdapterError.at(
            "CITY_SYSTEM",
            `catalog page ${n}`,
            `catalog changed from ${first.version} to ${next.version} during the pull`,
          );
        if (next.items.length === 0)
          throw AdapterError.at("CITY_SYSTEM", `catalog page ${n}`, `empty before ${first.total} items`);
        items.push(...next.items);
      }
      const whole: CatalogPage = { version: first.version, total: items.length, items };
      return new TextEncoder().encode(JSON.stringify(whole));
    },
    async onCaseAccepted(c, local) {
      await client.request("POST", "/api/cases", local, {
        "content-type": "application/json; charset=utf-8",
        // The city system answers a repeated key with its first answer, so a retried push files once.
        "idempotency-key": `${c.caseId}:${c.version}`,
      });
    },
    breakerState: () => client.breakerState(),
    close: () => client.close(),
  };
}

export default {
  regionCode: "360100",
  catalogFile: FILE,

  parseCatalog(raw, ctx) {
    const doc = parsePage(raw, FILE);
    const records: LocalMatter[] = doc.items.map((m, i) => {
      const at = `${FILE} items[${i}]${m.sxbm ? ` (${m.sxbm})` : ""}`;
      return {
        localCode: need(m.sxbm, `${at}.sxbm (事项编码)`),
        name: need(m.sxmc, `${at}.sxmc (事项名称)`),
        department: need(m.ssbm, `${at}.ssbm (实施部门)`),
        promisedDays: workingDays(m.cnsx, `${at}.cnsx (承诺时限)`),
        modeLabels: need(m.blfs, `${at}.blfs (办理方式)`),
        materials: need(m.sqcl, `${at}.sqcl (申请材料)`).map((x, j) => ({
          localCode: need(x.clbm, `${at}.sqcl[${j}].clbm (材料编码)`),
          name: need(x.clmc, `${at}.sqcl[${j}].clmc (材料名称)`),
          required: x.sfbx === true,
        })),
        origin: at,
      };
    });
    return buildCatalog("360100", doc.version, records, ctx);
  },

  connectCitySystem(settings) {
    return citySystem(new HttpCitySystemClient(settings));
  },

  caseToLocal(c, catalog, ctx) {
    const person = "person" in c.applicant ? c.applicant.person : undefined;
    const org = "organization" in c.applicant ? c.applicant.organization : undefined;
    const record = {
      bjbh: c.caseId,
      hzbh: c.receiptNo,
      sxbm: catalog.byCode.get(c.matterCode)?.localCode ?? c.matterCode,
      sxmc: c.matterName,
      blfs: modeLabel(c.mode),
      sjd: c.intakeRegion,
      bld: c.handlingRegion,
      xbd: c.collaboratingRegions,
      sqr: person
        ? { lx: "个人", xm: person.name, zjhm: person.idNumber, lxdh: person.mobile }
        : { lx: "单位", dwmc: org?.name, tyxydm: org?.creditCode, fddbr: org?.legalRepresentative },
      cl: c.materials.map((m) => ({
        clbm: localMaterialCode(ctx, m.materialCode),
        clmc: m.name,
        zy: m.sha256,
        dx: m.sizeBytes,
        lx: m.mediaType,
      })),
      sd: {
        fs: DELIVERY_LABELS[c.delivery.method],
        sjr: c.delivery.recipient,
        dh: c.delivery.mobile,
        dz: c.delivery.address,
        yb: c.delivery.postalCode,
        kd: c.delivery.courier,
        ydh: c.delivery.waybillNo,
      },
      zt: STATUS_LABELS[c.status],
      sjsj: c.submittedAt,
      gxsj: c.updatedAt,
      cnsx: c.promisedDays,
      bjqx: c.deadline,
      qdbb: c.catalogVersion,
      zrw: c.subtasks.map((s) => ({
        bh: s.subtaskId,
        dq: s.region,
        nr: s.description,
        wc: s.completed,
        sm: s.note,
      })),
      bjjg: c.approved === undefined ? "" : c.approved ? "准予" : "不予",
      yy: c.reason,
      bzcl: c.requestedMaterialCodes.map((code) => localMaterialCode(ctx, code)),
      bb: c.version,
    };
    return new TextEncoder().encode(JSON.stringify(record));
  },

  caseFromLocal(raw, catalog, ctx) {
    const r = parseJson(decodeUtf8(raw, "case record"), "case record", "CASE_FORMAT");
    const state: CaseState = {
      caseId: r.bjbh,
      receiptNo: r.hzbh,
      mode: modeFromLabel(r.blfs, "blfs"),
      matterCode: catalog.byLocalCode.get(r.sxbm)?.code ?? r.sxbm,
      matterName: r.sxmc,
      intakeRegion: r.sjd,
      handlingRegion: r.bld,
      collaboratingRegions: r.xbd,
      applicant:
        r.sqr.lx === "个人"
          ? { person: { name: r.sqr.xm, idNumber: r.sqr.zjhm, mobile: r.sqr.lxdh } }
          : {
              organization: { name: r.sqr.dwmc, creditCode: r.sqr.tyxydm, legalRepresentative: r.sqr.fddbr },
            },
      materials: r.cl.map((m: Record<string, string | number>) => ({
        materialCode: sharedMaterialCode(ctx, String(m.clbm)),
        name: String(m.clmc),
        sha256: String(m.zy),
        sizeBytes: Number(m.dx),
        mediaType: String(m.lx),
      })),
      delivery: {
        method: fromLabel(DELIVERY_LABELS, r.sd.fs, "sd.fs"),
        recipient: r.sd.sjr,
        mobile: r.sd.dh,
        address: r.sd.dz,
        postalCode: r.sd.yb,
        courier: r.sd.kd,
        waybillNo: r.sd.ydh,
      },
      status: fromLabel(STATUS_LABELS, r.zt, "zt"),
      submittedAt: r.sjsj,
      updatedAt: r.gxsj,
      promisedDays: r.cnsx,
      deadline: r.bjqx,
      catalogVersion: r.qdbb,
      subtasks: r.zrw.map((s: Record<string, string | boolean>) => ({
        subtaskId: s.bh,
        region: s.dq,
        description: s.nr,
        completed: s.wc,
        note: s.sm,
      })),
      reason: r.yy,
      requestedMaterialCodes: r.bzcl.map((code: string) => sharedMaterialCode(ctx, code)),
      version: r.bb,
    };
    return r.bjjg === "" ? state : { ...state, approved: r.bjjg === "准予" };
  },
} satisfies RegionAdapter;
