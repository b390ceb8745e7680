// app.js: the console's page: the tabs, the token field, the query view
// (editor, results grid, chart) and the other views.

import { get, post, token, setToken, onUnauthorized } from "./api.js";
import { Editor } from "./editor.js";
import { Grid, csv } from "./grid.js";
import { drawChart, pickable } from "./chart.js";
import { EventsView, RulesView, TablesView } from "./views.js";

const $ = (id) => document.getElementById(id);

const dialog = $("cell-dialog");
function showCell(name, value) {
  let v = value;
  try {
    v = JSON.stringify(JSON.parse(value), null, 2);
  } catch (e) {
    // not JSON: shown as it is
  }
  dialog.querySelector("pre").textContent = v;
  dialog.dataset.column = name;
  dialog.showModal();
}

// The token field.
const tokenInput = $("token");
tokenInput.value = token();
tokenInput.addEventListener("change", () => {
  setToken(tokenInput.value.trim());
  $("auth-banner").hidden = true;
  tokenInput.classList.remove("wanted");
  show(current, true);
});
$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  tokenInput.dispatchEvent(new Event("change"));
});
// A 401 shows the banner and marks the token field; it does not take the
// focus, which may be in the editor (checks run as you type).
onUnauthorized(() => {
  $("auth-banner").hidden = false;
  tokenInput.classList.add("wanted");
});

// The query view.
const status = $("status");
const grid = new Grid($("grid"), showCell);
let last = null;
let running = null;

async function run(query) {
  if (running) running.abort();
  const ctl = new AbortController();
  running = ctl;
  const body = { query };
  const now = $("now").value.trim();
  if (now) body.now = now;
  status.textContent = "running…";
  status.dataset.state = "running";
  const started = performance.now();
  let ans;
  try {
    ans = await post("/api/query", body, ctl.signal);
  } catch (e) {
    if (e.name === "AbortError") return;
    status.replaceChildren(Object.assign(document.createElement("span"), { className: "error", textContent: e.message }));
    status.dataset.state = "error";
    if (e.diagnostics && e.diagnostics.length) editor.setDiagnostics(e.diagnostics);
    return;
  } finally {
    if (running === ctl) running = null;
  }
  last = ans;
  const cols = ans.columns || [], rows = ans.rows || [];
  const ms = ans.stats && typeof ans.stats.durationMs === "number" ? ans.stats.durationMs : Math.round(performance.now() - started);
  const parts = [];
  const count = document.createElement("span");
  count.className = "row-count";
  count.textContent = `${rows.length} ${rows.length === 1 ? "row" : "rows"}`;
  parts.push(count, ` in ${ms} ms · `);
  const copy = document.createElement("button");
  copy.type = "button";
  copy.id = "copy-csv";
  copy.textContent = "Copy as CSV";
  copy.addEventListener("click", () => copyCSV(copy));
  parts.push(copy);
  if (ans.truncated) {
    const t = document.createElement("div");
    t.className = "truncated";
    t.textContent = "the answer was cut at the server's limits (truncated): narrow the query to see every row";
    parts.push(t);
  }
  if (ans.warnings && ans.warnings.length) {
    const ul = document.createElement("ul");
    ul.className = "warnings";
    for (const w of ans.warnings) ul.appendChild(Object.assign(document.createElement("li"), { textContent: w }));
    parts.push(ul);
  }
  status.replaceChildren(...parts);
  status.dataset.state = "done";
  const chartEl = $("chart");
  if (!drawChart(chartEl, ans.chart, cols, rows) && ans.chart && ans.chart.kind && ans.chart.kind !== "table") {
    chartEl.textContent = `render ${ans.chart.kind}: the console draws timechart, linechart, areachart, scatterchart, barchart, columnchart and piechart; the rows are below`;
  }
  // Without a render, the rows can still be drawn: a picker offers the
  // charts that fit their columns.
  const picks = ans.chart ? [] : pickable(cols);
  if (picks.length && rows.length) {
    const pick = document.createElement("span");
    pick.id = "chart-pick";
    pick.append(" · chart: ");
    for (const c of picks) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.kind = c.kind;
      b.textContent = c.kind.replace("chart", "");
      b.title = `draw the rows as a ${c.kind} of ${c.ycolumns.join(", ")} by ${c.xcolumn}`;
      b.addEventListener("click", () => drawChart(chartEl, c, cols, rows));
      pick.appendChild(b);
    }
    status.insertBefore(pick, copy.nextSibling);
  }
  grid.show(cols, rows);
}

async function copyCSV(button) {
  if (!last) return;
  const text = csv(last.columns || [], grid.rows);
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch (e) {
    const ta = document.createElement("textarea");
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    ok = document.execCommand("copy");
    ta.remove();
  }
  button.textContent = ok ? `copied ${grid.rows.length} rows` : "the browser refused to copy";
  button.dataset.csv = text;
}

const editor = new Editor({
  input: $("editor-input"), layer: $("editor-hl"), popup: $("completion"), tip: $("diag-tip"), list: $("diagnostics"), onRun: run,
});
$("run").addEventListener("click", () => run(editor.value));

// The editor's text is kept for the tab, so that a reload keeps it.
const queryKey = "kqlhunt.query";
let touched = false;
let saveTimer = 0;
$("editor-input").addEventListener("input", () => {
  touched = true;
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => sessionStorage.setItem(queryKey, editor.value), 300);
});
$("editor-input").addEventListener("keydown", () => (touched = true));

// starter fills an empty editor, before the user types, with something
// to run: the query kept for the tab, else the first valid rule's query
// (when the server lists it), else the first table with data.
async function starter() {
  const kept = sessionStorage.getItem(queryKey);
  let text = kept || "";
  try {
    if (!text) {
      const rules = ((await get("/api/rules")) || {}).rules || [];
      const rule = rules.find((r) => r.valid && r.query);
      if (rule) text = rule.query.trim();
    }
    if (!text) {
      const tables = ((await get("/api/tables")) || {}).tables || [];
      const t = tables.find((t) => t.rows > 0);
      if (t) text = `${t.name} | take 100`;
    }
  } catch (e) {
    // no starter: the editor stays empty
  }
  if (text && !touched && editor.value === "") {
    editor.setValue(text);
    touched = false;
  }
}

// The other views.
const findings = new EventsView($("view-findings"), "findings", showCell);
const alerts = new EventsView($("view-alerts"), "alerts", showCell);
// toEditor shows the query view and puts text in the editor. The editor
// must be shown before the text goes in, for the insertion to be
// undoable.
function toEditor(text) {
  location.hash = "#query";
  show("query");
  editor.setValue(text);
}
const rules = new RulesView($("view-rules"), (id) => {
  findings.form.elements.rule.value = id;
  location.hash = "#findings";
}, (query) => toEditor(query.trim()));
const tables = new TablesView($("view-tables"), (name) => toEditor(`${name} | take 100`));
const loaders = { findings, alerts, rules, tables };

let current = "";
function show(view, reload) {
  if (!loaders[view] && view !== "query") view = "query";
  if (view === current && !reload) return;
  current = view;
  for (const s of document.querySelectorAll("section.view")) s.hidden = s.id !== "view-" + view;
  for (const a of document.querySelectorAll("#tabs a")) a.classList.toggle("active", a.dataset.view === view);
  if (loaders[view]) loaders[view].load();
  else editor.focus();
}
window.addEventListener("hashchange", () => show(location.hash.slice(1), true));
show(location.hash.slice(1) || "query");
starter().finally(() => (document.body.dataset.started = "true"));
document.body.dataset.ready = "true";
