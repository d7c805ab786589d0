/**
 * The one catalogue of what the gateway tells people, in zh-CN and English (issue 16, item 8). An error is
 * keyed by its code and its details' issues: each issue text the checks produce (domain/ids.ts,
 * contract/requests.ts, domain/submission.ts, the lifecycle, the REST layer) has an entry here, named by a
 * stable key, matched by a pattern, worded in Chinese. The REST error mapper (transports/rest/errors.ts)
 * answers in Chinese when `Accept-Language` prefers it; the window page reads the same entries for its own
 * checks, so role and agreement refusals reach a clerk in Chinese whichever side found them. English is the
 * issue text itself (operators' logs, `Accept-Language: en`). docs/errors.md lists every entry in both
 * languages; test/unit/errors-doc.test.ts keeps them in step.
 *
 * Pure: no I/O; region names come in as a lookup, so the page and the server name regions alike.
 */
import type { ErrorCode, ErrorDetail } from "./errors.js";

/** The languages messages are given in. */
export type Lang = "zh-CN" | "en";

/** A region's display name by its code (the federation's names); the code itself when unknown. */
export type RegionNames = (code: string) => string | undefined;

/** Staff roles as a clerk reads them (domain/staff.ts). */
export const ROLE_LABELS: Readonly<Record<string, string>> = {
  clerk: "窗口收件员",
  handler: "办理人员",
  auditor: "审计人员",
  admin: "管理员",
  manager: "效能监督员",
};

/** Steps (domain/actions.ts and the non-action operations of domain/staff.ts) as a clerk reads them. */
export const STEP_LABELS: Readonly<Record<string, string>> = {
  accept: "受理",
  reject: "不予受理",
  "request-supplement": "要求补正",
  supplement: "提交补正材料",
  decide: "办结",
  mail: "登记寄出",
  deliver: "确认送达",
  return: "登记邮件退回",
  withdraw: "申请撤回",
  "confirm-withdrawal": "确认撤回",
  "refuse-withdrawal": "不予撤回",
  suspend: "特别程序（中止计时）",
  resume: "恢复计时",
  "correct-delivery": "更正送达地址",
  rate: "代录好差评",
  "answer-rectification": "反馈整改情况",
  note: "云会商留言",
  "assign-subtask": "分派联办任务",
  "complete-subtask": "完成联办任务",
  "take-up-subtask": "领办联办任务",
  "cancel-subtask": "撤销联办任务",
  "reassign-subtask": "改派联办任务",
  submit: "收件",
  upload: "上传材料",
  read: "查看",
};

/** Handling modes as a clerk reads them. */
export const MODE_LABELS: Readonly<Record<string, string>> = {
  FULL_ONLINE: "全程网办",
  REMOTE_INTAKE: "异地代收代办",
  MULTI_REGION: "多地联办",
};

const list = (codes: string, labels: Readonly<Record<string, string>>) =>
  codes
    .split(/,\s*/)
    .map((c) => labels[c] ?? c)
    .join("、");

/** How an entry words its Chinese: a replacement string (`$1`…) or a function of the match. */
type Zh = string | ((m: RegExpExecArray, region: (code: string) => string) => string);

/** One entry of the catalogue: a stable key, the issue's pattern, an English example it matches, its Chinese. */
export interface MessageEntry {
  readonly key: string;
  readonly pattern: RegExp;
  /** An issue text the pattern matches, as the checks word it (docs/errors.md shows it beside the Chinese). */
  readonly example: string;
  readonly zh: Zh;
}

const e = (key: string, pattern: RegExp, example: string, zh: Zh): MessageEntry => ({
  key,
  pattern,
  example,
  zh,
});

/**
 * Every issue text the gateway's checks produce, by key. Append new entries (another part of the code adding
 * a check adds its entry here and its row in docs/errors.md); an issue no entry knows is shown in Chinese by
 * its error code's message, never in English.
 */
