// SPDX-License-Identifier: MIT
// The workbench page: a baseline scenario and the planner's changes to it (the redesign), run as
// paired replications by `tiersim serve`; the result as headline cards, charts and the units'
// league table. The API is docs/workbench.md.

import { api, ApiError } from "./api.js";
import { t, lang, setLang, onLangChange, applyStatic, metricLabel, tierLabel } from "./i18n.js";
import { LeverPanel, TIERS, shortMessage } from "./levers.js";
import { renderOverview, renderQueues, renderTreemap, resizeCharts } from "./charts.js";
import { formatValue, formatDiff, formatPlain, higherIsBetter, isRate } from "./format.js";

const CARD_METRICS = ["resolution_rate", "satisfaction_rate", "response_rate",
  "within_limit_share", "lead_time_p50_h", "lead_time_p90_h", "coord_cost_h", "visits_per_case",
  "abandoned_share"];
const TREEMAP_METRICS = ["score", "resolution_rate", "satisfaction_rate", "response_rate",
  "overdue", "backlog"];
const TERMINAL = new Set(["done", "failed", "cancelled"]);
const DEFAULT_SCENARIO = "s0-fragmented";
const OVERLAY_NAME = /^[A-Za-z0-9_-]+$/;

// League columns; `first` is the direction of a column's first click: worst first.
const LEAGUE = [
  { key: "name", label: () => t("league.name"), text: true, first: "asc" },
  { key: "province_name", label: () => t("league.province"), text: true, first: "asc" },
  { key: "closed", first: "desc" },
  { key: "resolution_rate", first: "asc" },
  { key: "satisfaction_rate", first: "asc" },
  { key: "response_rate", first: "asc" },
  { key: "score", label: () => t("league.score"), first: "asc" },
  // Of the tickets that arose in the unit's area (/summary/by_district …), wherever handled.
  { key: "lead_time_mean_h", first: "desc" },
  { key: "overdue", first: "desc" },
  { key: "backlog", first: "desc" },
  { key: "staff", first: "desc" },
];

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child != null) node.append(child);
  return node;
};

const state = {
  scenario: null,
  job: null,
  result: null,
  series: {},
  units: {}, // arm → rows of every tier, each tagged with the tier it was asked for
  view: "overview",
  events: null,
  validateTimer: 0,
  validateSeq: 0,
  status: () => t("status.idle"),
  sort: { key: "score", dir: "asc" },
};

const panel = new LeverPanel(document.getElementById("levers"), leversChanged);

function setStatus(fn) {
  state.status = fn;
  byTestId("status-text").textContent = fn();
}

function fillSelect(select, options) {
  const keep = select.value;
  select.replaceChildren(...options.map(([value, label]) => el("option", { value, textContent: label })));
  if (options.some(([value]) => value === keep)) select.value = keep;
}

function fillStaticSelects() {
  const provinces = state.scenario?.provinces || [];
  fillSelect(byTestId("province-select"),
    [["", t("scope.all")], ...provinces.map((p) => [p, p])]);
  fillSelect(byTestId("queue-tier"), [["", t("tier.all")], ...TIERS.map((x) => [x, tierLabel(x)])]);
  fillSelect(byTestId("hurts-arm"),
    ["redesign", "baseline"].map((a) => [a, t(`arm.${a}`)]));
  fillSelect(byTestId("hurts-tier"), TIERS.map((x) => [x, tierLabel(x)]));
  fillSelect(byTestId("treemap-metric"), TREEMAP_METRICS.map((m) => [m, metricLabel(m)]));
}

// ---- scenario and levers -------------------------------------------------------------------

async function loadScenarioList(selected) {
  const list = await api.scenarios();
  const select = byTestId("scenario-select");
  select.replaceChildren(...list.map((s) => el("option", {
    value: s.name, textContent: s.source === "workspace" ? `★ ${s.name}` : s.name,
    title: s.description || "" })));
  const names = list.map((s) => s.name);
  select.value = names.includes(selected) ? selected
    : names.includes(DEFAULT_SCENARIO) ? DEFAULT_SCENARIO : names[0];
  return select.value;
}

async function loadScenario(name) {
  const scenario = await api.scenario(name);
  state.scenario = scenario;
  byTestId("scenario-description").textContent = scenario.description || "";
  byTestId("seed").placeholder = scenario.seed ?? "";
  byTestId("days").placeholder = scenario.days ?? "";
  fillStaticSelects();
  byTestId("province-select").value = "";
  panel.setScenario(scenario);
  leversChanged();
}

