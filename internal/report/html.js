// The report's one script: filtering and sorting of its tables, with no
// fetch of anything. The address's fragment can set both:
// #filter=WORDS&sort=COLUMN (a "-" before COLUMN sorts descending).
(function () {
  "use strict";
  var input = document.getElementById("filter");
  var shown = document.getElementById("shown");
  var findings = Array.prototype.slice.call(document.querySelectorAll("table.findings"));

  // params reads the fragment's name=value pairs.
  function params() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) {
        try {
          out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " "));
        } catch (e) { /* a malformed escape: ignore the pair */ }
      }
    });
    return out;
  }

  // filter shows the findings whose row, rule name, id and severity
  // hold every word of the filter, ignoring case, and hides the rules
  // left without any.
  function filter() {
    if (!input) {
      return;
    }
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var total = 0, matched = 0;
    findings.forEach(function (t) {
      var rule = (t.getAttribute("data-rule") || "").toLowerCase();
      var rows = t.tBodies[0].rows, left = 0;
      for (var i = 0; i < rows.length; i++) {
        var text = rule + " " + rows[i].textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        rows[i].hidden = !ok;
        if (ok) {
          left++;
        }
      }
      total += rows.length;
      matched += left;
      var section = t.closest("details");
      if (section) {
        section.hidden = left === 0;
      }
    });
    shown.textContent = words.length ? matched + " of " + total + " listed findings match" :
      total + (total === 1 ? " finding" : " findings") + " listed";
  }

  // key returns a cell's sort key: a number when the cell is one.
  function key(cell) {
    var s = cell ? cell.textContent.trim() : "";
    var n = Number(s);
    return s !== "" && isFinite(n) ? n : s.toLowerCase();
  }

  // sort orders the rows of table t by column col.
  function sort(t, col, descending) {
    var body = t.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]), c;
      if (typeof x === typeof y) {
        c = x < y ? -1 : x > y ? 1 : 0;
      } else {
        c = typeof x === "number" ? -1 : 1; // numbers before text
      }
      return descending ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, i) {
      if (i === col) {
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }

  // sortBy sorts every findings table that has the column name.
  function sortBy(spec) {
    var descending = spec.charAt(0) === "-";
    var name = (descending ? spec.slice(1) : spec).toLowerCase();
    findings.forEach(function (t) {
      Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, i) {
        if (th.textContent.trim().toLowerCase() === name) {
          sort(t, i, descending);
        }
      });
    });
  }

  // fromAddress applies the fragment's filter and sort.
  function fromAddress() {
    var p = params();
    if (input && p.filter !== undefined) {
      input.value = p.filter;
    }
    if (p.sort) {
      sortBy(p.sort);
    }
    filter();
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (t) {
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.title = "Sort";
      var click = function () { sort(t, i, th.getAttribute("aria-sort") === "ascending"); };
      th.addEventListener("click", click);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          click();
        }
      });
    });
  });
  if (input) {
    input.addEventListener("input", function () {
      filter();
      var p = params();
      p.filter = input.value;
      var parts = [];
      Object.keys(p).forEach(function (k) {
        if (p[k] !== "") {
          parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(p[k]));
        }
      });
      history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
    });
  }
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
})();
