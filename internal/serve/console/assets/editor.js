// editor.js: the KQL editor. A transparent textarea lies over a <pre>
// that shows the same text highlighted, with the diagnostics of
// POST /api/check underlined at their UTF-16 offsets (JavaScript's own
// string offsets). The textarea keeps the browser's typing, selection
// and undo; text the editor inserts (completions, Tab) goes through
// execCommand("insertText") so that undo still works.

import { post } from "./api.js";

const keywords = new Set((
  "let set declare alias pattern restrict materialize print range datatable " +
  "where filter project project-away project-keep project-rename project-reorder extend summarize by " +
  "sort order asc desc nulls first last take limit top top-nested top-hitters count distinct join kind on " +
  "inner outer leftouter rightouter fullouter leftanti rightanti leftsemi rightsemi innerunique anti semi " +
  "union withsource isfuzzy lookup parse parse-where parse-kv extract mv-expand mv-apply bag_unpack evaluate " +
  "render with as invoke serialize sample sample-distinct getschema search find in between " +
  "has has_cs !has hasprefix hassuffix has_any has_all contains contains_cs !contains startswith endswith " +
  "matches regex and or not true false null to step of typeof make-series from"
).split(" "));

const typeNames = new Set("bool boolean int long real double decimal string datetime date timespan time guid uuid uniqueid dynamic".split(" "));

// tokenize returns the tokens of KQL text as {start, end, cls} with cls
// one of kw, fn, str, num, cmt, op, pipe; plain text gets no token.
export function tokenize(text) {
  const toks = [];
  const n = text.length;
  let i = 0;
  const isIdStart = (c) => /[A-Za-z_$]/.test(c);
  const isId = (c) => /[A-Za-z0-9_\-]/.test(c);
  while (i < n) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") {
      let j = text.indexOf("\n", i);
      if (j < 0) j = n;
      toks.push({ start: i, end: j, cls: "cmt" });
      i = j;
      continue;
    }
    // Strings: '...', "...", verbatim @'...', obfuscated h'...', and
    // multi-line ```...```.
    let q = i;
    if ((c === "@" || c === "h" || c === "H") && (text[i + 1] === "'" || text[i + 1] === '"')) q = i + 1;
    if (text[q] === "'" || text[q] === '"') {
      const quote = text[q];
      const verbatim = c === "@";
      let j = q + 1;
      while (j < n && text[j] !== quote && text[j] !== "\n") {
        if (text[j] === "\\" && !verbatim) j++;
        j++;
      }
      j = Math.min(j + 1, n);
      toks.push({ start: i, end: j, cls: "str" });
      i = j;
      continue;
    }
    if (text.startsWith("```", i)) {
      let j = text.indexOf("```", i + 3);
      j = j < 0 ? n : j + 3;
      toks.push({ start: i, end: j, cls: "str" });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(text[i + 1] || ""))) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(text[j])) j++; // 1.5, 0x1f, 5d, 10ms, 1e3
      toks.push({ start: i, end: j, cls: "num" });
      i = j;
      continue;
    }
    if (c === "!" && /[a-z]/.test(text[i + 1] || "")) {
      let j = i + 1;
      while (j < n && isId(text[j])) j++;
      const w = text.slice(i, j);
      if (keywords.has(w)) {
        toks.push({ start: i, end: j, cls: "op" });
        i = j;
        continue;
      }
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isId(text[j])) j++;
      // A hyphen belongs to a word only inside keywords such as mv-expand.
      let w = text.slice(i, j);
      while (w.includes("-") && !keywords.has(w.toLowerCase())) {
        j = i + w.lastIndexOf("-");
        w = text.slice(i, j);
      }
      let k = j;
      while (k < n && (text[k] === " " || text[k] === "\t")) k++;
      const lw = w.toLowerCase();
      if (text[k] === "(" && !keywords.has(lw)) toks.push({ start: i, end: j, cls: "fn" });
      else if (["has", "has_cs", "contains", "contains_cs", "startswith", "endswith", "hasprefix", "hassuffix",
        "has_any", "has_all", "matches", "in", "between", "and", "or", "not"].includes(lw)) toks.push({ start: i, end: j, cls: "op" });
      else if (keywords.has(lw) || typeNames.has(lw) && text[k] === ")") toks.push({ start: i, end: j, cls: "kw" });
      i = j;
      continue;
    }
    if (c === "|") {
      toks.push({ start: i, end: i + 1, cls: "pipe" });
      i++;
      continue;
    }
    if ("=<>!~+-*/%".includes(c)) {
      let j = i + 1;
      while (j < n && "=<>~".includes(text[j])) j++;
      toks.push({ start: i, end: j, cls: "op" });
      i = j;
      continue;
    }
    i++;
  }
  return toks;
}

