// grid.js: the results grid. Columns show their KQL types; clicking a
// header sorts by that column as its type orders (numbers, datetimes,
// timespans, strings), again to reverse; long values are cut, the whole
// value shown on click.

const numeric = new Set(["int", "long", "real", "double", "decimal"]);
const maxCell = 80;

// text returns a cell value as the grid shows it.
export function text(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// timespanSeconds parses "[-][d.]hh:mm:ss[.fffffff]".
export function timespanSeconds(s) {
  const m = /^(-)?(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(s);
  if (!m) return NaN;
  const v = (Number(m[2] || 0) * 86400) + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]);
  return m[1] ? -v : v;
}

// parseTime returns the milliseconds of an RFC 3339 time such as
// 2025-03-04T08:00:00.1234567Z, whose seven fraction digits not every
// browser's Date.parse takes.
export function parseTime(s) {
  if (typeof s !== "string") return NaN;
  return Date.parse(s.replace(/(\.\d{3})\d+/, "$1"));
}

// sortKey maps a value of type t to something < orders.
export function sortKey(t, v) {
  if (v === null || v === undefined) return null;
  if (numeric.has(t)) {
    if (typeof v === "number") return v;
    return /^-?\d+$/.test(v) ? BigInt(v) : Number(v); // a long kept as digits
  }
  if (t === "datetime") return parseTime(v);
  if (t === "timespan") return timespanSeconds(v);
  if (t === "bool") return v ? 1 : 0;
  return text(v);
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || (typeof a === "number" && isNaN(a))) return 1; // nulls last
  if (b === null || (typeof b === "number" && isNaN(b))) return -1;
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

// csv returns the rows as RFC 4180 CSV with a header line.
export function csv(columns, rows) {
  const q = (s) => (/[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
  const lines = [columns.map((c) => q(c.name)).join(",")];
  for (const r of rows) lines.push(r.map((v) => q(text(v))).join(","));
  return lines.join("\r\n") + "\r\n";
}

// Grid draws columns and rows into el; onCell is called with a value
// too long to show.
export class Grid {
  constructor(el, onCell) {
    this.el = el;
    this.onCell = onCell;
    this.columns = [];
    this.rows = [];
    this.sortCol = -1;
    this.desc = false;
  }

  show(columns, rows) {
    this.columns = columns || [];
    this.rows = (rows || []).slice();
    this.sortCol = -1;
    this.desc = false;
    this.draw();
  }

  clear() {
    this.columns = [];
    this.rows = [];
    this.el.replaceChildren();
  }

  sortBy(i) {
    if (this.sortCol === i) this.desc = !this.desc;
    else {
      this.sortCol = i;
      this.desc = false;
    }
    const t = this.columns[i].type;
    const keyed = this.rows.map((r, n) => ({ k: sortKey(t, r[i]), r, n }));
    keyed.sort((a, b) => {
      let c = compare(a.k, b.k);
      if (this.desc && a.k !== null && b.k !== null) c = -c;
      return c || a.n - b.n;
    });
    this.rows = keyed.map((x) => x.r);
    this.draw();
  }

  draw() {
    const table = document.createElement("table");
    const thead = table.createTHead();
    const hr = thead.insertRow();
    this.columns.forEach((c, i) => {
      const th = document.createElement("th");
      th.dataset.column = c.name;
      th.dataset.type = c.type;
      th.title = `sort by ${c.name} (${c.type})`;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = c.name;
      const type = document.createElement("span");
      type.className = "type";
      type.textContent = c.type;
      th.append(name, type);
      if (i === this.sortCol) th.className = this.desc ? "desc" : "asc";
      th.addEventListener("click", () => this.sortBy(i));
      hr.appendChild(th);
    });
    const tbody = table.createTBody();
    for (const r of this.rows) {
      const tr = tbody.insertRow();
      r.forEach((v, i) => {
        const td = tr.insertCell();
        const t = (this.columns[i] || {}).type;
        const s = text(v);
        if (v === null || v === undefined) td.className = "null";
        else if (numeric.has(t)) td.className = "num";
        if (s.length > maxCell) {
          td.textContent = s.slice(0, maxCell);
          const more = document.createElement("span");
          more.className = "more";
          more.textContent = "…";
          td.appendChild(more);
          td.title = "click for the whole value";
          td.classList.add("long");
          td.addEventListener("click", () => this.onCell(this.columns[i].name, s));
        } else {
          td.textContent = s;
        }
      });
    }
    this.el.replaceChildren(table);
  }
}