export const ISSUE_MESSAGES: readonly MessageEntry[] = [
  // domain/ids.ts
  e(
    "id.residentId.format",
    /^must be 17 digits followed by a digit or X$/,
    "must be 17 digits followed by a digit or X",
    "应为 17 位数字加 1 位数字或 X",
  ),
  e(
    "id.residentId.province",
    /^does not start with a province code \(11–82\)$/,
    "does not start with a province code (11–82)",
    "前两位不是省级行政区划代码（11–82）",
  ),
  e(
    "id.residentId.birth",
    /^contains an impossible birth date$/,
    "contains an impossible birth date",
    "出生日期不存在",
  ),
  e(
    "id.residentId.future",
    /^has a birth date in the future$/,
    "has a birth date in the future",
    "出生日期晚于今天",
  ),
  e(
    "id.checkCharacter",
    /^wrong check character \(expected (.)\)$/,
    "wrong check character (expected X)",
    "校验位错误（按前 17 位应为 $1）",
  ),
  e(
    "id.creditCode.format",
    /^must be 18 characters: digits and uppercase letters except I, O, S, V, Z$/,
    "must be 18 characters: digits and uppercase letters except I, O, S, V, Z",
    "应为 18 位数字或大写字母（不含 I、O、S、V、Z）",
  ),
  e(
    "id.regionCode",
    /^must be a six-digit GB\/T 2260 division code$/,
    "must be a six-digit GB/T 2260 division code",
    "应为 6 位行政区划代码",
  ),
  e(
    "id.mobile",
    /^must be an 11-digit mobile number starting with 13–19$/,
    "must be an 11-digit mobile number starting with 13–19",
    "应为 13–19 开头的 11 位手机号码",
  ),
  e(
    "id.postalCode",
    /^must be a six-digit postal code$/,
    "must be a six-digit postal code",
    "应为 6 位邮政编码",
  ),
  e(
    "id.sha256",
    /^must be 64 lowercase hex (?:characters \(sha256\)|digits)$/,
    "must be 64 lowercase hex characters (sha256)",
    "应为 64 位小写十六进制 sha256 摘要",
  ),
  // contract/requests.ts, domain/actions.ts
  e("field.required", /^is required\b.*$/, "is required", "必填"),
  e(
    "field.maxLength",
    /^must be at most (\d+) characters$/,
    "must be at most 50 characters",
    "不能超过 $1 个字符",
  ),
  e(
    "field.controlCharacters",
    /^must not contain control characters.*$/,
    "must not contain control characters",
    "不能包含控制字符或换行",
  ),
  e(
    "field.waybillNo",
    /^must be 6–30 letters, digits or dashes$/,
    "must be 6–30 letters, digits or dashes",
    "应为 6–30 位字母、数字或短横线",
  ),
  e(
    "field.sizeBytes",
    /^must be between 1 byte and 200 MiB$/,
    "must be between 1 byte and 200 MiB",
    "文件大小应在 1 字节到 200 MiB 之间",
  ),
  e("materials.twice", /^(\S+) is listed twice$/, "CL-SFZ is listed twice", "材料 $1 重复"),
  e("materials.none", /^must list the materials.*$/, "must list the materials", "请至少选择一项材料"),
  e("field.unknown", /^unknown field$/, "unknown field", "不是本接口的字段"),
  e("field.once", /^must be given once$/, "must be given once", "只能给出一次"),
  e(
    "field.integer",
    /^must be an integer from 0 to (\d+)$/,
    "must be an integer from 0 to 500",
    "应为 0 到 $1 的整数",
  ),
  e(
    "field.pageToken",
    /^is not a token this server gave$/,
    "is not a token this server gave",
    "翻页标记无效，请从第一页重新查询",
  ),
  e("field.pageSize", /^must be at most (\d+)$/, "must be at most 500", "不能大于 $1"),
  e("idempotencyKey.length", /^must be 1–200 characters$/, "must be 1–200 characters", "应为 1–200 个字符"),
  e(
    "idempotencyKey.reused",
    /^reused with a different body$/,
    "reused with a different body",
    "该幂等键已用于另一份内容不同的请求",
  ),
  e("action.unknown", /^unknown action (.*)$/, "unknown action approve", "未知操作 $1"),
  // domain/submission.ts
  e(
    "applicant.person",
    /^matter \S+ is for a person$/,
    "matter XR-SB-001 is for a person",
    "该事项的申请人须为个人",
  ),
  e(
    "applicant.organization",
    /^matter \S+ is for an organization$/,
    "matter XR-SC-001 is for an organization",
    "该事项的申请人须为单位",
  ),
  e(
    "materials.requiredMissing",
    /^required material (\S+) \((.+)\) is missing$/,
    "required material CL-SFZ (居民身份证) is missing",
    "缺少必交材料：$2（$1）",
  ),
  e(
    "materials.notAsked",
    /^(?:matter \S+|the matter) does not ask for material (\S+)$/,
    "matter XR-SB-001 does not ask for material CL-XX",
    "该事项不需要材料 $1",
  ),
  e(
    "agreement.matter",
    /^matter (\S+) is not in the cooperation agreement (\d{6}) → (\d{6})$/,
    "matter XR-SF-002 is not in the cooperation agreement 430100 → 440100",
    (m, region) =>
      `事项 ${m[1]} 不在${region(m[2] as string)}→${region(m[3] as string)}跨域通办合作协议范围内`,
  ),
  e(
    "agreement.mode",
    /^the agreement allows (.+) for (\S+), not (\S+)$/,
    "the agreement allows REMOTE_INTAKE for XR-SB-003, not FULL_ONLINE",
    (m) =>
      `合作协议对事项 ${m[2]} 只约定了${list(m[1] as string, MODE_LABELS)}，不含${list(m[3] as string, MODE_LABELS)}`,
  ),
  e(
    "agreement.multiRegion",
    /^no agreement between (\d{6}) and (\d{6}) covers (\S+) as MULTI_REGION$/,
    "no agreement between 440100 and 420100 covers XR-HJ-001 as MULTI_REGION",
    (m, region) =>
      `${region(m[1] as string)}与${region(m[2] as string)}之间没有约定事项 ${m[3]} 的多地联办合作协议`,
  ),
  e(
    "agreement.none",
    /^no cooperation agreement with (\d{6})$/,
    "no cooperation agreement with 110100",
    (m, region) => `本地区与${region(m[1] as string)}没有跨域通办合作协议`,
  ),
  e(
    "mode.notOffered",
    /^matter (\S+) allows (.+), not (\S+)$/,
    "matter XR-SB-001 allows FULL_ONLINE, REMOTE_INTAKE, not MULTI_REGION",
    (m) => `事项 ${m[1]} 只能${list(m[2] as string, MODE_LABELS)}，不能${list(m[3] as string, MODE_LABELS)}`,
  ),
  e(
    "mode.remoteIntakeSameRegion",
    /^REMOTE_INTAKE needs a handling region other than the intake region$/,
    "REMOTE_INTAKE needs a handling region other than the intake region",
    "异地代收代办的办理地须不同于收件地",
  ),
  e(
    "mode.multiRegionNeedsCollaborators",
    /^MULTI_REGION needs at least one$/,
    "MULTI_REGION needs at least one",
    "多地联办须至少选择一个协办地区",
  ),
  e(
    "mode.leadListed",
    /^the handling region leads; list others$/,
    "the handling region leads; list others",
    "办理地为牵头地区，协办地区请选择其他地区",
  ),
  e(
    "mode.collaboratorsOnlyMulti",
    /^only MULTI_REGION cases have collaborating regions$/,
    "only MULTI_REGION cases have collaborating regions",
    "只有多地联办的办件才有协办地区",
  ),
  e(
    "region.notThisGateway",
    /^this gateway takes cases for intake region (\d{6}), not (\d{6})$/,
    "this gateway takes cases for intake region 430100, not 440100",
    (m, region) => `本网关只为${region(m[1] as string)}收件，不能代${region(m[2] as string)}收件`,
  ),
  e("region.unknown", /^unknown region(?: (\S+))?$/, "unknown region 990100", (m) =>
    m[1] ? `未知地区 ${m[1]}` : "未知地区",
  ),
  e("region.notInFederation", /^not in federation\.yaml$/, "not in federation.yaml", "不是跨域通办联盟成员"),
  e(
    "catalog.notReceived",
    /^catalog of (\d{6}) not received yet; try again shortly$/,
    "catalog of 440100 not received yet; try again shortly",
    (m, region) => `尚未收到${region(m[1] as string)}的事项清单，请稍后再试`,
  ),
  e(
    "catalog.noMatter",
    /^region (\d{6}) has no matter (\S+)$/,
    "region 440100 has no matter XR-SB-999",
    (m, region) => `${region(m[1] as string)}没有事项 ${m[2]}`,
  ),
  e(
    "catalog.matterUnknown",
    /^not in this region's catalog$/,
    "not in this region's catalog",
    "不在该地区的事项清单中",
  ),
  // usecases/materials.ts, usecases/queries.ts
  e(
    "material.notUploaded",
    /^not uploaded: .*$/,
    "not uploaded: POST the file to /api/v1/materials first",
    "该材料尚未上传，请先上传扫描件",
  ),
  e(
    "material.notOfCase",
    /^not a material of this case held by this region$/,
    "not a material of this case held by this region",
    "本地区没有该办件的这份材料",
  ),
  e(
    "material.digest",
    /^content does not match its sha256$/,
    "content does not match its sha256",
    "文件内容与其 sha256 摘要不符",
  ),
  e(
    "material.size",
    /^the uploaded file has (\d+) bytes$/,
    "the uploaded file has 1024 bytes",
    "上传的文件为 $1 字节，与所填大小不符",
  ),
  e("body.tooLarge", /^larger than (\d+) bytes$/, "larger than 262144 bytes", "超过 $1 字节的上限"),
  e("body.json", /^is not valid JSON$/, "is not valid JSON", "不是有效的 JSON"),
  e("case.unknown", /^unknown case$/, "unknown case", "没有这个办件，或本地区不是该办件的当事方"),
  // transports/rest: content types, the origin check, sign-in, sessions and the limiter (issue 19)
  e(
    "request.json",
    /^must be application\/json$/,
    "must be application/json",
    "请求格式应为 application/json",
  ),
  e(
    "request.oneOf",
    /^must be one of (.+)$/,
    "must be one of application/pdf, image/jpeg",
    "应为以下之一：$1",
  ),
  e(
    "request.crossOrigin",
    /^cross-origin request refused$/,
    "cross-origin request refused",
    "拒绝跨站请求：请在本网关自己的页面上操作",
  ),
  e(
    "session.ended",
    /^the session ended or expired: sign in again$/,
    "the session ended or expired: sign in again",
    "登录已结束或已过期，请重新登录",
  ),
  e(
    "session.tokenRevoked",
    /^the session's token was revoked or expired: sign in again$/,
    "the session's token was revoked or expired: sign in again",
    "登录所用的令牌已撤销或过期，请重新登录",
  ),
  e("auth.rateLimited", /^rate limited$/, "rate limited", "失败次数过多，请稍后再试"),
  e("auth.unknownToken", /^unknown token$/, "unknown token", "令牌无效"),
  e(
    "auth.tokenExpired",
    /^the token expired on (\S+)$/,
    "the token expired on 2026-12-31",
    "令牌已于 $1 过期",
  ),
  e("auth.otherRegion", /^another region's token$/, "another region's token", "这是其他地区网关的令牌"),
  e("auth.signIn", /^(?:sign in first|not signed in|sign in: .*)$/, "sign in first", "请先登录"),
  e(
    "auth.bearer",
    /^Authorization must be `Bearer <token>`$/,
    "Authorization must be `Bearer <token>`",
    "请以 Bearer 令牌登录",
  ),
  e(
    "role.mayNot",
    /^(clerk|handler|auditor|admin) may not (?:act:)?(\S+)$/,
    "clerk may not act:accept",
    (m) =>
      `${ROLE_LABELS[m[1] as string] ?? m[1]}不能${STEP_LABELS[m[2] as string] ? `办理「${STEP_LABELS[m[2] as string]}」` : `执行 ${m[2]}`}，请由有权限的人员操作`,
  ),
  // domain/lifecycle.ts
  e(
    "lifecycle.missingSupplement",
    /^missing requested material codes: (.+)$/,
    "missing requested material codes: CL-SFZ",
    "缺少要求补正的材料：$1",
  ),
  e(
    "lifecycle.status",
    /^not allowed in status .*$/,
    "not allowed in status DECIDED",
    "当前状态下不能执行此操作",
  ),
  e("lifecycle.reserved", /^reserved to the .*$/, "reserved to the handling region", "本地区无权执行此操作"),
  e("lifecycle.openSubtasks", /^open subtasks$/, "open subtasks", "还有未完成的联办任务，暂不能办结"),
  e(
    "lifecycle.noMail",
    /^the applicant did not ask for mail delivery$/,
    "the applicant did not ask for mail delivery",
    "申请人未选择邮寄送达",
  ),
  e(
    "lifecycle.notMulti",
    /^case mode is (\S+)$/,
    "case mode is REMOTE_INTAKE",
    (m) => `本办件为${MODE_LABELS[m[1] as string] ?? m[1]}，没有联办任务`,
  ),
  e(
    "subtask.notCollaborator",
    /^(\d{6}) is not a collaborating region of this case$/,
    "420100 is not a collaborating region of this case",
    (m, region) => `${region(m[1] as string)}不是本办件的协办地区`,
  ),
  e("subtask.exists", /^subtask (\S+) already exists$/, "subtask ST-1 already exists", "联办任务 $1 已存在"),
  e("subtask.unknown", /^unknown subtask$/, "unknown subtask", "没有这个联办任务"),
  e("subtask.done", /^subtask is done$/, "subtask is done", "该联办任务已经完成"),
  e("subtask.cancelled", /^subtask (\S+) is cancelled$/, "subtask ST-1 is cancelled", "联办任务 $1 已撤销"),
  e(
    "subtask.takenUp",
    /^subtask (\S+) is already taken up$/,
    "subtask ST-1 is already taken up",
    "联办任务 $1 已领办",
  ),
  e(
    "subtask.open",
    /^subtask of (\d{6}) is open$/,
    "subtask of 420100 is open",
    (m, region) => `${region(m[1] as string)}的联办任务尚未完成，暂不能办结`,
  ),
  // domain/steps.ts: why a step of a case is shown but not offered
  e(
    "step.role",
    /^a step for the ((?:clerk|handler|auditor)(?: or (?:clerk|handler|auditor))*)$/,
    "a step for the handler",
    (m) => `此步骤须由${list((m[1] as string).replaceAll(" or ", ","), ROLE_LABELS)}操作`,
  ),
  e(
    "step.turn",
    /^the turn of (\d{6}(?:, \d{6})*)$/,
    "the turn of 440100",
    (m, region) => `现由${(m[1] as string).split(", ").map(region).join("、")}办理`,
  ),
  e(
    "step.subtasks",
    /^waits for the subtasks of (\d{6}(?:, \d{6})*)$/,
    "waits for the subtasks of 420100",
    (m, region) => `等待${(m[1] as string).split(", ").map(region).join("、")}完成联办任务`,
  ),
  // contract/depth.ts, transports/rest/body.ts
  e(
    "body.depth",
    /^is nested deeper than (\d+) levels$/,
    "is nested deeper than 32 levels",
    "嵌套层级超过 $1 层",
  ),
  e("body.utf8", /^is not valid UTF-8$/, "is not valid UTF-8", "不是有效的 UTF-8 编码"),
  e(
    "body.jsonUtf8",
    /^JSON must be encoded as UTF-8$/,
    "JSON must be encoded as UTF-8",
    "JSON 须使用 UTF-8 编码",
  ),
  e(
    "request.queryEncoding",
    /^is not percent-encoded UTF-8$/,
    "is not percent-encoded UTF-8",
    "查询参数须按 UTF-8 百分号编码",
  ),
  e("request.malformed", /^malformed HTTP request$/, "malformed HTTP request", "请求格式有误"),
  // security/cipher.ts (DATA_LOSS): a stored value that does not authenticate is not shown.
  e(
    "ledger.integrity",
    /^stored \S+ of .+ failed its integrity check .*$/,
    "stored applicant of case 01J… failed its integrity check (altered or moved)",
    "本地台账中的数据未通过完整性校验，未予显示；已告警，请联系运维人员",
  ),
  // domain/lifecycle.ts: confirmed withdrawal (issue 17)
  e(
    "withdrawal.pending",
    /^a withdrawal request is pending$/,
    "a withdrawal request is pending",
    "申请人已申请撤回：须由办理地先确认撤回或不予撤回",
  ),
  e(
    "withdrawal.none",
    /^no withdrawal request is pending$/,
    "no withdrawal request is pending",
    "没有待答复的撤回申请",
  ),
  // domain/lifecycle.ts and domain/calendar.ts: time limits (issue 17)
  e(
    "clock.suspended",
    /^the case is suspended$/,
    "the case is suspended",
    "特别程序进行中，时限已中止：请先恢复计时",
  ),
  e("clock.notSuspended", /^the case is not suspended$/, "the case is not suspended", "该件未在特别程序中"),
  e(
    "calendar.noData",
    /^no holiday data for (\d{4})$/,
    "no holiday data for 2027",
    "节假日数据缺少 $1 年，无法计算时限：请联系管理员按国务院办公厅通知更新",
  ),
  // usecases/materials.ts, domain/receipt-number.ts, transports/rest/materials.ts (issue 16: scans, receipts)
  e(
    "material.sameFile",
    /^is the same file as \S+$/,
    "is the same file as materials[0]",
    "与另一项材料是同一个文件，请为每项材料上传各自的扫描件",
  ),
  e(
    "material.notInCase",
    /^not a material of this case$/,
    "not a material of this case",
    "不是本件的申请材料",
  ),
  e(
    "material.fetching",
    /^still being fetched from (\d{6})$/,
    "still being fetched from 430100",
    (m, region) => `正在从收件地${region(m[1] as string)}取回该材料，请稍后再打开`,
  ),
  e(
    "receipt.number",
    /^must be the 20 characters on the receipt.*$/,
    "must be the 20 characters on the receipt",
    "应为回执上的 20 位编号（地区代码、收件日期和 6 位字母数字）",
  ),
  e(
    "material.range",
    /^must lie within the file's (\d+) bytes$/,
    "must lie within the file's 2048 bytes",
    "请求的范围超出文件大小（$1 字节）",
  ),
  // contract/stats.ts, usecases/stats.ts (issue 17, 统计/效能监督)
  e("stats.date", /^must be a date YYYY-MM-DD$/, "must be a date YYYY-MM-DD", "应为日期，格式为 YYYY-MM-DD"),
  e("stats.calendarDate", /^is not a calendar date$/, "is not a calendar date", "不是有效的日期"),
  e("stats.toBeforeFrom", /^must not be before from$/, "must not be before from", "截止日期不能早于起始日期"),
  e("stats.fromAfterTo", /^must not be after to$/, "must not be after to", "起始日期不能晚于截止日期"),
  e(
    "stats.rangeTooLong",
    /^must be less than (\d+) days (?:after from|before to)$/,
    "must be less than 1096 days after from",
    "统计区间不能超过 $1 天",
  ),
  // domain/lifecycle.ts and domain/actions.ts: 好差评 (issue 18)
  e(
    "rating.once",
    /^the case is rated already$/,
    "the case is rated already",
    "该件已评价过（一次一评），不能再次评价",
  ),
  e(
    "rating.notYet",
    /^not delivered or refused yet$/,
    "not delivered or refused yet",
    "办件送达或不予办理后才能评价",
  ),
  e(
    "rating.tag",
    /^is not a configured rating tag: (.+)$/,
    "is not a configured rating tag: 很好",
    "“$1”不是可选的评价标签",
  ),
  e("rating.level", /^unknown level (.+)$/, "unknown level GOOD", "“$1”不是好差评的评价等级"),
  e(
    "rating.channel",
    /^unknown channel (.+)$/,
    "unknown channel PHONE",
    "“$1”不是评价渠道（申请人或窗口代录）",
  ),
  e(
    "rating.dueNotNegative",
    /^must be empty unless the rating is negative$/,
    "must be empty unless the rating is negative",
    "只有不满意或非常不满意的评价才有整改期限",
  ),
  e("rectification.none", /^no rectification is open$/, "no rectification is open", "没有待反馈的整改任务"),
  // issue 18: applicants' sign-in (identity/id-token.ts) and their routes (transports/rest/apply.ts).
  e(
    "idToken.expired",
    /^the ID token has expired$/,
    "the ID token has expired",
    "统一身份认证的登录凭证已过期，请重新登录",
  ),
  e(
    "idToken.audience",
    /^the ID token is for another audience$/,
    "the ID token is for another audience",
    "登录凭证不是签发给本系统的，请从本页重新登录",
  ),
  e(
    "idToken.issuer",
    /^the ID token is from another issuer$/,
    "the ID token is from another issuer",
    "登录凭证不是由本省统一身份认证平台签发的",
  ),
  e(
    "idToken.notYetValid",
    /^the ID token is not valid yet$/,
    "the ID token is not valid yet",
    "登录凭证尚未生效，请稍后重新登录",
  ),
  e(
    "idToken.claim",
    /^the ID token's (\w+) claim is not valid$/,
    "the ID token's sub claim is not valid",
    "登录凭证的 $1 项无效，请重新登录",
  ),
  e(
    "idToken.signature",
    /^the ID token's signature does not verify$/,
    "the ID token's signature does not verify",
    "登录凭证的签名校验未通过，请重新登录",
  ),
  e(
    "idToken.algorithm",
    /^the ID token is not signed with an accepted algorithm$/,
    "the ID token is not signed with an accepted algorithm",
    "登录凭证未以认可的算法签名，请重新登录",
  ),
  e(
    "idToken.keys",
    /^the identity platform's keys could not be read$/,
    "the identity platform's keys could not be read",
    "暂时无法连接统一身份认证平台，请稍后再试",
  ),
  e(
    "idToken.malformed",
    /^the ID token is malformed$/,
    "the ID token is malformed",
    "登录凭证格式有误，请重新登录",
  ),
  e(
    "idToken.creditCode",
    /^the ID token's credit code is not valid$/,
    "the ID token's credit code is not valid",
    "登录凭证中的统一社会信用代码无效",
  ),
  e(
    "idToken.noOrganization",
    /^the ID token names no organization$/,
    "the ID token names no organization",
    "登录凭证中没有单位名称",
  ),
  e(
    "idToken.noIdentity",
    /^the ID token names no resident ID or credit code$/,
    "the ID token names no resident ID or credit code",
    "登录凭证中没有身份证号或统一社会信用代码",
  ),
  e(
    "idToken.residentId",
    /^the ID token's resident ID is not valid$/,
    "the ID token's resident ID is not valid",
    "登录凭证中的身份证号无效",
  ),
  e(
    "idToken.noName",
    /^the ID token names no applicant$/,
    "the ID token names no applicant",
    "登录凭证中没有申请人姓名",
  ),
  e(
    "apply.notConfigured",
    /^applicant sign-in is not configured for this region$/,
    "applicant sign-in is not configured for this region",
    "本地区尚未开通申请人网上登录",
  ),
  e(
    "apply.setByGateway",
    /^is set by the gateway from the sign-in: leave it out$/,
    "is set by the gateway from the sign-in: leave it out",
    "由网关按登录身份填写，请勿提交此项",
  ),
];

/** Each error code's message when no detail says more, in both languages (docs/errors.md, last column). */
export const CODE_MESSAGES: Readonly<Record<ErrorCode, { readonly zh: string; readonly en: string }>> = {
  INVALID_ARGUMENT: { zh: "填写的内容有误，请按提示修改", en: "invalid argument" },
  NOT_FOUND: { zh: "没有找到，或本地区无权查看", en: "not found" },
  ALREADY_EXISTS: { zh: "该办件已经提交过", en: "already exists" },
  FAILED_PRECONDITION: { zh: "办件当前状态下不能执行此操作", en: "not allowed in the case's current status" },
  UNAUTHENTICATED: { zh: "请先登录", en: "sign in first" },
  PERMISSION_DENIED: { zh: "无权执行此操作", en: "permission denied" },
  PAYLOAD_TOO_LARGE: { zh: "提交的内容或文件过大", en: "payload too large" },
  TOO_MANY_REQUESTS: { zh: "失败次数过多，请稍后再试", en: "too many requests" },
  CONFLICT: { zh: "办件正被同时修改，请稍后重试", en: "conflict: try again" },
  UNAVAILABLE: { zh: "网关、消息总线或合作地区暂时无法连接，请稍后再试", en: "unavailable: try again later" },
  DEADLINE_EXCEEDED: { zh: "处理超时，请稍后再试", en: "deadline exceeded" },
  INTERNAL: { zh: "网关内部错误，已记录，请联系运维人员", en: "internal error" },
  UNSUPPORTED_MEDIA_TYPE: { zh: "提交的内容格式不受支持", en: "unsupported media type" },
  DATA_LOSS: { zh: "本地台账中的数据未通过完整性校验，未予显示；已告警，请联系运维人员", en: "data loss" },
  CALENDAR_UNCOVERED: {
    zh: "节假日数据未覆盖时限所在年份，暂不能计算时限：请联系管理员更新节假日安排",
    en: "no holiday data for the year the time limit ends in",
  },
};

/** The entry whose pattern matches `issue`, with the match. */
function entryFor(issue: string): [MessageEntry, RegExpExecArray] | undefined {
  for (const entry of ISSUE_MESSAGES) {
    const m = entry.pattern.exec(issue);
    if (m) return [entry, m];
  }
  return undefined;
}

/** The Chinese text of an issue, or undefined when no entry knows it. */
export function zhIssueOrUndefined(issue: string, names: RegionNames = () => undefined): string | undefined {
  const found = entryFor(issue);
  if (!found) return undefined;
  const [entry, m] = found;
  const region = (code: string) => names(code) ?? code;
  return typeof entry.zh === "string" ? issue.replace(entry.pattern, entry.zh) : entry.zh(m, region);
}

/** The Chinese text of an issue, or the issue itself when no entry knows it (the page's own checks). */
export function zhIssue(issue: string, names?: RegionNames): string {
  return zhIssueOrUndefined(issue, names) ?? issue;
}

/** The key of the entry that words `issue`, if any (tests, docs). */
export function issueKey(issue: string): string | undefined {
  return entryFor(issue)?.[0].key;
}

/**
 * An error as people read it: its message in one language, and in Chinese each detail's `message` beside its
 * `issue` (in English the issue is the message, and details keep their documented `{ path, issue }`).
 */
export interface LocalizedError {
  readonly message: string;
  readonly details: ReadonlyArray<ErrorDetail & { readonly message?: string }>;
}

/**
 * `error` in `lang`: English keeps the checks' own texts; Chinese words every detail from the catalogue, and
 * a detail no entry knows by its error code's message, so nothing reaches a clerk in English.
 */
export function localizeError(
  error: { readonly code: ErrorCode; readonly message: string; readonly details: readonly ErrorDetail[] },
  lang: Lang,
  names?: RegionNames,
): LocalizedError {
  if (lang === "en") {
    return { message: error.message, details: error.details };
  }
  const fallback = CODE_MESSAGES[error.code].zh;
  const details = error.details.map((d) => ({
    ...d,
    message: zhIssueOrUndefined(d.issue, names) ?? fallback,
  }));
  const own = zhIssueOrUndefined(error.message, names);
  const message =
    details.length > 0 ? [...new Set(details.map((d) => d.message))].join("；") : (own ?? fallback);
  return { message, details };
}
