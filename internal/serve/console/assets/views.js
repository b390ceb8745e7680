// views.js: the findings, alerts, rules and tables views.

import { get, post } from "./api.js";
import { Grid, text, parseTime } from "./grid.js";
import { drawChart } from "./chart.js";

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    if (k === "class") e.className = attrs[k];
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), attrs[k]);
    else e.setAttribute(k, attrs[k]);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
  return e;
}

function table(headers, rows) {
  const t = h("table");
  const hr = t.createTHead().insertRow();
  for (const name of headers) hr.appendChild(h("th", {}, name));
  const b = t.createTBody();
  for (const r of rows) {
    const tr = b.insertRow();
    for (const c of r) {
      const td = tr.insertCell();
      td.append(c instanceof Node ? c : text(c));
    }
  }
  return t;
}

// plural returns "1 rule", "2 rules".
function plural(n, word) {
  return `${n} ${n === 1 ? word : word + "s"}`;
}

function showError(status, e) {
  status.replaceChildren(h("span", { class: "error" }, e.message));
}

// entityValues returns the values of a finding's or alert's entities of
// the given types (Host entities name devices).
function entityValues(entities, types) {
  const out = [];
  for (const e of entities || []) {
    if (typeof e === "string") continue;
    const t = (e.type || e.Type || "").toLowerCase();
    if (types.includes(t)) out.push(e.value ?? e.Value);
  }
  return out;
}

const steps = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400].map((s) => s * 1000);

// countsOverTime bins items (with .time and .rule) so that there are at
// most 60 bins, filling empty bins with zeros, as rows for a timechart.
export function countsOverTime(items) {
  const ts = items.map((it) => parseTime(it.time)).filter((t) => !isNaN(t));
  if (ts.length === 0) return null;
  const lo = Math.min(...ts), hi = Math.max(...ts);
  const step = steps.find((s) => (hi - lo) / s <= 60) || steps[steps.length - 1];
  const first = Math.floor(lo / step) * step, last = Math.floor(hi / step) * step;
  const rules = [...new Set(items.map((it) => it.rule))].sort();
  const counts = new Map();
  for (const it of items) {
    const t = parseTime(it.time);
    if (isNaN(t)) continue;
    const k = Math.floor(t / step) * step + "\u0000" + it.rule;
    counts.set(k, (counts.get(k) || 0) + 1);
  }
  const rows = [];
  for (let b = first; b <= last; b += step) {
    for (const r of rules) rows.push([new Date(b).toISOString(), r, counts.get(b + "\u0000" + r) || 0]);
  }
  return { rows, step };
}

function stepName(ms) {
  const s = ms / 1000;
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  return `${s / 60} min`;
}

