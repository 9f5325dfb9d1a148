// SPDX-License-Identifier: MIT
// The lever panel: one control per lever of the schema (keys with a group), showing the
// baseline's resolved value, collecting the changes as {PATH: value} — PATH is
// provinces.NAME.KEY while a province is selected — and showing validation errors beside them.

import { t, leverLabel, groupLabel, groupLabelOther, tierLabel, valueLabel } from "./i18n.js";

export const TIERS = ["street", "district", "city", "province"];
const GROUP_ORDER = ["strategy", "technology", "organisation", "institution"];
const CONTROL_TYPES = new Set(["boolean", "choice", "number", "integer"]);

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child != null) node.append(child);
  return node;
};

// Strips the loader's "FILE:LINE:COL: error: " (or "<command line>: error: ") prefix: it names
// no file of the planner's.
export const shortMessage = (message) =>
  message.replace(/^.*?(?::\d+:\d+)?:\s*error:\s*/, "");

// Schema keys → blocks of controls. A block is one lever: a TIER template (tiers.TIER.design,
// or concrete keys ending in a tier like technology.data_sharing.street) gives a row per tier.
// Keys templated on anything else (DEPT, NAME, CHANNEL) are tables: no control.
export function leverBlocks(schema) {
  const blocks = new Map();
  for (const key of schema) {
    if (!key.group || !CONTROL_TYPES.has(key.type)) continue;
    const parts = key.path.split(".");
    const holders = parts.filter((p) => /^[A-Z]+$/.test(p));
    if (holders.some((p) => p !== "TIER")) continue;
    let template = key.path;
    let rows;
    if (holders.length) {
      rows = TIERS.map((tier) => ({ path: key.path.replace("TIER", tier), tier }));
    } else if (TIERS.includes(parts.at(-1))) {
      template = [...parts.slice(0, -1), "TIER"].join(".");
      rows = [{ path: key.path, tier: parts.at(-1) }];
    } else {
      rows = [{ path: key.path, tier: null }];
    }
    if (!blocks.has(template)) blocks.set(template, { template, group: key.group, key, rows: [] });
    blocks.get(template).rows.push(...rows.map((r) => ({ ...r, key })));
  }
  for (const block of blocks.values()) {
    block.rows.sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier));
  }
  return [...blocks.values()].sort(
    (a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));
}

function schemaDefault(key, tier) {
  const d = key.default;
  if (d && typeof d === "object" && !Array.isArray(d)) return tier ? d[tier] ?? null : null;
  return d ?? null;
}

function sameValue(a, b) {
  if (a == null || b == null) return a == null && b == null;
  if (typeof a === "number" || typeof b === "number") return Number(a) === Number(b);
  return a === b;
}

function rangeText(key) {
  const parts = [];
  if (key.min != null) parts.push(`${key.min_exclusive ? ">" : "≥"} ${key.min}`);
  if (key.max != null) parts.push(`${key.max_exclusive ? "<" : "≤"} ${key.max}`);
  return parts.join(", ");
}

export class LeverPanel {
  constructor(root, onChange) {
    this.root = root;
    this.onChange = onChange;
    this.blocks = [];
    this.levers = {};
    this.province = "";
    this.set = {};
    this.errors = [];
    this.controls = new Map(); // concrete path → {input, row, error, key}
  }

  setSchema(schema) {
    this.blocks = leverBlocks(schema);
  }

  // A new baseline drops every change.
  setScenario(scenario) {
    this.levers = scenario.levers || {};
    this.province = "";
    this.set = {};
    this.errors = [];
    this.render();
  }

  setProvince(province) {
    this.province = province;
    this.render();
  }

  sentPath(path) {
    return this.province ? `provinces.${this.province}.${path}` : path;
  }

  // The value the run would use without this view's own edit of the path.
  underlying(path, key, tier) {
    if (this.province) {
      const own = `provinces.${this.province}.${path}`;
      if (own in this.levers) return this.levers[own];
      if (path in this.set) return this.set[path];
    }
    return path in this.levers ? this.levers[path] : schemaDefault(key, tier);
  }

  current(path, key, tier) {
    const sent = this.sentPath(path);
    return sent in this.set ? this.set[sent] : this.underlying(path, key, tier);
  }

  reset() {
    this.set = {};
    this.render();
    this.onChange();
  }

  revert(sentPath) {
    delete this.set[sentPath];
    this.render();
    this.onChange();
  }

  render() {
    this.controls.clear();
    this.root.replaceChildren();
    let group = null;
    let section = null;
    for (const block of this.blocks) {
      if (block.group !== group) {
        group = block.group;
        section = el("details", { open: true, className: "lever-group" });
        section.dataset.testid = `group-${group}`;
        section.append(el("summary", {},
          el("span", { textContent: groupLabel(group) }),
          el("span", { className: "other-lang", textContent: groupLabelOther(group) })));
        this.root.append(section);
      }
      section.append(this.renderBlock(block));
    }
    this.applyErrors();
  }

