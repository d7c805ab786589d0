/** What a request for the supervision figures (issue 17, 统计/效能监督) may ask, as transports hand it over. */

/** The longest range one request may count (three years: a supervisor's longest report period, bounded). */
export const MAX_RANGE_DAYS = 1096;

/** A checked stats request: `from`/`to` inclusive CST dates (defaults applied by the use case). */
export interface StatsRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly groupBy: "matter" | "region";
  readonly format: "json" | "csv";
}
