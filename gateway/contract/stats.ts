/**
 * The query of `GET /api/v1/stats` (issue 17, 统计/效能监督), checked like every request
 * (contract/requests.ts): unknown parameters refused, each problem named by its parameter.
 */
import { z } from "zod";
import { MAX_RANGE_DAYS, type StatsRequest } from "../domain/stats.js";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((v) => {
    const t = Date.parse(`${v}T00:00:00Z`);
    // Zod runs this after a failed pattern too: a malformed value must not reach toISOString.
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === v;
  }, "is not a calendar date");

const daysBetween = (a: string, b: string) =>
  (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

/** `from`/`to` (inclusive, CST dates; default the 30 days to today), `groupBy`, `format` (json or csv). */
export const statsQuerySchema = z
  .strictObject({
    from: day.optional(),
    to: day.optional(),
    groupBy: z.enum(["matter", "region"]).default("matter"),
    format: z.enum(["json", "csv"]).default("json"),
  })
  .superRefine((q, ctx) => {
    if (q.from === undefined || q.to === undefined) return;
    if (q.from > q.to) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
    else if (daysBetween(q.from, q.to) >= MAX_RANGE_DAYS)
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `must be less than ${MAX_RANGE_DAYS} days after from`,
      });
  });

/** A checked stats query. */
export type StatsQuery = z.output<typeof statsQuerySchema>;

// The schema's output is the domain's request shape (checked at compile time).
const _shape: (q: StatsQuery) => StatsRequest = (q) => q;
void _shape;