function leversChanged() {
  panel.renderChanges(byTestId("changes-list"));
  byTestId("changes-count").textContent = Object.keys(panel.set).length;
  clearTimeout(state.validateTimer);
  byTestId("validation-errors").dataset.state = "pending";
  state.validateTimer = setTimeout(validate, 300);
}

function optionalInt(id) {
  const raw = byTestId(id).value.trim();
  return raw === "" ? undefined : Number(raw);
}

function showValidation(errors) {
  panel.showErrors(errors);
  const list = byTestId("validation-errors");
  list.replaceChildren(...errors.map((e) => el("li", { title: e.message },
    e.key ? el("code", { textContent: e.key }) : null,
    el("span", { textContent: ` ${shortMessage(e.message)}` }))));
  list.dataset.state = errors.length ? "invalid" : "ok";
}

// Validates the redesign as it stands; a later edit makes an earlier answer stale.
async function validate() {
  const seq = ++state.validateSeq;
  const body = { scenario: state.scenario.name, set: { ...panel.set } };
  const days = optionalInt("days");
  if (days !== undefined) body.days = days;
  try {
    const answer = await api.validate(body);
    if (seq !== state.validateSeq) return;
    showValidation(answer.ok ? [] : answer.errors || []);
  } catch (e) {
    if (seq !== state.validateSeq) return;
    showValidation(e instanceof ApiError && e.errors.length ? e.errors
      : [{ key: "", message: e.message }]);
  }
}

// ---- jobs ----------------------------------------------------------------------------------

async function run() {
  const body = {
    scenario: state.scenario.name,
    set: { ...panel.set },
    replications: optionalInt("replications") ?? 3,
  };
  const seed = optionalInt("seed");
  const days = optionalInt("days");
  const label = byTestId("job-label").value.trim();
  if (seed !== undefined) body.seed = seed;
  if (days !== undefined) body.days = days;
  if (label) body.label = label;
  byTestId("run-button").disabled = true;
  try {
    watch(await api.createJob(body));
  } catch (e) {
    byTestId("run-button").disabled = false;
    if (e.errors?.length) showValidation(e.errors);
    setStatus(() => `${t("status.invalid")}: ${e.message}`);
  }
}

function resetProgress() {
  const bar = byTestId("progress-bar");
  bar.dataset.updates = "0";
  bar.dataset.state = "idle";
}

function showProgress(job) {
  const bar = byTestId("progress-bar");
  const p = Math.max(0, Math.min(1, Number(job.progress) || 0));
  bar.querySelector(".progress-fill").style.width = `${p * 100}%`;
  bar.dataset.state = job.state;
  bar.dataset.progress = String(p);
  bar.dataset.updates = String(Number(bar.dataset.updates) + 1);
  bar.setAttribute("aria-valuenow", String(Math.round(p * 100)));
  const running = !TERMINAL.has(job.state);
  byTestId("run-button").disabled = running;
  byTestId("cancel-button").hidden = !running;
  setStatus(() => {
    const parts = [t(`status.${job.state}`) || job.state, `${Math.round(p * 100)}%`];
    if (job.message) parts.push(job.message);
    if (job.error) parts.push(job.error);
    return parts.join(" · ");
  });
}

function clearResult() {
  state.result = null;
  state.series = {};
  state.units = {};
  byTestId("cards").hidden = true;
  for (const view of document.querySelectorAll(".view")) {
    view.querySelector(".empty")?.removeAttribute("hidden");
  }
  document.querySelector(".charts").hidden = true;
  document.querySelector(".hurts").hidden = true;
}

// Follows a job by its event stream; if the stream breaks before its end, by polling.
function watch(job) {
  state.events?.close();
  state.job = job;
  clearResult();
  resetProgress();
  showProgress(job);
  if (TERMINAL.has(job.state)) {
    finished(job);
    return;
  }
  const source = new EventSource(api.eventsUrl(job.id));
  state.events = source;
  const current = () => state.job?.id === job.id && state.events === source;
  source.addEventListener("progress", (e) => {
    if (current()) showProgress(JSON.parse(e.data));
  });
  source.addEventListener("end", (e) => {
    source.close();
    if (current()) finished(JSON.parse(e.data));
  });
  source.onerror = () => {
    source.close();
    if (current()) poll(job.id);
  };
}

async function poll(id) {
  if (state.job?.id !== id) return;
  try {
    const job = await api.job(id);
    if (state.job?.id !== id) return;
    if (TERMINAL.has(job.state)) {
      finished(job);
      return;
    }
    showProgress(job);
  } catch {
    // the server may be busy; try again
  }
  setTimeout(() => poll(id), 500);
}

