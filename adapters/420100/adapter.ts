/**
 * 420100 武汉市: the local catalog (实施清单) is namespaced XML with the facts
 * in attributes, and a matter's local code is composed of three of them
 * (department, catalogue number, item number: WHRS-0011-01). The city's case
 * system keeps cases as namespaced XML too.
 */
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import type { CaseState } from "../../gateway/domain/case.js";
import type { RegionAdapter } from "../../gateway/ports/adapter.js";
import {
  buildCatalog,
  type LocalMatter,
  localMaterialCode,
  sharedMaterialCode,
  workingDays,
} from "../sdk/catalog.js";
import { decodeUtf8 } from "../sdk/encoding.js";
import { AdapterError } from "../sdk/errors.js";
import { DELIVERY_LABELS, fromLabel, modeFromLabel, modeLabel, STATUS_LABELS } from "../sdk/labels.js";
import { attr, namespacePrefix, type XmlNode } from "../sdk/xml.js";

/** The catalog schema's namespace; the prefix bound to it is the export's choice. */
const CATALOG_NS = "urn:wuhan:zwfw:sxqd:2.1";
/** The case record's namespace. */
const CASE_NS = "urn:wuhan:zwfw:bj:1";
const FILE = "catalog.xml";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  // Items and materials are lists even when an export has one of them.
  isArray: (name) => /(^|:)(Item|Material|Subtask)$/.test(name),
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  suppressEmptyNode: true,
  format: false,
});

/** 1-based lines of each `<p:Item` start tag, so problems can name the line of their record. */
function itemLines(text: string, tag: string): number[] {
  return text.split("\n").flatMap((line, i) => Array<number>(line.split(`<${tag}`).length - 1).fill(i + 1));
}

const MODE_FLAGS = [
  ["online", "全程网办"],
  ["proxy", "异地代收代办"],
  ["joint", "多地联办"],
] as const;

