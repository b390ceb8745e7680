// chart.js: charts for `render` drawn as inline SVG: timechart (and
// linechart, areachart, scatterchart) as lines over x, barchart and
// columnchart as grouped bars, piechart as slices; each with its axes,
// labels and a legend. The chart field of /api/query names the kind, the
// title, the x column, the y columns and the series columns; what it
// leaves out is chosen as Kusto does: x is the first datetime column for
// a timechart (else the first column), y the numeric columns, series
// the other columns.

import { text, parseTime } from "./grid.js";

const NS = "http://www.w3.org/2000/svg";
const numeric = new Set(["int", "long", "real", "double", "decimal"]);
// Tableau 10, as the HTML report's chart.
export const colors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const lineKinds = new Set(["timechart", "linechart", "areachart", "scatterchart", "anomalychart"]);
// maxPoints bounds the points drawn as circles (the line has them all).
const maxPoints = 400;

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function label(parent, x, y, s, attrs) {
  const t = el("text", Object.assign({ x, y }, attrs || {}), parent);
  t.textContent = s;
  return t;
}

// chartable says whether drawChart draws kind.
export function chartable(kind) {
  return lineKinds.has(kind) || kind === "barchart" || kind === "columnchart" || kind === "piechart";
}

// resolve picks the x, y and series columns of chart over columns
// (chart.noSeries, set by the console's chart picker, asks for none).
export function resolve(chart, columns) {
  const idx = (name) => columns.findIndex((c) => c.name === name);
  let x = chart.xcolumn ? idx(chart.xcolumn) : -1;
  if (x < 0) {
    if (chart.kind === "timechart") x = columns.findIndex((c) => c.type === "datetime");
    if (x < 0 && chart.kind === "piechart") x = columns.findIndex((c) => !numeric.has(c.type));
    if (x < 0) x = 0;
  }
  let ys = (chart.ycolumns || []).map(idx).filter((i) => i >= 0 && i !== x);
  if (ys.length === 0) ys = columns.map((c, i) => i).filter((i) => i !== x && numeric.has(columns[i].type));
  let series = (chart.series || []).map(idx).filter((i) => i >= 0 && i !== x && !ys.includes(i));
  if ((!chart.series || chart.series.length === 0) && !chart.noSeries) {
    series = columns.map((c, i) => i).filter((i) => i !== x && !ys.includes(i) && !numeric.has(columns[i].type) && columns[i].type !== "datetime");
  }
  return { x, ys, series };
}

// nice returns about n round tick values covering lo..hi.
export function ticks(lo, hi, n) {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / n;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const timeSteps = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 30 * 86400, 365 * 86400].map((s) => s * 1000);

function timeTicks(lo, hi, n) {
  const step = timeSteps.find((s) => (hi - lo) / s <= n) || timeSteps[timeSteps.length - 1];
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(v);
  return { ticks: out, step };
}

function timeLabel(ms, step) {
  const iso = new Date(ms).toISOString(); // 2025-03-04T08:00:00.000Z
  if (step >= 86400000) return iso.slice(0, 10);
  if (step >= 60000) return iso.slice(5, 10) + " " + iso.slice(11, 16);
  return iso.slice(11, 19);
}

function numLabel(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toPrecision(3).replace(/\.?0+$/, "") + "G";
  if (a >= 1e6) return (v / 1e6).toPrecision(3).replace(/\.?0+$/, "") + "M";
  if (a >= 1e4) return (v / 1e3).toPrecision(3).replace(/\.?0+$/, "") + "k";
  return String(Number(v.toPrecision(6)));
}

// drawChart draws chart (the chart field of /api/query) over columns and
// rows into container; it returns false, drawing nothing, for a kind it
// does not draw or rows it cannot chart.
export function drawChart(container, chart, columns, rows) {
  container.replaceChildren();
  if (!chart || !chartable(chart.kind) || !columns.length) return false;
  const r = resolve(chart, columns);
  if (r.ys.length === 0) return false;
  const W = 860, H = chart.kind === "piechart" ? 320 : 340;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", class: "chart-" + chart.kind, "data-kind": chart.kind });
  const title = chart.title || "";
  if (title) label(svg, 10, 18, title, { class: "title" });
  const groups = seriesOf(chart, columns, rows, r);
  if (chart.kind === "piechart") pie(svg, groups, W, H);
  else if (lineKinds.has(chart.kind)) lines(svg, chart, columns, groups, r, W, H);
  else bars(svg, chart.kind === "barchart", groups, W, H);
  container.appendChild(svg);
  return true;
}