async function finished(job) {
  state.events = null;
  state.job = job;
  showProgress(job);
  refreshJobs();
  if (job.state !== "done") return;
  setStatus(() => t("status.loading"));
  try {
    const [result, baseline, redesign] = await Promise.all([
      api.result(job.id),
      api.series(job.id, "baseline").catch(() => null),
      api.series(job.id, "redesign").catch(() => null),
    ]);
    if (state.job?.id !== job.id) return;
    state.result = result;
    state.series = { baseline, redesign };
    showResult();
    showProgress(job);
  } catch (e) {
    setStatus(() => `${t("error.server")}: ${e.message}`);
  }
}

async function cancel() {
  if (!state.job) return;
  try {
    await api.cancel(state.job.id);
  } catch (e) {
    setStatus(() => `${t("error.server")}: ${e.message}`);
  }
}

// ---- the result ----------------------------------------------------------------------------

function significance(metric, diff) {
  if (diff?.low == null || diff?.high == null) return "none";
  if (diff.low <= 0 && diff.high >= 0) return "ns";
  return (diff.mean > 0) === higherIsBetter(metric) ? "better" : "worse";
}

// "18,698 staff-h": the number large, its unit small.
function cardValue(text) {
  const space = text.indexOf(" ");
  const node = el("div", { className: "card-value" });
  if (space < 0) node.textContent = text;
  else node.append(text.slice(0, space), el("small", { textContent: text.slice(space) }));
  return node;
}

function renderCards() {
  const box = byTestId("cards");
  const cards = state.result?.cards || [];
  const order = (c) => {
    const i = CARD_METRICS.indexOf(c.metric);
    return i < 0 ? CARD_METRICS.length : i;
  };
  box.replaceChildren(...[...cards].sort((a, b) => order(a) - order(b)).map((card) => {
    const { metric, baseline, redesign, diff } = card;
    const sig = significance(metric, diff);
    const interval = sig === "none" ? t("card.noci")
      : `${t("card.ci")} [${formatDiff(metric, diff.low, false)}, ` +
        `${formatDiff(metric, diff.high, false)}]`;
    const node = el("article", { className: `card ${sig}` },
      el("h3", { textContent: metricLabel(metric) }),
      cardValue(formatValue(metric, redesign?.mean)),
      el("div", { className: "card-base",
        textContent: `${t("card.baseline")} ${formatValue(metric, baseline?.mean)}` }),
      el("div", { className: "card-diff" },
        el("span", { className: "diff", textContent: formatDiff(metric, diff?.mean) }),
        sig === "ns" ? el("span", { className: "ns", textContent: t("card.ns") }) : null),
      el("div", { className: "card-ci", textContent: interval }));
    node.dataset.testid = `card-${metric}`;
    node.dataset.significance = sig;
    node.title = `${t("card.baseline")} [${formatValue(metric, baseline?.low)}, ` +
      `${formatValue(metric, baseline?.high)}], n = ${baseline?.n ?? "?"}\n` +
      `${t("card.redesign")} [${formatValue(metric, redesign?.low)}, ` +
      `${formatValue(metric, redesign?.high)}], n = ${redesign?.n ?? "?"}`;
    return node;
  }));
  box.hidden = false;
  box.dataset.job = state.job.id;
}

function renderDownloads() {
  const list = byTestId("downloads");
  const n = state.job.replications || 0;
  const items = [];
  for (const a of ["baseline", "redesign"]) {
    for (let r = 1; r <= n; r++) {
      const file = `${a}-${r}.h5`;
      items.push(el("li", {}, el("a", { href: api.fileUrl(state.job.id, file), download: file,
        textContent: file })));
    }
  }
  list.replaceChildren(...items);
}

function showResult() {
  if (!state.result) return;
  renderCards();
  for (const view of document.querySelectorAll(".view")) {
    view.querySelector(".empty")?.setAttribute("hidden", "");
  }
  document.querySelector(".charts").hidden = false;
  document.querySelector(".hurts").hidden = false;
  const overview = byTestId("view-overview");
  renderOverview(overview, state.result, state.series, byTestId("queue-tier").value);
  renderDownloads();
  if (state.view === "hurts") loadHurts();
}

// ---- where it hurts ------------------------------------------------------------------------

function withScore(row) {
  const rates = [row.resolution_rate, row.satisfaction_rate, row.response_rate];
  const score = rates.every((v) => typeof v === "number")
    ? rates.reduce((a, b) => a + b, 0) / 3 : null;
  return { ...row, score };
}

