/**
 * Chinese wording of the issue texts that the shared checks (domain/ids.ts,
 * contract/requests.ts, domain/submission.ts, the lifecycle) return, so the
 * page shows the server's and its own findings alike. Unknown texts are shown
 * as they came: a new check is never hidden, only untranslated.
 */

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // domain/ids.ts
  [/^must be 17 digits followed by a digit or X$/, "应为 17 位数字加 1 位数字或 X"],
  [/^does not start with a province code \(11–82\)$/, "前两位不是省级行政区划代码（11–82）"],
  [/^contains an impossible birth date$/, "出生日期不存在"],
  [/^has a birth date in the future$/, "出生日期晚于今天"],
  [/^wrong check character \(expected (.)\)$/, "校验位错误（按前 17 位应为 $1）"],
  [
    /^must be 18 characters: digits and uppercase letters except I, O, S, V, Z$/,
    "应为 18 位数字或大写字母（不含 I、O、S、V、Z）",
  ],
  [/^must be a six-digit GB\/T 2260 division code$/, "应为 6 位行政区划代码"],
  [/^must be an 11-digit mobile number starting with 13–19$/, "应为 13–19 开头的 11 位手机号码"],
  [/^must be a six-digit postal code$/, "应为 6 位邮政编码"],
  [/^must be 64 lowercase hex characters \(sha256\)$/, "应为 64 位小写十六进制 sha256 摘要"],
  // contract/requests.ts
  [/^is required\b.*$/, "必填"],
  [/^must be at most (\d+) characters$/, "不能超过 $1 个字符"],
  [/^must not contain control characters.*$/, "不能包含控制字符或换行"],
  [/^must be 6–30 letters, digits or dashes$/, "应为 6–30 位字母、数字或短横线"],
  [/^must be between 1 byte and 200 MiB$/, "文件大小应在 1 字节到 200 MiB 之间"],
  [/^(\S+) is listed twice$/, "材料 $1 重复"],
  [/^must list the materials.*$/, "请至少选择一项材料"],
  // domain/submission.ts
  [/^matter \S+ is for a person$/, "该事项的申请人须为个人"],
  [/^matter \S+ is for an organization$/, "该事项的申请人须为单位"],
  [/^required material (\S+) \((.+)\) is missing$/, "缺少必交材料：$2（$1）"],
  [/^(?:matter \S+|the matter) does not ask for material (\S+)$/, "该事项不需要材料 $1"],
  [/^matter \S+ is not in the cooperation agreement .*$/, "该事项不在两地合作协议范围内"],
  [/^unknown region (\S+)$/, "未知地区 $1"],
  [/^no cooperation agreement with (\S+)$/, "本地区与地区 $1 没有跨域通办合作协议"],
  [/^catalog of (\S+) not received yet; try again shortly$/, "尚未收到地区 $1 的事项清单，请稍后再试"],
  [/^region (\S+) has no matter (\S+)$/, "地区 $1 没有事项 $2"],
  // transports/rest: content types, the origin check, sessions and the failed-credential limiter (issue 19)
  [/^must be application\/json$/, "请求格式应为 application/json"],
  [/^must be one of (.+)$/, "应为以下之一：$1"],
  [/^cross-origin request refused$/, "拒绝跨站请求：请在本网关自己的页面上操作"],
  [/^the session ended or expired: sign in again$/, "登录已结束或已过期，请重新登录"],
  [/^the session's token was revoked or expired: sign in again$/, "登录所用的令牌已撤销或过期，请重新登录"],
  [/^rate limited$/, "失败次数过多，请稍后再试"],
  // domain/lifecycle.ts
  [/^missing requested material codes: (.+)$/, "缺少要求补正的材料：$1"],
  [/^not allowed in status .*$/, "当前状态下不能执行此操作"],
  [/^reserved to the .*$/, "本地区无权执行此操作"],
  // contract/depth.ts, transports/rest/body.ts
  [/^is nested deeper than (\d+) levels$/, "嵌套层级超过 $1 层"],
  [/^is not valid UTF-8$/, "不是有效的 UTF-8 编码"],
  [/^JSON must be encoded as UTF-8$/, "JSON 须使用 UTF-8 编码"],
  // security/cipher.ts (DATA_LOSS): a stored value that does not authenticate is not shown.
  [
    /^stored \S+ of .+ failed its integrity check .*$/,
    "本地台账中的数据未通过完整性校验，未予显示；已告警，请联系运维人员",
  ],
  // domain/lifecycle.ts: 多地联办 subtasks (issue 16)
  [/^subtask (\S+) is done$/, "联办任务 $1 已完成"],
  [/^subtask (\S+) is cancelled$/, "联办任务 $1 已撤销"],
  [/^subtask (\S+) is already taken up$/, "联办任务 $1 已领办"],
  [/^subtask (\S+) already exists$/, "联办任务 $1 已存在"],
  [/^subtask of (\S+) is open$/, "地区 $1 的联办任务尚未完成"],
  [/^(\S+) is not a collaborating region of this case$/, "地区 $1 不是本件的协办地"],
  [/^unknown subtask$/, "本件没有该联办任务"],
  // domain/submission.ts: 多地联办 intake (issue 16)
  [/^MULTI_REGION needs at least one$/, "多地联办须至少选择一个协办地"],
  [/^the handling region leads; list others$/, "办理地为牵头地，请选择其他地区作协办地"],
  [
    /^no agreement between (\S+) and (\S+) covers (\S+) as MULTI_REGION$/,
    "地区 $2 与牵头地 $1 之间没有覆盖事项 $3 的多地联办协议",
  ],
];

/** The Chinese text of an issue, or the issue itself when no rule knows it. */
export function zhIssue(issue: string): string {
  for (const [pattern, text] of RULES) if (pattern.test(issue)) return issue.replace(pattern, text);
  return issue;
}
