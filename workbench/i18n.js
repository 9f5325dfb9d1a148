// SPDX-License-Identifier: MIT
// Labels of the workbench in Chinese and English. The choice persists in localStorage; the
// first visit follows navigator.language.

const STORE_KEY = "tiersim.lang";

const TEXT = {
  "app.title": ["规划工作台", "planner workbench"],
  "scenario.baseline": ["基线方案", "Baseline scenario"],
  "scope.label": ["适用范围", "Applies to"],
  "scope.all": ["全部省份", "all provinces"],
  "changes.title": ["改动", "Changes"],
  "changes.reset": ["全部还原", "reset all"],
  "changes.none": ["尚无改动：新方案与基线相同", "no changes yet: the redesign equals the baseline"],
  "changes.revert": ["还原", "revert"],
  "lever.province_only": ["该项不能按省设置", "not settable per province"],
  "lever.range": ["范围", "range"],
  "run.replications": ["重复次数", "Replications"],
  "run.seed": ["随机种子", "Seed"],
  "run.days": ["模拟天数", "Days"],
  "run.label": ["备注", "Label"],
  "run.run": ["运行", "Run"],
  "run.cancel": ["取消", "Cancel"],
  "status.idle": ["选择基线，调整杠杆，然后运行", "pick a baseline, change levers, then run"],
  "status.queued": ["排队中", "queued"],
  "status.running": ["运行中", "running"],
  "status.done": ["完成", "done"],
  "status.failed": ["失败", "failed"],
  "status.cancelled": ["已取消", "cancelled"],
  "status.loading": ["读取结果…", "loading results…"],
  "status.invalid": ["新方案有误，请先修正", "the redesign is invalid: fix it first"],
  "tab.overview": ["总览", "Overview"],
  "tab.hurts": ["问题在哪里", "Where it hurts"],
  "tab.runs": ["运行记录", "Runs"],
  "empty.noresult": ["运行后在此显示结果", "results show here after a run"],
  "card.baseline": ["基线", "baseline"],
  "card.redesign": ["新方案", "redesign"],
  "card.ns": ["不显著", "n.s."],
  "card.ci": ["95% 区间", "95% interval"],
  "card.noci": ["一次重复，无区间", "one replication: no interval"],
  "arm.baseline": ["基线", "baseline"],
  "arm.redesign": ["新方案", "redesign"],
  "chart.lead_tier": ["各层级办理时长", "Lead time by tier"],
  "chart.lead_type": ["各类诉求办理时长", "Lead time by ticket type"],
  "chart.rates_tier": ["各层级三率", "The three rates by tier"],
  "chart.rates_province": ["各省三率", "The three rates by province"],
  "chart.queues": ["排队与人员利用率", "Queues and utilisation over time"],
  "chart.coord": ["协调成本构成", "Coordination cost by kind"],
  "chart.cross": ["跨省通办（按方式）", "Cross-province tickets by mode"],
  "chart.treemap": ["各单位（面积 = 办结量，颜色 = 所选指标）",
    "Units (area = tickets closed, colour = chosen metric)"],
  "axis.hours": ["小时", "hours"],
  "axis.staffh": ["工时", "staff-hours"],
  "axis.tickets": ["件", "tickets"],
  "axis.day": ["天", "day"],
  "axis.queued": ["排队", "queued"],
  "axis.utilisation": ["利用率", "utilisation"],
  "stat.p50": ["中位数", "median"],
  "stat.mean": ["均值", "mean"],
  "tier.all": ["全部层级", "all tiers"],
  "files.title": ["运行文件（HDF5）", "Run files (HDF5)"],
  "hurts.arm": ["方案", "Arm"],
  "hurts.tier": ["排名层级", "Ranked tier"],
  "hurts.colour": ["颜色指标", "Colour by"],
  "hurts.worse": ["差", "worse"],
  "hurts.better": ["好", "better"],
  "league.rank": ["#", "#"],
  "league.name": ["单位", "Unit"],
  "league.province": ["省", "Province"],
  "league.score": ["三率均值", "3-rate mean"],
  "league.empty": ["该层级没有单位", "no units at this tier"],
  "runs.created": ["创建时间", "Created"],
  "runs.label": ["备注", "Label"],
  "runs.changes": ["改动", "Changes"],
  "runs.state": ["状态", "State"],
  "runs.open": ["查看", "open"],
  "save.button": ["保存方案", "Save redesign"],
  "save.title": ["保存新方案", "Save the redesign"],
  "save.hint": ["保存为工作区中基于基线的覆盖文件（TOML）",
    "saved as an overlay of the baseline (TOML) in the workspace"],
  "save.name": ["名称（字母、数字、- 或 _）", "Name (letters, digits, - or _)"],
  "save.confirm": ["保存", "Save"],
  "save.close": ["关闭", "Close"],
  "save.download": ["下载 TOML", "Download TOML"],
  "save.badname": ["名称只能含字母、数字、- 和 _", "use only letters, digits, - and _"],
  "save.saved": ["已保存为", "saved as"],
  "error.server": ["服务器错误", "server error"],
};