// seriesOf returns the series to draw: [{name, points: [{x, y, label}]}],
// one per series value and y column.
function seriesOf(chart, columns, rows, r) {
  const byName = new Map();
  const xType = columns[r.x].type;
  for (const row of rows) {
    const key = r.series.map((i) => text(row[i])).join(" / ");
    const xv = row[r.x];
    let x;
    if (xType === "datetime") x = parseTime(xv);
    else if (numeric.has(xType)) x = Number(xv);
    else x = NaN;
    for (const yi of r.ys) {
      const name = key ? (r.ys.length > 1 ? `${key} · ${columns[yi].name}` : key) : columns[yi].name;
      if (!byName.has(name)) byName.set(name, { name, points: [] });
      const yv = row[yi];
      if (yv === null || yv === undefined) continue;
      byName.get(name).points.push({ x, y: Number(yv), label: xv === null || xv === undefined || xv === "" ? "(empty)" : text(xv) });
    }
  }
  return [...byName.values()];
}

function legend(svg, names, x, y) {
  const g = el("g", { class: "legend" }, svg);
  names.slice(0, 16).forEach((n, i) => {
    el("rect", { x, y: y + i * 18, width: 10, height: 10, fill: colors[i % colors.length] }, g);
    label(g, x + 16, y + i * 18 + 9, n.length > 28 ? n.slice(0, 27) + "…" : n).appendChild(titleOf(n));
  });
  if (names.length > 16) label(g, x, y + 16 * 18 + 9, `and ${names.length - 16} more`);
  return g;
}

function titleOf(s) {
  const t = document.createElementNS(NS, "title");
  t.textContent = s;
  return t;
}

function lines(svg, chart, columns, groups, r, W, H) {
  const L = 64, R = 230, T = 30, B = 44;
  const pw = W - L - R, ph = H - T - B;
  const isTime = columns[r.x].type === "datetime";
  const all = groups.flatMap((g) => g.points).filter((p) => !isNaN(p.x) && isFinite(p.y));
  if (all.length === 0) {
    label(svg, L, T + 20, "no points to draw");
    return;
  }
  let x0 = Math.min(...all.map((p) => p.x)), x1 = Math.max(...all.map((p) => p.x));
  if (x1 === x0) { x0 -= isTime ? 3600000 : 1; x1 += isTime ? 3600000 : 1; }
  let y0 = Math.min(0, ...all.map((p) => p.y)), y1 = Math.max(...all.map((p) => p.y));
  const yt = ticks(y0, y1, 5);
  y0 = Math.min(y0, yt[0]);
  y1 = Math.max(y1, yt[yt.length - 1]);
  if (y1 === y0) y1 = y0 + 1;
  const sx = (x) => L + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y) => T + ph - ((y - y0) / (y1 - y0)) * ph;
  const axis = el("g", { class: "axis" }, svg);
  for (const v of yt) {
    el("line", { x1: L, x2: L + pw, y1: sy(v), y2: sy(v), class: "gridline" }, axis);
    label(axis, L - 6, sy(v) + 4, numLabel(v), { "text-anchor": "end" });
  }
  const xt = isTime ? timeTicks(x0, x1, 7) : { ticks: ticks(x0, x1, 7), step: 0 };
  for (const v of xt.ticks) {
    el("line", { x1: sx(v), x2: sx(v), y1: T + ph, y2: T + ph + 4 }, axis);
    label(axis, sx(v), T + ph + 16, isTime ? timeLabel(v, xt.step) : numLabel(v), { "text-anchor": "middle" });
  }
  el("line", { x1: L, x2: L + pw, y1: T + ph, y2: T + ph }, axis);
  el("line", { x1: L, x2: L, y1: T, y2: T + ph }, axis);
  label(axis, L + pw / 2, H - 6, columns[r.x].name, { "text-anchor": "middle", class: "axis-label" });
  const yname = r.ys.map((i) => columns[i].name).join(", ");
  label(axis, 14, T + ph / 2, yname, { "text-anchor": "middle", transform: `rotate(-90 14 ${T + ph / 2})`, class: "axis-label" });
  groups.forEach((g, i) => {
    const color = colors[i % colors.length];
    const pts = g.points.filter((p) => !isNaN(p.x) && isFinite(p.y)).sort((a, b) => a.x - b.x);
    const s = el("g", { class: "series", "data-series": g.name }, svg);
    if (chart.kind !== "scatterchart" && pts.length > 0) {
      const d = pts.map((p, k) => (k ? "L" : "M") + sx(p.x).toFixed(1) + " " + sy(p.y).toFixed(1)).join(" ");
      if (chart.kind === "areachart") {
        el("path", { d: `${d} L${sx(pts[pts.length - 1].x).toFixed(1)} ${sy(Math.max(y0, 0))} L${sx(pts[0].x).toFixed(1)} ${sy(Math.max(y0, 0))} Z`, fill: color, "fill-opacity": 0.15, stroke: "none" }, s);
      }
      el("path", { d, fill: "none", stroke: color, "stroke-width": 2, class: "line" }, s);
    }
    if (pts.length <= maxPoints) {
      for (const p of pts) {
        el("circle", { cx: sx(p.x).toFixed(1), cy: sy(p.y).toFixed(1), r: 3, fill: color, class: "point", "data-x": p.label, "data-y": String(p.y) }, s)
          .appendChild(titleOf(`${g.name}\n${p.label}: ${p.y}`));
      }
    }
  });
  legend(svg, groups.map((g) => g.name), L + pw + 16, T);
}