async function loadHurts() {
  if (!state.result) return;
  const job = state.job.id;
  const arm = byTestId("hurts-arm").value;
  if (!state.units[arm]) {
    const perTier = await Promise.all(TIERS.map((tier) =>
      api.units(job, arm, tier).then((rows) => rows.map((r) => ({ ...withScore(r), _tier: tier })))
        .catch(() => [])));
    if (state.job?.id !== job) return;
    // `province` is the province's unit: its name comes from the province tier's rows.
    const rows = perTier.flat();
    const names = new Map(rows.map((r) => [String(r.unit), r.name]));
    for (const r of rows) r.province_name = names.get(String(r.province)) ?? r.province;
    state.units[arm] = rows;
  }
  renderHurts();
}

function renderHurts() {
  const rows = state.units[byTestId("hurts-arm").value];
  if (!rows) return;
  renderTreemap(byTestId("chart-treemap"), rows, byTestId("treemap-metric").value);
  renderLeague(rows.filter((r) => r._tier === byTestId("hurts-tier").value));
}

function compareRows(key, dir, text) {
  const sign = dir === "asc" ? 1 : -1;
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    if (x == null || y == null) return (x == null) - (y == null); // missing values last
    return sign * (text ? String(x).localeCompare(String(y), lang()) : x - y);
  };
}

function cellText(key, v) {
  if (key === "name" || key === "province_name") return v ?? "—";
  if (isRate(key)) return formatValue(key, v);
  return formatPlain(v, key === "closed" ? 0 : 1); // closed: a mean over replications
}

function renderLeague(rows) {
  const table = byTestId("league-table");
  const { key, dir } = state.sort;
  const column = LEAGUE.find((c) => c.key === key);
  const sorted = [...rows].sort(compareRows(key, dir, column?.text));

  const head = el("tr", {}, el("th", { textContent: t("league.rank") }));
  for (const c of LEAGUE) {
    const button = el("button", { type: "button", className: "sort",
      textContent: c.label ? c.label() : metricLabel(c.key) });
    button.dataset.testid = `league-sort-${c.key}`;
    button.addEventListener("click", () => {
      state.sort = state.sort.key === c.key
        ? { key: c.key, dir: state.sort.dir === "asc" ? "desc" : "asc" }
        : { key: c.key, dir: c.first };
      renderLeague(rows);
    });
    const th = el("th", { className: c.text ? "" : "num" }, button);
    th.setAttribute("aria-sort", c.key === key ? (dir === "asc" ? "ascending" : "descending")
      : "none");
    head.append(th);
  }
  table.tHead.replaceChildren(head);

  const body = sorted.map((row, i) => {
    const tr = el("tr", {}, el("td", { className: "num", textContent: String(i + 1) }));
    tr.dataset.testid = "league-row";
    for (const c of LEAGUE) {
      const td = el("td", { className: c.text ? "" : "num", textContent: cellText(c.key, row[c.key]) });
      td.dataset.col = c.key;
      td.dataset.value = row[c.key] ?? "";
      tr.append(td);
    }
    return tr;
  });
  if (!body.length) {
    body.push(el("tr", {}, el("td", { colSpan: LEAGUE.length + 1, className: "muted",
      textContent: t("league.empty") })));
  }
  table.tBodies[0].replaceChildren(...body);
  table.dataset.sort = `${key}:${dir}`;
}

// ---- past runs -----------------------------------------------------------------------------

async function refreshJobs() {
  let jobs;
  try {
    jobs = await api.jobs();
  } catch {
    return;
  }
  const body = byTestId("jobs-table").tBodies[0];
  body.replaceChildren(...jobs.map((job) => {
    const changes = Object.entries(job.set || {});
    const open = el("button", { type: "button", className: "link", textContent: t("runs.open"),
      disabled: job.state !== "done" });
    open.addEventListener("click", () => {
      watch(job);
      showView("overview");
    });
    const tr = el("tr", {},
      el("td", { textContent: (job.created_utc || "").replace("T", " ").replace(/\..*$/, "") }),
      el("td", { textContent: job.label || "" }),
      el("td", { textContent: job.scenario }),
      el("td", { textContent: String(changes.length),
        title: changes.map(([k, v]) => `${k} = ${v}`).join("\n") }),
      el("td", { className: "num", textContent: String(job.replications) }),
      el("td", { textContent: t(`status.${job.state}`) }),
      el("td", {}, open));
    tr.dataset.testid = "job-row";
    return tr;
  }));
}