// EventsView is the findings or the alerts view.
export class EventsView {
  constructor(section, kind, onCell) {
    this.section = section;
    this.kind = kind; // "findings" or "alerts"
    this.form = section.querySelector("form");
    this.status = section.querySelector(".status");
    this.chart = section.querySelector(".chart");
    this.summary = section.querySelector(".summary");
    this.grid = new Grid(section.querySelector(".list"), onCell);
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.load();
    });
    const hunt = this.form.querySelector(".hunt");
    if (hunt) hunt.addEventListener("click", () => this.hunt());
  }

  params() {
    const q = new URLSearchParams();
    for (const input of this.form.querySelectorAll("input")) if (input.value.trim()) q.set(input.name, input.value.trim());
    return q;
  }

  // filter sets one filter and shows the result.
  filter(name, value) {
    this.form.elements[name].value = value;
    this.load();
  }

  async hunt() {
    const body = {};
    const from = this.form.elements.from.value.trim(), to = this.form.elements.to.value.trim();
    if (from) body.from = from;
    if (to) body.to = to;
    if (this.form.elements.rule.value.trim()) body.rules = [this.form.elements.rule.value.trim()];
    this.status.textContent = "hunting…";
    try {
      const ans = await post("/api/hunt", body);
      const errs = (ans.errors || []).length ? ` (${ans.errors.join("; ")})` : "";
      await this.load();
      this.status.prepend(`the hunt ran ${plural(ans.rules, "rule")} and found ${plural((ans.findings || []).length, "finding")}${errs}. `);
    } catch (e) {
      showError(this.status, e);
    }
  }

  async load() {
    const q = this.params();
    this.status.textContent = "loading…";
    let ans;
    try {
      ans = await get(`/api/${this.kind}${q.toString() ? "?" + q : ""}`);
    } catch (e) {
      showError(this.status, e);
      return;
    }
    // Newest first.
    const when = (x) => parseTime(this.kind === "findings" ? x.time : x.windowEnd || x.created) || 0;
    const list = ((ans && ans[this.kind]) || []).slice().sort((a, b) => when(b) - when(a));
    const items = list.map((x) => this.kind === "findings" ? {
      time: x.time, rule: x.ruleName || x.rule, ruleId: x.rule, severity: x.severity,
      devices: x.device ? [x.device] : entityValues(x.entities, ["host", "device"]), x,
    } : {
      time: x.windowEnd || x.created, rule: x.ruleName || x.rule, ruleId: x.rule, severity: x.severity,
      devices: entityValues(x.entities, ["host", "device"]), x,
    });
    this.status.replaceChildren(h("span", { class: "count" }, plural(list.length, this.kind.slice(0, -1))));
    // The time chart of counts per rule.
    const c = countsOverTime(items);
    if (c) {
      drawChart(this.chart, {
        kind: "timechart", title: `${this.kind} per ${stepName(c.step)}, by rule`, xcolumn: "time", ycolumns: ["count"], series: ["rule"],
      }, [{ name: "time", type: "datetime" }, { name: "rule", type: "string" }, { name: "count", type: "long" }], c.rows);
    } else {
      this.chart.replaceChildren();
    }
    // Counts per rule and per device.
    const perRule = new Map(), perDevice = new Map();
    for (const it of items) {
      const r = perRule.get(it.ruleId) || { name: it.rule, severity: it.severity, n: 0 };
      r.n++;
      perRule.set(it.ruleId, r);
      for (const d of it.devices) perDevice.set(d, (perDevice.get(d) || 0) + 1);
    }
    const link = (s, f) => h("span", { class: "link", onclick: f }, s);
    this.summary.replaceChildren(
      h("div", { class: "per-rule" }, h("h3", {}, "per rule"), table(["rule", "severity", this.kind],
        [...perRule.entries()].sort((a, b) => b[1].n - a[1].n).map(([id, r]) => [link(r.name, () => this.filter("rule", id)), r.severity, r.n]))),
      h("div", { class: "per-device" }, h("h3", {}, "per device"), table(["device", this.kind],
        [...perDevice.entries()].sort((a, b) => b[1] - a[1]).map(([d, n]) => [link(d, () => this.filter("device", d)), n]))),
    );
    // The list itself.
    if (this.kind === "findings") {
      this.grid.show([
        { name: "time", type: "datetime" }, { name: "rule", type: "string" }, { name: "severity", type: "string" },
        { name: "device", type: "string" }, { name: "entities", type: "dynamic" }, { name: "row", type: "dynamic" },
      ], list.map((f) => [f.time, f.ruleName || f.rule, f.severity, f.device || "", f.entities || [], f.row || {}]));
    } else {
      this.grid.show([
        { name: "windowEnd", type: "datetime" }, { name: "rule", type: "string" }, { name: "severity", type: "string" },
        { name: "windowStart", type: "datetime" }, { name: "entities", type: "dynamic" }, { name: "rows", type: "long" },
        { name: "delivered", type: "bool" }, { name: "created", type: "datetime" }, { name: "id", type: "string" },
      ], list.map((a) => [a.windowEnd, a.ruleName || a.rule, a.severity, a.windowStart, a.entities || [], (a.rows || []).length,
        a.delivered, a.created, a.id]));
    }
  }
}

// RulesView lists the rules with their validation, schedule and
// suppression counts; clicking a rule shows its findings.
export class RulesView {
  constructor(section, onRule, onQuery) {
    this.status = section.querySelector(".status");
    this.list = section.querySelector(".list");
    this.onRule = onRule;
    this.onQuery = onQuery;
  }

