/**
 * Chinese names on the page. Status and delivery names are the ones city
 * systems use (adapters/sdk/labels.ts), so window staff and local systems
 * speak alike.
 */
import { DELIVERY_LABELS, STATUS_LABELS } from "../../../adapters/sdk/labels.js";
import type { EventType } from "../../domain/events.js";

export { DELIVERY_LABELS, STATUS_LABELS };

/** What each timeline event means to window staff. */
export const EVENT_LABELS: Readonly<Record<EventType, string>> = {
  CaseSubmitted: "收件并转办",
  SupplementProvided: "补正材料已提交",
  CaseWithdrawn: "申请已撤回",
  CaseAccepted: "已受理",
  CaseRejected: "不予受理",
  SupplementRequested: "要求补正",
  HandlingNote: "云会商留言",
  SubtaskAssigned: "分派联办任务",
  SubtaskCompleted: "联办任务完成",
  SubtaskTakenUp: "领办联办任务",
  SubtaskCancelled: "撤销联办任务",
  SubtaskReassigned: "改派联办任务",
  CaseDecided: "已办结",
  ResultMailed: "结果已寄出",
  ResultDelivered: "已送达",
  ResultReturned: "邮件被退回",
  WithdrawalRequested: "申请撤回",
  WithdrawalConfirmed: "确认撤回",
  WithdrawalRefused: "不予撤回",
  CaseSuspended: "特别程序，时限中止",
  CaseResumed: "特别程序结束，时限恢复",
  DeliveryCorrected: "更正送达地址",
  CaseRated: "好差评",
  RectificationAnswered: "整改情况反馈",
};

const regionNames = new Map<string, string>();

/** Remembers the federation's region names (from `GET /regions`). */
export function setRegionNames(regions: ReadonlyArray<{ code: string; name: string }>): void {
  for (const r of regions) regionNames.set(r.code, r.name);
}

/** A region's name ("广州市"), or undefined for a region the page does not know (the message catalogue's lookup). */
export function regionName(code: string): string | undefined {
  return regionNames.get(code);
}

/** "广州市（440100）", or the bare code for a region the page does not know. */
export function regionLabel(code: string): string {
  const name = regionNames.get(code);
  return name ? `${name}（${code}）` : code;
}

/** Who holds case `c` now: "广州市（440100）", or that nobody does any more. */
export function holderLabel(c: { heldBy: string }): string {
  return c.heldBy === "" ? "（已结束）" : regionLabel(c.heldBy);
}

/** "长沙市（430100） → 广州市（440100）": where case `c` was taken in and where it is handled. */
export function routeLabel(c: { intakeRegion: string; handlingRegion: string }): string {
  return `${regionLabel(c.intakeRegion)} → ${regionLabel(c.handlingRegion)}`;
}

const TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** An RFC 3339 instant in China Standard Time, as window staff read it. */
export function cstTime(iso: string): string {
  return TIME.format(new Date(iso));
}

/** An identity number or mobile with the middle hidden, for receipts and lists. */
export function masked(value: string): string {
  if (value.length <= 7) return value;
  const keep = value.length >= 15 ? 4 : 3;
  return `${value.slice(0, keep)}${"*".repeat(value.length - keep - 4)}${value.slice(-4)}`;
}

/** "1.2 MB" */
export function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