const GROUPS = {
  strategy: ["战略", "Strategy"],
  technology: ["技术", "Technology"],
  organisation: ["组织", "Organisation"],
  institution: ["制度", "Institution"],
};

const TIERS = {
  street: ["街道", "street"],
  district: ["区县", "district"],
  city: ["市", "city"],
  province: ["省", "province"],
};

const METRICS = {
  resolution_rate: ["解决率", "Resolution rate"],
  satisfaction_rate: ["满意率", "Satisfaction rate"],
  response_rate: ["响应率", "Response rate"],
  within_limit_share: ["按时办结率", "Closed within limit"],
  lead_time_p50_h: ["办理时长中位数", "Lead time, median"],
  lead_time_p90_h: ["办理时长P90", "Lead time, P90"],
  lead_time_mean_h: ["办理时长均值", "Lead time, mean"],
  coord_cost_h: ["协调成本", "Coordination cost"],
  visits_per_case: ["跑动次数", "Visits per case"],
  abandoned_share: ["放弃率", "Abandoned share"],
  coord_handoff_h: ["转办", "hand-off"],
  coord_meeting_h: ["会商", "meeting"],
  coord_return_h: ["退回", "return"],
  coord_leader_h: ["领导批示", "leader"],
  coord_cross_h: ["跨省", "cross-province"],
  closed: ["办结量", "Closed"],
  overdue: ["超期", "Overdue"],
  backlog: ["积压", "Backlog"],
  staff: ["人员", "Staff"],
  score: ["三率均值", "3-rate mean"],
};

const TYPES = {
  compound_item: ["综合事项", "compound item"],
  consultation: ["咨询", "consultation"],
  cross_item: ["跨省事项", "cross-province item"],
  data_update: ["数据更新", "data update"],
  grid_report: ["网格上报", "grid report"],
  instant_item: ["即办事项", "instant item"],
  local_complaint: ["属地投诉", "local complaint"],
  online_item: ["网办事项", "online item"],
  promise_item: ["承诺事项", "promise item"],
  sectoral_complaint: ["行业投诉", "sectoral complaint"],
  suggestion: ["建议", "suggestion"],
  urgent: ["紧急诉求", "urgent"],
  utilities: ["公用事业", "utilities"],
};

const CROSS_MODES = {
  online: ["全程网办", "online"],
  proxy: ["代收代办", "proxy"],
  joint: ["两地联办", "joint"],
  trip_home: ["回原籍办", "trip home"],
};