function bars(svg, horizontal, groups, W, H) {
  // Categories are the x values, in the rows' order.
  const cats = [];
  const seen = new Map();
  for (const g of groups) for (const p of g.points) if (!seen.has(p.label)) { seen.set(p.label, cats.length); cats.push(p.label); }
  const vals = groups.map((g) => {
    const m = new Map();
    for (const p of g.points) m.set(p.label, (m.get(p.label) || 0) + p.y);
    return m;
  });
  const all = vals.flatMap((m) => [...m.values()]).filter(isFinite);
  if (cats.length === 0 || all.length === 0) {
    label(svg, 60, 50, "no values to draw");
    return;
  }
  // Column labels that do not fit their band are slanted.
  const slant = !horizontal && cats.some((c) => c.length * 6.5 > (W - 64 - 230) / cats.length);
  const L = horizontal ? 170 : slant ? 100 : 64, R = 230, T = 30, B = horizontal ? 30 : slant ? 100 : 40;
  const pw = W - L - R, ph = H - T - B;
  let v0 = Math.min(0, ...all), v1 = Math.max(0, ...all);
  const vt = ticks(v0, v1, 5);
  v0 = Math.min(v0, vt[0]);
  v1 = Math.max(v1, vt[vt.length - 1]);
  if (v1 === v0) v1 = v0 + 1;
  const band = (horizontal ? ph : pw) / cats.length;
  const inner = (band * 0.8) / groups.length;
  const sv = horizontal ? (v) => L + ((v - v0) / (v1 - v0)) * pw : (v) => T + ph - ((v - v0) / (v1 - v0)) * ph;
  const axis = el("g", { class: "axis" }, svg);
  for (const v of vt) {
    if (horizontal) {
      el("line", { x1: sv(v), x2: sv(v), y1: T, y2: T + ph, class: "gridline" }, axis);
      label(axis, sv(v), T + ph + 16, numLabel(v), { "text-anchor": "middle" });
    } else {
      el("line", { x1: L, x2: L + pw, y1: sv(v), y2: sv(v), class: "gridline" }, axis);
      label(axis, L - 6, sv(v) + 4, numLabel(v), { "text-anchor": "end" });
    }
  }
  el("line", { x1: L, x2: horizontal ? L : L + pw, y1: horizontal ? T : T + ph, y2: T + ph }, axis);
  const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
  cats.forEach((c, ci) => {
    const mid = (horizontal ? T : L) + band * (ci + 0.5);
    if (horizontal) label(axis, L - 6, mid + 4, short(c, 24), { "text-anchor": "end" }).appendChild(titleOf(c));
    else if (slant) label(axis, mid, T + ph + 12, short(c, 18), { "text-anchor": "end", transform: `rotate(-35 ${mid} ${T + ph + 12})` }).appendChild(titleOf(c));
    else label(axis, mid, T + ph + 14, c, { "text-anchor": "middle" }).appendChild(titleOf(c));
  });
  const base = sv(Math.max(v0, Math.min(0, v1)));
  groups.forEach((g, gi) => {
    const s = el("g", { class: "series", "data-series": g.name }, svg);
    const color = colors[gi % colors.length];
    cats.forEach((c, ci) => {
      if (!vals[gi].has(c)) return;
      const v = vals[gi].get(c);
      const at = (horizontal ? T : L) + band * ci + band * 0.1 + inner * gi;
      const p = sv(v);
      const a = { fill: color, class: "bar point", "data-x": c, "data-y": String(v) };
      if (horizontal) Object.assign(a, { x: Math.min(base, p), y: at, width: Math.abs(p - base), height: inner });
      else Object.assign(a, { x: at, y: Math.min(base, p), width: inner, height: Math.abs(p - base) });
      el("rect", a, s).appendChild(titleOf(`${g.name}\n${c}: ${v}`));
    });
  });
  legend(svg, groups.map((g) => g.name), L + pw + 16, T);
}

