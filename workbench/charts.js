// SPDX-License-Identifier: MIT
// The charts of a result (Apache ECharts, the global `echarts` of echarts.min.js): baseline
// against redesign from the averaged tables, the time series of replication 1 and the units.

import { t, tierLabel, typeLabel, metricLabel, crossModeLabel } from "./i18n.js";
import { formatPlain, formatValue, higherIsBetter } from "./format.js";
import { TIERS } from "./levers.js";

const ARMS = ["baseline", "redesign"];
const ARM_COLOURS = { baseline: "#94a3b8", redesign: "#2563eb" };
// Light for the baseline, dark for the redesign, one hue per statistic or rate.
const PAIRS = {
  p50: ["#cbd5e1", "#60a5fa"],
  mean: ["#64748b", "#1d4ed8"],
  resolution_rate: ["#bfdbfe", "#2563eb"],
  satisfaction_rate: ["#a7f3d0", "#059669"],
  response_rate: ["#fde68a", "#d97706"],
};
const RATES = ["resolution_rate", "satisfaction_rate", "response_rate"];
const COORD_KINDS = ["coord_handoff_h", "coord_meeting_h", "coord_return_h", "coord_leader_h",
  "coord_cross_h"];
// Queue columns of /series, the first ones present are drawn.
const QUEUE_COLUMNS = ["queue_len", "queued", "waiting", "backlog"];

const instance = (el) => echarts.getInstanceByDom(el) || echarts.init(el);
const arm = (name) => t(`arm.${name}`);
const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function resizeCharts(root) {
  for (const el of root.querySelectorAll(".chart")) echarts.getInstanceByDom(el)?.resize();
}

function base(extra) {
  return {
    animation: false,
    textStyle: { fontFamily: "inherit" },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 11 } },
    grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
    ...extra,
  };
}

// Groups of a by_* table present in either arm, in a preferred order when there is one.
function groupsOf(table, order) {
  const names = new Set();
  for (const a of ARMS) for (const g of Object.keys(table?.[a] || {})) names.add(g);
  const list = [...names];
  if (order) list.sort((x, y) => order.indexOf(x) - order.indexOf(y));
  return list;
}

const cell = (table, a, group, metric) => num(table?.[a]?.[group]?.[metric]);

function leadTimeOption(table, groups, labelOf, horizontal) {
  const series = [];
  for (const [stat, metric] of [["p50", "lead_time_p50_h"], ["mean", "lead_time_mean_h"]]) {
    ARMS.forEach((a, i) => series.push({
      name: `${arm(a)} · ${t(`stat.${stat}`)}`, type: "bar", color: PAIRS[stat][i],
      data: groups.map((g) => cell(table, a, g, metric)),
    }));
  }
  const categories = { type: "category", data: groups.map(labelOf), inverse: horizontal };
  const values = { type: "value", name: t("axis.hours") };
  return base({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
      valueFormatter: (v) => `${formatPlain(v)} h` },
    xAxis: horizontal ? values : categories,
    yAxis: horizontal ? categories : values,
    series,
  });
}

function ratesOption(table, groups, labelOf) {
  const series = [];
  for (const metric of RATES) {
    ARMS.forEach((a, i) => series.push({
      name: `${metricLabel(metric)} · ${arm(a)}`, type: "bar", color: PAIRS[metric][i],
      data: groups.map((g) => {
        const v = cell(table, a, g, metric);
        return v == null ? null : v * 100;
      }),
    }));
  }
  return base({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
      valueFormatter: (v) => `${formatPlain(v)}%` },
    xAxis: { type: "category", data: groups.map(labelOf) },
    yAxis: { type: "value", name: "%", max: 100 },
    series,
  });
}

function armBars(values, categories, yName, formatter) {
  return base({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: formatter },
    xAxis: { type: "category", data: categories },
    yAxis: { type: "value", name: yName },
    series: ARMS.map((a) => ({ name: arm(a), type: "bar", color: ARM_COLOURS[a],
      data: values(a) })),
  });
}

// Queue lengths and utilisation (busy_staff / open_staff) of replication 1 over time, for the
// whole system or one tier; only the columns the series has are drawn.
function queuesOption(seriesByArm, tier) {
  const lines = [];
  for (const a of ARMS) {
    const all = seriesByArm[a];
    if (!all) continue;
    const src = tier ? all.by_tier?.[tier] : all;
    if (!src) continue;
    const hours = src.t_h || all.t_h || [];
    const days = hours.map((h) => h / 24);
    const queueColumn = QUEUE_COLUMNS.find((c) => Array.isArray(src[c]));
    if (queueColumn) {
      lines.push({ name: `${arm(a)} · ${t("axis.queued")}`, type: "line", showSymbol: false,
        color: ARM_COLOURS[a], data: days.map((d, i) => [d, num(src[queueColumn][i])]) });
    }
    if (Array.isArray(src.busy_staff) && Array.isArray(src.open_staff)) {
      lines.push({ name: `${arm(a)} · ${t("axis.utilisation")}`, type: "line", showSymbol: false,
        yAxisIndex: 1, color: ARM_COLOURS[a], lineStyle: { type: "dashed" },
        data: days.map((d, i) => {
          const open = num(src.open_staff[i]);
          const busy = num(src.busy_staff[i]);
          return [d, open ? (100 * busy) / open : null];
        }) });
    }
  }
  return base({
    tooltip: { trigger: "axis",
      valueFormatter: (v) => formatPlain(v) },
    xAxis: { type: "value", name: t("axis.day"), min: "dataMin", max: "dataMax" },
    yAxis: [{ type: "value", name: t("axis.queued") },
      { type: "value", name: `${t("axis.utilisation")} %`, min: 0, max: 100,
        splitLine: { show: false } }],
    series: lines,
  });
}

