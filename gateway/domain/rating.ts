/**
 * 好差评 (issue 18, GB/T 39734): the applicant rates a case once (一次一评) after its result was delivered or
 * it was refused, on the five national levels; a negative rating opens a rectification (整改) task for the
 * handling region, answered within {@link RECTIFICATION_WORKING_DAYS} working days.
 */

/** The five national levels, best first (非常满意 满意 基本满意 不满意 非常不满意). */
export const RATING_LEVELS = [
  "VERY_SATISFIED",
  "SATISFIED",
  "BASICALLY_SATISFIED",
  "DISSATISFIED",
  "VERY_DISSATISFIED",
] as const;
/** One of {@link RATING_LEVELS}. */
export type RatingLevel = (typeof RATING_LEVELS)[number];

/** The zh-CN name of each level, as the national 好差评 system words it. */
export const RATING_LEVEL_LABELS: Readonly<Record<RatingLevel, string>> = {
  VERY_SATISFIED: "非常满意",
  SATISFIED: "满意",
  BASICALLY_SATISFIED: "基本满意",
  DISSATISFIED: "不满意",
  VERY_DISSATISFIED: "非常不满意",
};

/** Who recorded the rating: the applicant online, or a window clerk on the applicant's behalf. */
export const RATING_CHANNELS = ["APPLICANT", "WINDOW"] as const;
/** One of {@link RATING_CHANNELS}. */
export type RatingChannel = (typeof RATING_CHANNELS)[number];

/** Working days the handling region has to answer a negative rating (GB/T 39734: 15 工作日). */
export const RECTIFICATION_WORKING_DAYS = 15;

/** Tags offered when no list is configured (config `rating.tags`). */
export const DEFAULT_RATING_TAGS: readonly string[] = [
  "办事效率高",
  "服务态度好",
  "材料要求清楚",
  "等待时间长",
  "材料反复提交",
  "告知不清楚",
  "态度不好",
  "结果未按时送达",
];

/** What the applicant says: level, tags, optional text. */
export interface RatingInput {
  readonly level: RatingLevel;
  readonly tags: readonly string[];
  readonly text: string;
}

/** The rectification task a negative rating opened. Dates YYYY-MM-DD (CST), times ISO-8601 UTC. */
export interface Rectification {
  readonly dueOn: string;
  /** What the handling region did; "" while open. */
  readonly answer: string;
  /** "" while open. */
  readonly answeredAt: string;
}

/** The case's rating, folded from CaseRated and RectificationAnswered by every party. */
export interface CaseRating extends RatingInput {
  readonly channel: RatingChannel;
  /** ISO-8601 UTC of the CaseRated event. */
  readonly ratedAt: string;
  readonly rectification?: Rectification | undefined;
}

/** Whether a level opens a rectification task (不满意, 非常不满意). */
export function isNegative(level: RatingLevel): boolean {
  return level === "DISSATISFIED" || level === "VERY_DISSATISFIED";
}
