/**
 * Chinese labels that city systems use for shared enum values. Adapters
 * translate through these tables so that every region spells them alike.
 */
import type { CaseStatus, DeliveryMethod, HandlingMode } from "../../gateway/domain/case.js";
import { AdapterError } from "./errors.js";

/** 办理方式 → HandlingMode. */
export const MODE_LABELS: Readonly<Record<string, HandlingMode>> = {
  全程网办: "FULL_ONLINE",
  异地代收代办: "REMOTE_INTAKE",
  多地联办: "MULTI_REGION",
};

/** 办件状态 ↔ CaseStatus. */
export const STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  SUBMITTED: "已收件",
  FORWARDED: "已转办",
  ACCEPTED: "已受理",
  REJECTED: "不予受理",
  SUPPLEMENT_REQUESTED: "待补正",
  DECIDED: "已办结",
  RESULT_MAILED: "已寄出",
  DELIVERED: "已送达",
  RETURNED: "已退回",
  WITHDRAWN: "已撤回",
};

/** 送达方式 ↔ DeliveryMethod. */
export const DELIVERY_LABELS: Readonly<Record<DeliveryMethod, string>> = {
  MAIL: "邮寄送达",
  WINDOW_PICKUP: "窗口自取",
  ELECTRONIC: "电子送达",
};

/** The key of `table` whose value is `label`; throws naming the label and field. */
export function fromLabel<K extends string>(
  table: Readonly<Record<K, string>>,
  label: string,
  field: string,
): K {
  for (const [k, v] of Object.entries(table) as Array<[K, string]>) if (v === label) return k;
  throw AdapterError.at("CASE_FORMAT", field, `unknown value "${label}"`);
}

/** HandlingMode → 办理方式. */
export function modeLabel(mode: HandlingMode): string {
  return fromLabel(MODE_LABELS as Record<string, string>, mode, "mode");
}

/** 办理方式 → HandlingMode; throws naming the label. */
export function modeFromLabel(label: string, field: string): HandlingMode {
  const mode = MODE_LABELS[label];
  if (!mode) throw AdapterError.at("CASE_FORMAT", field, `unknown 办理方式 "${label}"`);
  return mode;
}