export default {
  regionCode: "420100",
  catalogFile: FILE,

  parseCatalog(raw, ctx) {
    const text = decodeUtf8(raw, FILE);
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      throw AdapterError.at("SYNTAX", `${FILE} line ${valid.err.line}`, valid.err.msg);
    }
    let doc: XmlNode;
    try {
      doc = parser.parse(text) as XmlNode;
    } catch (err) {
      throw AdapterError.at("SYNTAX", FILE, (err as Error).message, { cause: err });
    }
    const rootName = Object.keys(doc).find((k) => !k.startsWith("?") && !k.startsWith("#"));
    const root = (rootName ? doc[rootName] : undefined) as XmlNode | undefined;
    const p = root ? namespacePrefix(root, CATALOG_NS) : undefined;
    if (!root || p === undefined || rootName !== `${p}Catalog`) {
      throw AdapterError.at(
        "SCHEMA",
        `${FILE} line 1`,
        `the root element must be Catalog in namespace ${CATALOG_NS}`,
      );
    }
    const version = attr(root, `${p}version`, `${FILE} ${p}Catalog`);
    const lines = itemLines(text, `${p}Item`);
    const items = (root[`${p}Item`] ?? []) as XmlNode[];
    const records: LocalMatter[] = items.map((item, i) => {
      const where = `${FILE} line ${lines[i] ?? 1}`;
      const localCode = [`${p}dept`, `${p}catalogNo`, `${p}itemNo`]
        .map((a) => attr(item, a, where))
        .join("-");
      const days = workingDays(Number(attr(item, `${p}limitDays`, where)), `${where} ${p}limitDays`);
      const channels = ((item[`${p}Channels`] as XmlNode | undefined) ?? {}) as XmlNode;
      const child = (key: string) => {
        const v = item[`${p}${key}`];
        if (typeof v !== "string" || v === "")
          throw AdapterError.at("SCHEMA", where, `${p}${key} is missing`);
        return v;
      };
      return {
        localCode,
        name: child("Name"),
        department: child("Org"),
        promisedDays: days,
        modeLabels: MODE_FLAGS.filter(([flag]) => channels[`@${p}${flag}`] === "1").map(([, label]) => label),
        materials: ((item[`${p}Material`] ?? []) as XmlNode[]).map((m) => ({
          localCode: attr(m, `${p}id`, where),
          name: String(m["#text"] ?? ""),
          required: m[`@${p}must`] === "1",
        })),
        origin: `${where} (${localCode})`,
      };
    });
    return buildCatalog("420100", version, records, ctx);
  },

  caseToLocal(c, catalog, ctx) {
    const person = "person" in c.applicant ? c.applicant.person : undefined;
    const org = "organization" in c.applicant ? c.applicant.organization : undefined;
    const record = {
      "?xml": { "@version": "1.0", "@encoding": "UTF-8" },
      "bj:Case": {
        "@xmlns:bj": CASE_NS,
        "@bj:caseNo": c.caseId,
        "@bj:receiptNo": c.receiptNo,
        "@bj:itemCode": catalog.byCode.get(c.matterCode)?.localCode ?? c.matterCode,
        "@bj:itemName": c.matterName,
        "@bj:channel": modeLabel(c.mode),
        "@bj:intake": c.intakeRegion,
        "@bj:handling": c.handlingRegion,
        "@bj:collaborators": c.collaboratingRegions.join(" "),
        "@bj:status": STATUS_LABELS[c.status],
        "@bj:submitted": c.submittedAt,
        "@bj:updated": c.updatedAt,
        "@bj:limitDays": String(c.promisedDays),
        "@bj:due": c.deadline,
        "@bj:catalogVersion": c.catalogVersion,
        "@bj:result": c.approved === undefined ? "" : c.approved ? "准予" : "不予",
        "@bj:reason": c.reason,
        "@bj:requested": c.requestedMaterialCodes.map((code) => localMaterialCode(ctx, code)).join(" "),
        "@bj:revision": String(c.version),
        "bj:Applicant": {
          "@bj:kind": person ? "自然人" : "法人",
          "@bj:name": person?.name ?? org?.name ?? "",
          "@bj:certNo": person?.idNumber ?? org?.creditCode ?? "",
          "@bj:phone": person?.mobile ?? "",
          "@bj:legalRep": org?.legalRepresentative ?? "",
        },
        "bj:Material": c.materials.map((m) => ({
          "@bj:id": localMaterialCode(ctx, m.materialCode),
          "@bj:name": m.name,
          "@bj:sha256": m.sha256,
          "@bj:size": String(m.sizeBytes),
          "@bj:type": m.mediaType,
        })),
        "bj:Delivery": {
          "@bj:method": DELIVERY_LABELS[c.delivery.method],
          "@bj:recipient": c.delivery.recipient,
          "@bj:phone": c.delivery.mobile,
          "@bj:address": c.delivery.address,
          "@bj:postcode": c.delivery.postalCode,
          "@bj:courier": c.delivery.courier,
          "@bj:waybill": c.delivery.waybillNo,
        },
        "bj:Subtask": c.subtasks.map((s) => ({
          "@bj:id": s.subtaskId,
          "@bj:area": s.region,
          "@bj:task": s.description,
          "@bj:done": s.completed ? "1" : "0",
          "@bj:note": s.note,
        })),
      },
    };
    return new TextEncoder().encode(builder.build(record));
  },

  caseFromLocal(raw, catalog, ctx) {
    const doc = parser.parse(decodeUtf8(raw, "case record")) as XmlNode;
    const rootName = Object.keys(doc).find((k) => !k.startsWith("?"));
    const r = (rootName ? doc[rootName] : undefined) as XmlNode | undefined;
    const p = r ? namespacePrefix(r, CASE_NS) : undefined;
    if (!r || p === undefined)
      throw AdapterError.at("CASE_FORMAT", "case record", `root element is not in namespace ${CASE_NS}`);
    const a = (node: XmlNode, name: string) => String(node[`@${p}${name}`] ?? "");
    const list = (s: string) => s.split(" ").filter(Boolean);
    const ap = (r[`${p}Applicant`] ?? {}) as XmlNode;
    const d = (r[`${p}Delivery`] ?? {}) as XmlNode;
    const result = a(r, "result");
    const state: CaseState = {
      caseId: a(r, "caseNo"),
      receiptNo: a(r, "receiptNo"),
      mode: modeFromLabel(a(r, "channel"), `${p}channel`),
      matterCode: catalog.byLocalCode.get(a(r, "itemCode"))?.code ?? a(r, "itemCode"),
      matterName: a(r, "itemName"),
      intakeRegion: a(r, "intake"),
      handlingRegion: a(r, "handling"),
      collaboratingRegions: list(a(r, "collaborators")),
      applicant:
        a(ap, "kind") === "自然人"
          ? { person: { name: a(ap, "name"), idNumber: a(ap, "certNo"), mobile: a(ap, "phone") } }
          : {
              organization: {
                name: a(ap, "name"),
                creditCode: a(ap, "certNo"),
                legalRepresentative: a(ap, "legalRep"),
              },
            },
      materials: ((r[`${p}Material`] ?? []) as XmlNode[]).map((m) => ({
        materialCode: sharedMaterialCode(ctx, a(m, "id")),
        name: a(m, "name"),
        sha256: a(m, "sha256"),
        sizeBytes: Number(a(m, "size")),
        mediaType: a(m, "type"),
      })),
      delivery: {
        method: fromLabel(DELIVERY_LABELS, a(d, "method"), `${p}Delivery/@method`),
        recipient: a(d, "recipient"),
        mobile: a(d, "phone"),
        address: a(d, "address"),
        postalCode: a(d, "postcode"),
        courier: a(d, "courier"),
        waybillNo: a(d, "waybill"),
      },
      status: fromLabel(STATUS_LABELS, a(r, "status"), `${p}status`),
      submittedAt: a(r, "submitted"),
      updatedAt: a(r, "updated"),
      promisedDays: Number(a(r, "limitDays")),
      deadline: a(r, "due"),
      catalogVersion: a(r, "catalogVersion"),
      subtasks: ((r[`${p}Subtask`] ?? []) as XmlNode[]).map((s) => ({
        subtaskId: a(s, "id"),
        region: a(s, "area"),
        description: a(s, "task"),
        completed: a(s, "done") === "1",
        note: a(s, "note"),
      })),
      reason: a(r, "reason"),
      requestedMaterialCodes: list(a(r, "requested")).map((code) => sharedMaterialCode(ctx, code)),
      version: Number(a(r, "revision")),
    };
    return result === "" ? state : { ...state, approved: result === "准予" };
  },
} satisfies RegionAdapter;