// Editor wires the textarea, its highlighted layer, the completion
// popup, the diagnostics tooltip and list. onRun is called with the
// query text on Shift+Enter.
export class Editor {
  constructor({ input, layer, popup, tip, list, onRun }) {
    this.input = input;
    this.layer = layer;
    this.popup = popup;
    this.tip = tip;
    this.list = list;
    this.onRun = onRun;
    this.diagnostics = [];
    this.handled = "";
    this.checkSeq = 0;
    this.checkTimer = 0;
    this.completeSeq = 0;
    this.completeTimer = 0;
    this.items = [];
    this.active = 0;
    this.from = 0;
    input.addEventListener("input", () => this.changed());
    input.addEventListener("scroll", () => this.syncScroll());
    input.addEventListener("keydown", (e) => {
      this.handled = "";
      this.keydown(e);
      if (e.defaultPrevented) this.handled = e.key;
    });
    // A prevented keydown stops its keypress in browsers, but not when the
    // two arrive as separate events (DevTools input, some IMEs): a key the
    // editor took (Shift+Enter, Enter or Tab in the completion) types
    // nothing.
    input.addEventListener("keypress", (e) => {
      if (this.handled && e.key === this.handled) e.preventDefault();
      this.handled = "";
    });
    input.addEventListener("mousemove", (e) => this.hover(e));
    input.addEventListener("mouseleave", () => (this.tip.hidden = true));
    input.addEventListener("blur", () => setTimeout(() => {
      if (document.activeElement !== input) this.closeCompletion();
    }, 150));
    input.addEventListener("click", () => this.closeCompletion());
    popup.addEventListener("mousedown", (e) => {
      e.preventDefault(); // keep the focus in the textarea
      const li = e.target.closest("li");
      if (li) this.accept(Number(li.dataset.index));
    });
    this.render();
  }

  get value() {
    return this.input.value;
  }

  // setValue replaces the whole text (undoably) and checks it.
  setValue(text) {
    this.input.focus();
    this.input.select();
    // Only into the focused text area (a hidden editor takes no focus, and
    // insertText would type into whatever has it).
    if (document.activeElement !== this.input || !document.execCommand("insertText", false, text)) {
      this.input.value = text;
      this.changed();
    }
    this.input.setSelectionRange(text.length, text.length);
  }

  focus() {
    this.input.focus();
  }

