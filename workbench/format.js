// SPDX-License-Identifier: MIT
// How a metric reads: rates as %, their differences in percentage points, times in hours,
// coordination cost in staff-hours; and which direction is better.

import { lang } from "./i18n.js";

const RATES = new Set(["resolution_rate", "satisfaction_rate", "response_rate",
  "within_limit_share", "abandoned_share", "score"]);
const HOURS = new Set(["lead_time_p50_h", "lead_time_p90_h", "lead_time_mean_h"]);
const LOWER_IS_BETTER = new Set(["lead_time_p50_h", "lead_time_p90_h", "lead_time_mean_h",
  "coord_cost_h", "visits_per_case", "abandoned_share", "overdue", "backlog"]);

export const isRate = (metric) => RATES.has(metric);
export const higherIsBetter = (metric) => !LOWER_IS_BETTER.has(metric);

const locale = () => (lang() === "zh" ? "zh-CN" : "en-GB");
const number = (v, digits) => v.toLocaleString(locale(),
  { minimumFractionDigits: digits, maximumFractionDigits: digits });

const staffHours = () => (lang() === "zh" ? " 工时" : " staff-h");

export function formatValue(metric, v) {
  if (v == null || Number.isNaN(v)) return "—";
  if (isRate(metric)) return `${number(v * 100, 1)}%`;
  if (HOURS.has(metric)) return `${number(v, 1)} h`;
  if (metric === "coord_cost_h") return `${number(v, 0)}${staffHours()}`;
  if (metric === "visits_per_case") return number(v, 2);
  return number(v, Number.isInteger(v) ? 0 : 2);
}

// A signed difference: percentage points for rates.
export function formatDiff(metric, v, withUnit = true) {
  if (v == null || Number.isNaN(v)) return "—";
  const sign = v > 0 ? "+" : v < 0 ? "−" : "±";
  const a = Math.abs(v);
  if (isRate(metric)) return `${sign}${number(a * 100, 2)}${withUnit ? " pp" : ""}`;
  if (HOURS.has(metric)) return `${sign}${number(a, a < 1 ? 2 : 1)}${withUnit ? " h" : ""}`;
  if (metric === "coord_cost_h") return `${sign}${number(a, 0)}${withUnit ? staffHours() : ""}`;
  return `${sign}${number(a, 2)}`;
}

// A plain number for chart axes and tables.
export const formatPlain = (v, digits = 1) =>
  v == null || Number.isNaN(v) ? "—" : number(v, digits);