export function renderOverview(root, result, seriesByArm, queueTier) {
  const tables = result.tables || {};
  const chartEl = (name) => root.querySelector(`[data-chart="${name}"]`);

  const tiers = groupsOf(tables.by_tier, TIERS);
  instance(chartEl("lead-tier")).setOption(
    leadTimeOption(tables.by_tier, tiers, tierLabel, false), true);

  const byType = tables.by_type;
  const types = groupsOf(byType).sort((x, y) =>
    (cell(byType, "baseline", y, "lead_time_mean_h") ?? -1) -
    (cell(byType, "baseline", x, "lead_time_mean_h") ?? -1));
  instance(chartEl("lead-type")).setOption(leadTimeOption(byType, types, typeLabel, true), true);

  instance(chartEl("rates-tier")).setOption(ratesOption(tables.by_tier, tiers, tierLabel), true);
  const provinces = groupsOf(tables.by_province);
  instance(chartEl("rates-province")).setOption(
    ratesOption(tables.by_province, provinces, (p) => p), true);

  const overall = tables.overall || {};
  instance(chartEl("coord")).setOption(armBars(
    (a) => COORD_KINDS.map((k) => num(overall[a]?.[k])),
    COORD_KINDS.map(metricLabel), t("axis.staffh"),
    (v) => formatValue("coord_cost_h", v)), true);

  const modes = groupsOf(tables.by_cross_mode);
  instance(chartEl("cross")).setOption(armBars(
    (a) => modes.map((m) => cell(tables.by_cross_mode, a, m, "closed") ?? 0),
    modes.map(crossModeLabel), t("axis.tickets"), (v) => formatPlain(v, 0)), true);

  renderQueues(root, seriesByArm, queueTier);
}

export function renderQueues(root, seriesByArm, tier) {
  const el = root.querySelector('[data-chart="queues"]');
  instance(el).setOption(queuesOption(seriesByArm, tier), true);
}

// Red (worse) through yellow to green (better) for a value between lo and hi.
function colourFor(v, lo, hi, better) {
  if (v == null) return "#e2e8f0";
  let x = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  if (!better) x = 1 - x;
  const stops = [[215, 48, 39], [254, 224, 139], [26, 152, 80]];
  const [a, b, f] = x < 0.5 ? [stops[0], stops[1], x * 2] : [stops[1], stops[2], (x - 0.5) * 2];
  const c = a.map((ai, i) => Math.round(ai + (b[i] - ai) * f));
  return `rgb(${c.join(",")})`;
}

// Units nested province → city → district → street by their parent; a leaf's area is its
// tickets closed, its colour the chosen metric.
export function renderTreemap(el, rows, metric) {
  const nodes = new Map();
  for (const row of rows) {
    nodes.set(String(row.unit), { name: row.name ?? String(row.unit), row, children: [] });
  }
  const roots = [];
  for (const node of nodes.values()) {
    const parent = nodes.get(String(node.row.parent));
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const leaves = [...nodes.values()].filter((n) => !n.children.length);
  const values = leaves.map((n) => num(n.row[metric])).filter((v) => v != null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const better = higherIsBetter(metric);
  const toData = (node) => {
    if (node.children.length) return { name: node.name, children: node.children.map(toData) };
    const v = num(node.row[metric]);
    return { name: node.name, value: [Math.max(num(node.row.closed) ?? 0, 0), v],
      itemStyle: { color: colourFor(v, lo, hi, better) } };
  };
  instance(el).setOption({
    animation: false,
    tooltip: {
      formatter: (info) => {
        const value = info.value;
        if (!Array.isArray(value)) return info.name;
        return `${info.name}<br>${metricLabel("closed")}: ${formatPlain(value[0], 0)}` +
          `<br>${metricLabel(metric)}: ${formatValue(metric, value[1])}`;
      },
    },
    series: [{
      type: "treemap", name: metricLabel(metric), roam: false, nodeClick: "zoomToNode",
      breadcrumb: { show: true, bottom: 4 },
      top: 4, left: 4, right: 4, bottom: 36,
      label: { show: true, formatter: "{b}", fontSize: 11 },
      upperLabel: { show: true, height: 20, color: "#1e293b" },
      itemStyle: { borderColor: "#fff", gapWidth: 1 },
      // the root (no label), then provinces, cities and districts
      levels: [
        { upperLabel: { show: false }, itemStyle: { borderWidth: 0, gapWidth: 3 } },
        { itemStyle: { borderColor: "#475569", borderWidth: 3, gapWidth: 2 } },
        { itemStyle: { borderColor: "#94a3b8", borderWidth: 2, gapWidth: 1 } },
        { itemStyle: { borderColor: "#cbd5e1", borderWidth: 1, gapWidth: 1 } },
      ],
      data: roots.map(toData),
    }],
  }, true);
}