function pie(svg, groups, W, H) {
  // A pie has one slice per x value, summed over the series.
  const g = { name: groups.map((g) => g.name).join(", ") };
  const m = new Map();
  for (const s of groups) for (const p of s.points) if (isFinite(p.y) && p.y > 0) m.set(p.label, (m.get(p.label) || 0) + p.y);
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) {
    label(svg, 60, 50, "no positive values to draw");
    return;
  }
  const cx = 200, cy = H / 2 + 8, rad = Math.min(130, H / 2 - 24);
  const s = el("g", { class: "series", "data-series": g.name }, svg);
  let a0 = -Math.PI / 2;
  const names = [];
  [...m.entries()].forEach(([name, v], i) => {
    const frac = v / total;
    const a1 = a0 + frac * 2 * Math.PI;
    const color = colors[i % colors.length];
    const attrs = { fill: color, stroke: "#fff", "stroke-width": 1, class: "slice point", "data-x": name, "data-y": String(v) };
    let shape;
    if (frac >= 0.999999) shape = el("circle", Object.assign({ cx, cy, r: rad }, attrs), s);
    else {
      const large = a1 - a0 > Math.PI ? 1 : 0;
      const p = (a) => `${(cx + rad * Math.cos(a)).toFixed(2)} ${(cy + rad * Math.sin(a)).toFixed(2)}`;
      shape = el("path", Object.assign({ d: `M${cx} ${cy} L${p(a0)} A${rad} ${rad} 0 ${large} 1 ${p(a1)} Z` }, attrs), s);
    }
    shape.appendChild(titleOf(`${name}: ${v} (${(frac * 100).toFixed(1)}%)`));
    names.push(`${name.length > 20 ? name.slice(0, 19) + "…" : name} (${(frac * 100).toFixed(1)}%)`);
    a0 = a1;
  });
  legend(svg, names, cx + rad + 60, 40);
}

// pickable returns the chart kinds the console offers for an answer that
// has no render: each with the chart to draw (x a text column, a name
// if there is one, or the
// first datetime column for a timechart; y the numeric columns; no
// series), or none when the answer has no numeric column to draw.
export function pickable(columns) {
  const y = columns.filter((c) => numeric.has(c.type)).map((c) => c.name);
  if (y.length === 0) return [];
  const texts = columns.filter((c) => !numeric.has(c.type) && c.type !== "datetime" && c.type !== "dynamic");
  // A name (DeviceName, AccountName) labels the bars better than an id.
  const text = texts.find((c) => /Name$/.test(c.name)) || texts[0];
  const time = columns.find((c) => c.type === "datetime");
  const out = [];
  if (text) {
    for (const kind of ["columnchart", "barchart", "piechart"]) out.push({ kind, xcolumn: text.name, ycolumns: y, noSeries: true });
  }
  if (time) out.push({ kind: "timechart", xcolumn: time.name, ycolumns: y, noSeries: true });
  return out;
}