  async load() {
    this.status.textContent = "loading…";
    let ans;
    try {
      ans = await get("/api/rules");
    } catch (e) {
      showError(this.status, e);
      return;
    }
    const rules = (ans && ans.rules) || [];
    const invalid = rules.filter((r) => !r.valid).length;
    this.status.textContent = plural(rules.length, "rule") + (invalid ? `, ${invalid} invalid` : "");
    const rows = rules.map((r) => {
      const valid = r.valid ? h("span", { class: "valid" }, "valid")
        : h("span", { class: "invalid", title: (r.diagnostics || []).join("\n") }, "invalid: " + (r.diagnostics || []).join("; "));
      const schedule = r.scheduled ? `every ${r.queryFrequency} over ${r.queryPeriod}, alert when count ${r.triggerOperator} ${r.triggerThreshold}` : "not scheduled";
      let suppressed = r.suppressed === null || r.suppressed === undefined ? "not run yet" : String(r.suppressed);
      if (r.exclusions && r.exclusions.length) suppressed += ` (${r.exclusions.map((e) => `${e.name}: ${e.rows}`).join(", ")})`;
      // The last run: what it found, or why it could not find anything.
      const run = [];
      if (typeof r.findings === "number") run.push(plural(r.findings, "finding"));
      if (r.blind) run.push(h("span", { class: "invalid" }, "blind: " + r.blind));
      if (r.notEvaluated) run.push(h("span", { class: "invalid" }, "not evaluated: " + r.notEvaluated));
      const lastRun = h("span", { class: "last-run" }, ...run.flatMap((x, i) => (i ? ["; ", x] : [x])));
      const last = r.lastError ? h("span", { class: "invalid", title: r.lastError }, `${r.lastWindowEnd || ""} failed: ${r.lastError}`) : r.lastWindowEnd || "";
      return [
        h("span", {}, h("span", { class: "link", onclick: () => this.onRule(r.id) }, r.name || r.id),
          r.query ? h("span", { class: "link open-query", title: "put the rule's query in the editor", onclick: () => this.onQuery(r.query) }, " (query)") : null),
        h("span", { class: "sev-" + String(r.severity || "").toLowerCase() }, r.severity || ""),
        valid, schedule, suppressed, lastRun, last, r.nextRun || "",
        [...(r.tactics || []), ...(r.techniques || [])].join(", "), r.file || "",
      ];
    });
    const t = table(["rule", "severity", "validation", "schedule", "suppressed by exclusions", "last run", "last window end", "next run", "tactics, techniques", "file"], rows);
    t.querySelectorAll("tbody tr").forEach((tr, i) => (tr.dataset.rule = rules[i].id));
    this.list.replaceChildren(t);
  }
}

// TablesView lists the tables and their schemas; clicking a table's name
// puts `Table | take 100` in the editor.
export class TablesView {
  constructor(section, onTable) {
    this.status = section.querySelector(".status");
    this.list = section.querySelector(".list");
    this.filter = section.querySelector(".filter");
    this.onTable = onTable;
    this.filter.addEventListener("input", () => this.applyFilter());
  }

  // applyFilter shows the tables whose name, or one of whose columns,
  // holds the filter's text.
  applyFilter() {
    const f = this.filter.value.trim().toLowerCase();
    for (const li of this.list.querySelectorAll("li[data-table]")) {
      li.hidden = f !== "" && !li.dataset.search.includes(f);
    }
  }

  async load() {
    this.status.textContent = "loading…";
    let ans;
    try {
      ans = await get("/api/tables");
    } catch (e) {
      showError(this.status, e);
      return;
    }
    const tables = (ans && ans.tables) || [];
    this.status.textContent = `${plural(tables.length, "table")}, ${tables.filter((t) => t.rows > 0).length} with data`;
    const items = tables.map((t) => {
      const cols = t.columns || [];
      const schema = h("div", { class: "schema", hidden: "" }, cols.map((c) => `${c.name}: ${c.type}`).join(", "));
      const toggle = h("span", { class: "link toggle", onclick: () => (schema.hidden = !schema.hidden) }, `${cols.length} columns`);
      return h("li", { "data-table": t.name, "data-search": [t.name, ...cols.map((c) => c.name)].join(" ").toLowerCase() },
        h("a", { class: "link table-name", href: "#query", onclick: (e) => { e.preventDefault(); this.onTable(t.name); } }, t.name),
        ` · ${plural(t.rows, "row")} · `, toggle, schema);
    });
    this.list.replaceChildren(h("ul", { class: "tables" }, ...items));
    this.applyFilter();
  }
}