// ---- saving the redesign -------------------------------------------------------------------

function openSave() {
  const dialog = byTestId("save-dialog");
  const name = byTestId("overlay-name");
  name.value = byTestId("job-label").value.trim().replace(/[^A-Za-z0-9_-]+/g, "-") || "redesign";
  byTestId("overlay-error").textContent = "";
  byTestId("overlay-toml").hidden = true;
  byTestId("overlay-download").hidden = true;
  dialog.showModal();
  name.select();
}

async function confirmSave() {
  const name = byTestId("overlay-name").value.trim();
  const error = byTestId("overlay-error");
  error.classList.remove("ok");
  if (!OVERLAY_NAME.test(name)) {
    error.textContent = t("save.badname");
    return;
  }
  error.textContent = "";
  try {
    const saved = await api.saveOverlay({ name, scenario: state.scenario.name, set: { ...panel.set } });
    const pre = byTestId("overlay-toml");
    pre.textContent = saved.toml;
    pre.hidden = false;
    const link = byTestId("overlay-download");
    URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([saved.toml], { type: "application/toml" }));
    link.download = `${name}.toml`;
    link.hidden = false;
    error.textContent = `${t("save.saved")} ${saved.name}`;
    error.classList.add("ok");
    await loadScenarioList(state.scenario.name);
  } catch (e) {
    error.textContent = e.errors?.length ? e.errors.map((x) => shortMessage(x.message)).join("; ")
      : e.message;
  }
}

// ---- views and language --------------------------------------------------------------------

function showView(view) {
  state.view = view;
  for (const tab of document.querySelectorAll(".tabs [data-view]")) {
    tab.classList.toggle("active", tab.dataset.view === view);
    tab.setAttribute("aria-selected", String(tab.dataset.view === view));
  }
  for (const section of document.querySelectorAll("section.view")) {
    section.hidden = section.dataset.view !== view;
  }
  if (view === "hurts") loadHurts();
  if (view === "runs") refreshJobs();
  resizeCharts(byTestId(`view-${view}`));
}

function languageChanged() {
  applyStatic();
  for (const b of document.querySelectorAll(".lang-switch button")) {
    b.classList.toggle("active", b.dataset.lang === lang());
    b.setAttribute("aria-pressed", String(b.dataset.lang === lang()));
  }
  fillStaticSelects();
  panel.render();
  panel.renderChanges(byTestId("changes-list"));
  byTestId("status-text").textContent = state.status();
  if (state.result) {
    renderCards();
    renderOverview(byTestId("view-overview"), state.result, state.series,
      byTestId("queue-tier").value);
    if (state.units[byTestId("hurts-arm").value]) renderHurts();
  }
  refreshJobs();
}

async function init() {
  languageChanged();
  onLangChange(languageChanged);
  for (const b of document.querySelectorAll(".lang-switch button")) {
    b.addEventListener("click", () => setLang(b.dataset.lang));
  }
  for (const tab of document.querySelectorAll(".tabs [data-view]")) {
    tab.addEventListener("click", () => showView(tab.dataset.view));
  }
  byTestId("scenario-select").addEventListener("change", (e) => loadScenario(e.target.value));
  byTestId("province-select").addEventListener("change", (e) => panel.setProvince(e.target.value));
  byTestId("reset-button").addEventListener("click", () => panel.reset());
  byTestId("days").addEventListener("input", leversChanged);
  byTestId("run-button").addEventListener("click", run);
  byTestId("cancel-button").addEventListener("click", cancel);
  byTestId("save-button").addEventListener("click", openSave);
  byTestId("overlay-confirm").addEventListener("click", confirmSave);
  byTestId("queue-tier").addEventListener("change", (e) => {
    if (state.result) renderQueues(byTestId("view-overview"), state.series, e.target.value);
  });
  byTestId("hurts-arm").addEventListener("change", loadHurts);
  byTestId("hurts-tier").addEventListener("change", renderHurts);
  byTestId("treemap-metric").addEventListener("change", renderHurts);
  window.addEventListener("resize", () => resizeCharts(document));

  try {
    const [version, schema] = await Promise.all([api.version(), api.schema()]);
    byTestId("version").textContent = version.version;
    byTestId("version").title = version.workspace;
    panel.setSchema(schema);
    await loadScenario(await loadScenarioList(DEFAULT_SCENARIO));
    document.body.dataset.ready = "true";
  } catch (e) {
    setStatus(() => `${t("error.server")}: ${e.message}`);
  }
}

init();