  changed() {
    this.render();
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => this.check(), 250);
    if (!this.popup.hidden) {
      const pos = this.input.selectionStart;
      const prev = this.input.value[pos - 1] || "";
      if (pos < this.from || !/[A-Za-z0-9_\-]/.test(prev)) this.closeCompletion();
      else this.scheduleComplete(60);
    }
  }

  syncScroll() {
    this.layer.scrollTop = this.input.scrollTop;
    this.layer.scrollLeft = this.input.scrollLeft;
  }

  // render draws the highlighted text with the diagnostics underlined.
  render() {
    const text = this.input.value;
    const toks = tokenize(text);
    const diags = this.diagnostics.filter((d) => d.start <= text.length);
    // Cut the text at every token and diagnostic boundary.
    const cuts = new Set([0, text.length]);
    for (const t of toks) { cuts.add(t.start); cuts.add(t.end); }
    for (const d of diags) { cuts.add(d.start); cuts.add(Math.min(d.end, text.length)); }
    const points = [...cuts].sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    let ti = 0;
    for (let p = 0; p < points.length; p++) {
      const a = points[p];
      // Empty diagnostics (a missing token) get a mark where they are.
      for (const d of diags) {
        if (d.start === a && d.end <= d.start) {
          const s = document.createElement("span");
          s.className = "diag-empty diag-" + sev(d);
          s.dataset.diag = String(this.diagnostics.indexOf(d));
          frag.appendChild(s);
        }
      }
      if (p + 1 >= points.length) break;
      const b = points[p + 1];
      if (a === b) continue;
      while (ti < toks.length && toks[ti].end <= a) ti++;
      const tok = ti < toks.length && toks[ti].start <= a ? toks[ti] : null;
      const d = diags.find((d) => d.start <= a && b <= d.end && d.end > d.start);
      const s = document.createElement("span");
      const cls = [];
      if (tok) cls.push("tok-" + tok.cls);
      if (d) {
        cls.push("diag-" + sev(d));
        s.dataset.diag = String(this.diagnostics.indexOf(d));
      }
      if (cls.length === 0) {
        frag.appendChild(document.createTextNode(text.slice(a, b)));
        continue;
      }
      s.className = cls.join(" ");
      s.textContent = text.slice(a, b);
      frag.appendChild(s);
    }
    // A final newline needs a line after it to keep the layers aligned.
    frag.appendChild(document.createTextNode("\n "));
    this.layer.replaceChildren(frag);
    this.syncScroll();
  }

  async check() {
    const seq = ++this.checkSeq;
    const query = this.input.value;
    let diags = [];
    try {
      const ans = await post("/api/check", { query });
      diags = (ans && ans.diagnostics) || [];
    } catch (e) {
      if (seq !== this.checkSeq) return;
      this.list.replaceChildren(item("warning", "checking is unavailable: " + e.message));
      return;
    }
    if (seq !== this.checkSeq || query !== this.input.value) return;
    this.setDiagnostics(diags);
  }

  // setDiagnostics shows diags (Diagnostic objects of the API) in the
  // text and in the list.
  setDiagnostics(diags) {
    this.diagnostics = diags || [];
    this.render();
    const lis = this.diagnostics.map((d, i) => {
      const li = item(sev(d), `${d.line}:${d.column}: ${d.message}`);
      li.dataset.index = String(i);
      li.addEventListener("click", () => {
        this.input.focus();
        this.input.setSelectionRange(d.start, Math.max(d.start, d.end));
      });
      return li;
    });
    this.list.replaceChildren(...lis);
  }

  hover(e) {
    const spans = this.layer.querySelectorAll("[data-diag]");
    for (const s of spans) {
      for (const r of s.getClientRects()) {
        if (e.clientX >= r.left - 2 && e.clientX <= r.right + 2 && e.clientY >= r.top && e.clientY <= r.bottom + 2) {
          const d = this.diagnostics[Number(s.dataset.diag)];
          if (!d) continue;
          const box = this.input.parentElement.getBoundingClientRect();
          this.tip.textContent = d.message;
          this.tip.style.left = (r.left - box.left) + "px";
          this.tip.style.top = (r.bottom - box.top + 4) + "px";
          this.tip.hidden = false;
          return;
        }
      }
    }
    this.tip.hidden = true;
  }

  keydown(e) {
    const open = !this.popup.hidden;
    if (e.key === "Enter" && e.shiftKey) {
      e.preventDefault();
      this.closeCompletion();
      this.onRun(this.input.value);
      return;
    }
    if ((e.key === " " || e.code === "Space") && e.ctrlKey) {
      e.preventDefault();
      this.scheduleComplete(0);
      return;
    }
    if (open) {
      switch (e.key) {
        case "ArrowDown":
          e.preventDefault();
          this.select(this.active + 1);
          return;
        case "ArrowUp":
          e.preventDefault();
          this.select(this.active - 1);
          return;
        case "Enter":
        case "Tab":
          e.preventDefault();
          this.accept(this.active);
          return;
        case "Escape":
          e.preventDefault();
          this.closeCompletion();
          return;
      }
    }
    // Tab indents; Shift+Tab keeps its usual meaning, a way out of the
    // editor for the keyboard.
    if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      document.execCommand("insertText", false, "    ");
    }
  }

  scheduleComplete(ms) {
    clearTimeout(this.completeTimer);
    this.completeTimer = setTimeout(() => this.complete(), ms);
  }

  async complete() {
    const seq = ++this.completeSeq;
    const query = this.input.value;
    const offset = this.input.selectionStart;
    let ans;
    try {
      ans = await post("/api/complete", { query, offset });
    } catch (e) {
      return;
    }
    if (seq !== this.completeSeq || query !== this.input.value || offset !== this.input.selectionStart) return;
    this.items = (ans && ans.items) || [];
    this.from = ans && typeof ans.from === "number" ? ans.from : offset;
    if (this.items.length === 0) {
      this.closeCompletion();
      return;
    }
    this.popup.replaceChildren(...this.items.map((it, i) => {
      const li = document.createElement("li");
      li.dataset.index = String(i);
      li.setAttribute("role", "option");
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = it.kind || "";
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = it.label;
      const detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = it.detail || "";
      li.append(kind, label, detail);
      return li;
    }));
    const at = this.caretXY(this.from);
    this.popup.style.left = at.x + "px";
    this.popup.style.top = at.y + "px";
    this.popup.hidden = false;
    this.select(0);
  }

  select(i) {
    const n = this.items.length;
    if (n === 0) return;
    this.active = (i + n) % n;
    this.popup.querySelectorAll("li").forEach((li, j) => li.classList.toggle("active", j === this.active));
    const li = this.popup.children[this.active];
    if (li) li.scrollIntoView({ block: "nearest" });
  }

  accept(i) {
    const it = this.items[i];
    this.closeCompletion();
    if (!it) return;
    const end = this.input.selectionStart;
    this.input.focus();
    this.input.setSelectionRange(Math.min(this.from, end), end);
    const text = it.insert || it.label;
    if (!document.execCommand("insertText", false, text)) {
      const v = this.input.value;
      this.input.value = v.slice(0, Math.min(this.from, end)) + text + v.slice(end);
      this.changed();
    }
  }

  closeCompletion() {
    this.completeSeq++;
    clearTimeout(this.completeTimer);
    this.popup.hidden = true;
    this.items = [];
  }

  // caretXY returns where offset sits, below its line, in the editor
  // box's coordinates (the text is monospace and never wraps).
  caretXY(offset) {
    const before = this.input.value.slice(0, offset);
    const lines = before.split("\n");
    let col = 0;
    for (const ch of lines[lines.length - 1]) col = ch === "\t" ? col + 4 - (col % 4) : col + 1;
    const cs = getComputedStyle(this.input);
    const lh = parseFloat(cs.lineHeight) || 19.5;
    const cw = charWidth(cs.font);
    return {
      x: parseFloat(cs.paddingLeft) + col * cw - this.input.scrollLeft,
      y: parseFloat(cs.paddingTop) + lines.length * lh - this.input.scrollTop + 2,
    };
  }
}

function sev(d) {
  return d.severity === "warning" || d.severity === "info" ? "warning" : "error";
}

function item(cls, text) {
  const li = document.createElement("li");
  li.className = cls;
  li.textContent = text;
  return li;
}

let widthCache = { font: "", w: 0 };

function charWidth(font) {
  if (widthCache.font !== font) {
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = font;
    widthCache = { font, w: ctx.measureText("M".repeat(20)).width / 20 || 7.8 };
  }
  return widthCache.w;
}