  renderBlock(block) {
    const { key } = block;
    const tip = [key.doc, rangeText(key) && `${t("lever.range")}: ${rangeText(key)}`]
      .filter(Boolean).join("\n");
    const head = el("div", { className: "lever-head", title: tip },
      el("span", { className: "lever-label", textContent: leverLabel(block.template) }),
      key.unit ? el("span", { className: "unit", textContent: key.unit }) : null,
      el("code", { className: "lever-path", textContent: block.template }));
    // One control sits beside its label; a tier lever has a grid of one control per tier.
    const single = block.rows.length === 1 && !block.rows[0].tier;
    const box = el("div", { className: single ? "lever single" : "lever" }, head);
    const grid = key.type === "choice" ? "tier-grid one" : "tier-grid";
    const cells = single ? box : box.appendChild(el("div", { className: grid }));
    for (const row of block.rows) cells.append(this.renderRow(row, block.template));
    return box;
  }

  renderRow({ path, tier, key }, template) {
    const value = this.current(path, key, tier);
    const disabled = Boolean(this.province) && !key.per_province;
    let input;
    if (key.type === "boolean") {
      input = el("input", { type: "checkbox", checked: Boolean(value) });
    } else if (key.type === "choice") {
      input = el("select");
      for (const option of key.allowed || []) {
        input.append(el("option", { value: option, textContent: valueLabel(option) }));
      }
      input.value = value ?? "";
    } else {
      input = el("input", { type: "number", value: value ?? "" });
      if (key.min != null) input.min = key.min;
      if (key.max != null) input.max = key.max;
      input.step = key.type === "integer" ? "1" : key.max != null && key.max <= 1 ? "0.01" : "any";
      const fallback = schemaDefault(key, tier);
      input.placeholder = fallback == null ? "—" : String(fallback);
    }
    input.dataset.testid = `lever-${path}`;
    input.disabled = disabled;
    input.title = disabled ? t("lever.province_only") : path;
    input.setAttribute("aria-label", `${leverLabel(template)} ${tier ? tierLabel(tier) : ""}`.trim());
    input.addEventListener(key.type === "number" || key.type === "integer" ? "input" : "change",
      () => this.edited(path, key, tier, input));

    const row = el("div", { className: "lever-row" });
    if (tier) row.append(el("span", { className: "tier-tag", textContent: tierLabel(tier) }));
    row.append(input);
    if (this.sentPath(path) in this.set) row.classList.add("changed");
    const error = el("div", { className: "lever-error" });
    error.dataset.testid = `error-${path}`;
    this.controls.set(path, { input, row, error, key });
    return el("div", { className: "lever-cell" }, row, error);
  }

  edited(path, key, tier, input) {
    let value;
    if (key.type === "boolean") value = input.checked;
    else if (key.type === "choice") value = input.value;
    else value = input.value.trim() === "" ? null : Number(input.value);
    const sent = this.sentPath(path);
    if (value == null || sameValue(value, this.underlying(path, key, tier))) delete this.set[sent];
    else this.set[sent] = value;
    this.controls.get(path).row.classList.toggle("changed", sent in this.set);
    this.onChange();
  }

  // Errors of the validator: beside the control they name when it is on screen.
  showErrors(errors) {
    this.errors = errors;
    this.applyErrors();
  }

  applyErrors() {
    for (const { error, row } of this.controls.values()) {
      error.textContent = "";
      row.classList.remove("invalid");
    }
    const prefix = this.province ? `provinces.${this.province}.` : "";
    for (const { key, message } of this.errors) {
      if (!key) continue;
      let path = key;
      if (prefix) {
        if (!key.startsWith(prefix)) continue;
        path = key.slice(prefix.length);
      } else if (key.startsWith("provinces.")) continue;
      const control = this.controls.get(path);
      if (!control) continue;
      control.error.textContent = shortMessage(message);
      control.error.title = message;
      control.row.classList.add("invalid");
    }
  }

  renderChanges(list) {
    list.replaceChildren();
    const entries = Object.entries(this.set);
    if (!entries.length) {
      list.append(el("li", { className: "muted", textContent: t("changes.none") }));
      return;
    }
    for (const [path, value] of entries) {
      const revert = el("button", { type: "button", className: "chip-x", textContent: "×",
        title: t("changes.revert") });
      revert.dataset.testid = `revert-${path}`;
      revert.addEventListener("click", () => this.revert(path));
      const shown = typeof value === "string" ? valueLabel(value) : String(value);
      list.append(el("li", { className: "chip" },
        el("code", { textContent: path }), el("span", { textContent: ` = ${shown}` }), revert));
    }
  }
}