// Levers by their path, with TIER standing for any tier.
const LEVERS = {
  "strategy.leader_engagement": ["领导参与度", "Leader engagement"],
  "strategy.leader_decision_h": ["领导批示用时", "Leader decision time"],
  "strategy.escalate_after_returns": ["退回几次后上报", "Escalate after returns"],
  "strategy.rehandle": ["重办比例", "Re-handle share"],
  "strategy.max_rehandles": ["最多重办次数", "Max re-handles"],
  "strategy.leader_priority": ["领导督办优先级", "Leader priority"],
  "strategy.deadline_priority_h": ["临期提级窗口", "Deadline priority window"],
  "strategy.expedite_at": ["催办阈值", "Expedite at"],
  "technology.data_sharing.TIER": ["数据共享率", "Data sharing"],
  "technology.online_share": ["网办比例", "Online share"],
  "technology.result_delivery": ["结果免跑送达", "Result delivery"],
  "technology.sharing_speedup": ["共享提速", "Sharing speed-up"],
  "organization.generalist_windows": ["综合窗口（一窗通办）", "Generalist windows"],
  "organization.generalist_slowdown": ["综合窗口减速系数", "Generalist slowdown"],
  "organization.handoff_h": ["转办用时", "Hand-off time"],
  "organization.handoff_cost_h": ["转办成本", "Hand-off cost"],
  "organization.bureau_handoff_factor": ["审批局转办系数", "Bureau hand-off factor"],
  "organization.bureau_return_factor": ["审批局退回系数", "Bureau return factor"],
  "organization.join_h": ["联审用时", "Joint review time"],
  "organization.join_cost_h": ["联审成本", "Joint review cost"],
  "organization.summons_join_h": ["吹哨报到用时", "Summons join time"],
  "organization.summons_join_cost_h": ["吹哨报到成本", "Summons join cost"],
  "institution.return_probability": ["退回概率", "Return probability"],
  "institution.return_solve_factor": ["退回后解决系数", "Solve factor after return"],
  "institution.three_lists": ["三张清单", "Three lists"],
  "institution.three_lists_factor": ["三张清单系数", "Three-lists factor"],
  "institution.standardization": ["标准化程度", "Standardisation"],
  "institution.accept_incomplete": ["容缺受理", "Accept incomplete"],
  "institution.sharing_willingness": ["共享意愿", "Sharing willingness"],
  "institution.negative_list": ["负面清单比例", "Negative list share"],
  "institution.negative_list_lifted": ["负面清单解除比例", "Negative list lifted"],
  "tiers.TIER.design": ["审批组织方式", "Approval design"],
  "tiers.TIER.leader_capacity": ["领导批示容量", "Leader capacity"],
};

const VALUES = {
  fragmented: ["分散审批", "fragmented"],
  joint_review: ["联合审批", "joint review"],
  approval_bureau: ["行政审批局", "approval bureau"],
};

const listeners = [];
let current = initialLang();

function initialLang() {
  const stored = localStorage.getItem(STORE_KEY);
  if (stored === "zh" || stored === "en") return stored;
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
}

function pick(pair, fallback) {
  if (!pair) return fallback;
  return current === "zh" ? pair[0] : pair[1];
}

// "organization.generalist_windows" → "generalist windows"
function humanise(path) {
  const last = path.split(".").pop();
  return last.replace(/_h$/, "").replace(/_/g, " ");
}

export const lang = () => current;

export function setLang(next) {
  if (next === current) return;
  current = next;
  localStorage.setItem(STORE_KEY, next);
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.push(fn);
}

export const t = (key) => pick(TEXT[key], key);
export const groupLabel = (g) => pick(GROUPS[g], g);
// The group in the other language too: headings show both.
export const groupLabelOther = (g) => (GROUPS[g] ? GROUPS[g][current === "zh" ? 1 : 0] : "");
export const tierLabel = (tier) => pick(TIERS[tier], tier);
export const metricLabel = (m) => pick(METRICS[m], m);
export const typeLabel = (name) => pick(TYPES[name], name);
export const crossModeLabel = (name) => pick(CROSS_MODES[name], name);
export const valueLabel = (v) => pick(VALUES[v], String(v));
export const leverLabel = (template) => pick(LEVERS[template], humanise(template));

// Fills every element under root that names a text key: data-i18n sets the text, data-i18n-title
// the tooltip.
export function applyStatic(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
}
