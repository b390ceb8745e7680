#!/usr/bin/env node
// functions.js prints the signatures of Kusto's built-in functions and
// aggregates as Microsoft's Kusto.Language declares them (facts: names,
// parameter types, result types), one signature a line:
//
//   fn   substring(string:scalar, start:integer, length:integer?) -> string
//   agg  make_set_if(expr:scalar, predicate:bool, maxSize:integer?) -> dynamic
//
// '?' marks an optional parameter, '*' a repeating one, [..] its argument
// kind (literal, constant, star); name= tells how Kusto names the column
// of an unnamed call (prefix_and_first_argument:strlen gives strlen_x).
// kqlhunt's registry is tested against the
// committed output, internal/funcs/testdata/kusto-signatures.txt:
//
//   node tools/kqlfacts/functions.js --modules ~/.cache/kql-refcheck > internal/funcs/testdata/kusto-signatures.txt
'use strict';
const fs = require('fs');
const path = require('path');

let modules = process.env.REFCHECK_MODULES || path.join(process.env.HOME || '', '.cache/kql-refcheck');
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--modules') modules = args[++i];
  else { process.stderr.write(`functions.js: unknown argument ${args[i]}\n`); process.exit(2); }
}
const pkgDir = path.join(modules, 'node_modules', '@kusto', 'language-service-next');
if (!fs.existsSync(pkgDir)) { process.stderr.write(`functions.js: ${pkgDir} not found\n`); process.exit(2); }
require(path.join(pkgDir, 'bridge.js'));
require(path.join(pkgDir, 'Kusto.Language.Bridge.js'));
const K = global.Kusto.Language;
const S = K.Symbols;

function arr(v) {
  const out = [];
  if (!v) return out;
  const n = v.Count !== undefined ? v.Count : System.Array.getCount(v);
  for (let i = 0; i < n; i++) out.push(v.getItem ? v.getItem(i) : System.Array.getItem(v, i));
  return out;
}
function enumNames(e) {
  const m = {};
  for (const k of Object.keys(e)) if (typeof e[k] === 'number') m[e[k]] = k;
  return m;
}
const ptk = enumNames(S.ParameterTypeKind);
const rtk = enumNames(S.ReturnTypeKind);
const ak = enumNames(S.ArgumentKind);
const rnk = enumNames(S.ResultNameKind);
const lower = (s) => s.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase());

function paramText(p) {
  let t = p.TypeKind === S.ParameterTypeKind.Declared ? arr(p.DeclaredTypes).map((x) => x.Name).join('|') : lower(ptk[p.TypeKind]);
  let s = `${p.Name}:${t}`;
  if (p.MinOccurring === 0) s += '?';
  if (p.MaxOccurring > 1) s += '*';
  if (p.ArgumentKind) s += `[${lower(ak[p.ArgumentKind])}]`;
  return s;
}
function returnText(sig) {
  if (sig.ReturnKind === S.ReturnTypeKind.Declared && sig.DeclaredReturnType) return sig.DeclaredReturnType.Name;
  return lower(rtk[sig.ReturnKind]);
}

const lines = [];
for (const [kind, list] of [['fn', K.Functions.All], ['agg', K.Aggregates.All]]) {
  for (const f of arr(list)) {
    let flags = (f.IsHidden ? ' hidden' : '') + (f.IsObsolete ? ' obsolete' : '');
    if (f.ResultNameKind) flags += ` name=${lower(rnk[f.ResultNameKind])}${f.ResultNamePrefix ? ':' + f.ResultNamePrefix : ''}`;
    for (const s of arr(f.Signatures)) {
      lines.push(`${kind}\t${f.Name}(${arr(s.Parameters).map(paramText).join(', ')}) -> ${returnText(s)}${flags}`);
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
