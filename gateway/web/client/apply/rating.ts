/**
 * 好差评 on the applicant page (issue 18): the form offered once the service is over (five levels, the
 * configured tags, optional words), and, once rated, the rating and the handling region's 整改 answer.
 */
import type { CaseRating, RatingLevel } from "../../../domain/rating.js";
import { RATING_LEVEL_LABELS } from "../../../domain/rating.js";
import { ApiError } from "../api.js";
import { h } from "../dom.js";
import { cstTime } from "../labels.js";
import { zhIssue } from "../messages.js";

/** What `GET /api/v1/apply/rating-options` answers. */
export interface RatingOptions {
  readonly levels: ReadonlyArray<{ readonly level: RatingLevel; readonly label: string }>;
  readonly tags: readonly string[];
}

/** The body of `POST /api/v1/apply/cases/{id}/rating`. */
export interface RatingBody {
  level?: RatingLevel;
  tags: string[];
  text: string;
}

/** The rating as the applicant gave it, and the 整改 task it opened (open, or answered). */
export function rated(r: CaseRating): HTMLElement {
  const rect = r.rectification;
  return h(
    "div",
    { class: "notice", id: "rating-done" },
    h("h3", {}, "我的评价"),
    h("p", { id: "rating-level" }, RATING_LEVEL_LABELS[r.level] ?? r.level),
    r.tags.length > 0 ? h("p", {}, `标签：${r.tags.join("、")}`) : null,
    r.text ? h("p", {}, `评价内容：${r.text}`) : null,
    h("p", { class: "hint" }, `评价时间：${cstTime(r.ratedAt)}`),
    rect
      ? h(
          "div",
          { id: "rectification" },
          h("h3", {}, "整改情况"),
          rect.answer
            ? h("p", { id: "rectification-answer" }, rect.answer)
            : h("p", { class: "hint" }, `已转办理地整改，办理地应于 ${rect.dueOn} 前反馈整改情况。`),
          rect.answeredAt ? h("p", { class: "hint" }, `办理地于 ${cstTime(rect.answeredAt)} 反馈`) : null,
        )
      : null,
  );
}

/** The 评价 form; `send` posts the body, `options` reads the levels and tags. */
export async function ratingForm(
  send: (body: RatingBody) => Promise<void>,
  options: () => Promise<RatingOptions>,
): Promise<HTMLElement> {
  const o = await options();
  const levels = o.levels.map((l) =>
    h("label", {}, h("input", { type: "radio", name: "rating-level", value: l.level }), ` ${l.label}`),
  );
  const tags = o.tags.map((t) =>
    h("label", {}, h("input", { type: "checkbox", name: "rating-tag", value: t }), ` ${t}`),
  );
  const text = h("textarea", { id: "rating-text", maxlength: 500, rows: 3, "data-path": "text" });
  const issues = h("ul", { class: "issues", role: "alert", id: "rating-issues" });
  const button = h("button", { type: "submit", class: "primary", id: "rating-submit" }, "提交评价");
  const form = h(
    "form",
    { id: "rating-form", novalidate: true },
    h("h3", {}, "评价本次服务（好差评）"),
    h(
      "p",
      { class: "hint" },
      "每件只评一次。不满意或非常不满意的评价会转办理地整改，并在这里告诉您整改情况。",
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "满意程度"),
      h("div", { class: "choices", "data-path": "level" }, ...levels),
    ),
    tags.length > 0
      ? h(
          "fieldset",
          {},
          h("legend", {}, "标签（可多选）"),
          h("div", { class: "choices", "data-path": "tags" }, ...tags),
        )
      : null,
    h("label", { for: "rating-text" }, "想说的话（选填）"),
    text,
    issues,
    button,
  );
  // A refusal shown for the previous try goes once the applicant changes something.
  form.addEventListener("change", () => issues.replaceChildren());
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const level = form.querySelector<HTMLInputElement>('input[name="rating-level"]:checked')?.value;
    if (!level) {
      issues.replaceChildren(h("li", { "data-path": "level" }, "请选择满意程度"));
      return;
    }
    const body: RatingBody = {
      level: level as RatingLevel,
      tags: [...form.querySelectorAll<HTMLInputElement>('input[name="rating-tag"]:checked')].map(
        (i) => i.value,
      ),
      text: text.value.trim(),
    };
    button.disabled = true;
    send(body)
      .catch((err: unknown) => {
        const lines =
          err instanceof ApiError && err.details.length > 0
            ? err.details.map((d) => h("li", { "data-path": d.path }, d.message ?? zhIssue(d.issue)))
            : [h("li", {}, err instanceof ApiError ? err.message : "网络连接失败，请稍后再试")];
        issues.replaceChildren(...lines);
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return form;
}
