// The words check (`make words`): every translation key the pages and handlers use is in
// locale/en.json, and every key there is used, so no page shows a raw key such as
// "flash.quiz_saved" and the catalogue carries no dead text for translators.
//
// Where a key is used:
//   templates/**   {{t.some.key}}, {{{t.some.key}}}, {{#t.some.key}} ...
//   src/**/*.[ch]  a string literal inside T(...), any "flash.*" literal (web_flash keys), and
//                  any literal that is exactly a catalogue key (tables of keys).
// A key built from a prefix and a value (arena_sprintf(..., "outbox.state_%s", state)) cannot
// be read from the code, so the code that builds it declares its keys in a comment next to it:
//     /* words: outbox.state_{queued,sending,sent,failed} */
// Every built pattern needs such a declaration in its file, and every declared key must exist.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalogueFile = process.argv[2] || join(root, 'locale/en.json');
const catalogue = JSON.parse(readFileSync(catalogueFile, 'utf8'));
const keys = new Set(Object.keys(catalogue));
const namespaces = new Set([...keys].map((k) => k.split('.')[0]));
const KEY = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

function files(dir, test) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, test));
    else if (test(name)) out.push(path);
  }
  return out;
}

const used = new Set();
const failures = [];
let checked = 0;

// A use that must name a catalogue key.
function need(key, where) {
  checked++;
  used.add(key);
  if (!keys.has(key)) failures.push(`${where}: "${key}" is not in locale/en.json`);
}

// {a,b}_c -> a_c, b_c (one level of braces, as the declarations use).
function expand(word) {
  const m = word.match(/^(.*?)\{([^{}]*)\}(.*)$/);
  if (!m) return [word];
  return m[2].split(',').flatMap((v) => expand(m[1] + v.trim() + m[3]));
}

function checkTemplate(path) {
  const where = relative(root, path);
  const text = readFileSync(path, 'utf8');
  const tag = /\{\{\{?\s*([#^&]?)\s*t\.([A-Za-z0-9_.]+)\s*\}?\}\}/g;
  for (const m of text.matchAll(tag)) {
    const line = text.slice(0, m.index).split('\n').length;
    need(m[2], `${where}:${line}`);
  }
}

// Splits C text into string literals (with lines) and comments, skipping character literals.
function scanC(text) {
  const literals = [], comments = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const body = text.slice(i + 2, end < 0 ? text.length : end);
      comments.push({ text: body, line });
      line += body.split('\n').length - 1;
      i = end < 0 ? text.length : end + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      comments.push({ text: text.slice(i + 2, end < 0 ? text.length : end), line });
      i = (end < 0 ? text.length : end) - 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1, value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') value += text[j++];
        value += text[j++];
      }
      if (c === '"') literals.push({ value, line, at: i });
      i = j;
    }
  }
  return { literals, comments };
}

// The text offsets covered by the arguments of each T(...) call.
function translateCalls(text) {
  const spans = [];
  for (const m of text.matchAll(/\bT\(/g)) {
    let depth = 1, j = m.index + 2;
    for (; j < text.length && depth; j++) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')') depth--;
      else if (text[j] === '"') while (text[++j] !== '"') if (text[j] === '\\') j++;
    }
    spans.push([m.index, j]);
  }
  return spans;
}

function checkC(path) {
  const where = relative(root, path);
  const text = readFileSync(path, 'utf8');
  const { literals, comments } = scanC(text);
  const declared = [];
  // A declaration is a comment line that starts with "words:" (a long list takes several).
  for (const c of comments) {
    c.text.split('\n').forEach((text, n) => {
      const m = text.match(/^[\s*]*words:(.*)$/);
      if (!m) return;
      for (const word of m[1].split(/[\s,]+(?![^{]*\})/).filter(Boolean)) {
        for (const key of expand(word.replace(/[.;]$/, ''))) {
          declared.push(key);
          need(key, `${where}:${c.line + n} (words: declaration)`);
        }
      }
    });
  }
  const spans = translateCalls(text);
  for (const lit of literals) {
    const at = `${where}:${lit.line}`;
    const inT = spans.some(([a, b]) => lit.at > a && lit.at < b);
    const pct = lit.value.indexOf('%');
    if (pct > 0 && KEY.test(lit.value.slice(0, pct) + 'x') && (inT || namespaces.has(lit.value.split('.')[0]))) {
      // A built key: its declaration in this file must cover it.
      const pattern = new RegExp('^' + lit.value.replace(/%[-0-9.*]*[a-z]+/g, '\u0000').replace(/[.]/g, '\\.')
        .replace(/\u0000/g, '[a-z0-9_]+') + '$');
      checked++;
      if (!declared.some((k) => pattern.test(k)))
        failures.push(`${at}: the key built from "${lit.value}" needs a /* words: ... */ comment listing its keys`);
      continue;
    }
    if (!KEY.test(lit.value)) continue;
    if (inT || lit.value.startsWith('flash.')) need(lit.value, at);
    else if (keys.has(lit.value)) used.add(lit.value);
  }
}

for (const path of files(join(root, 'templates'), (n) => n.endsWith('.mustache'))) checkTemplate(path);
for (const path of files(join(root, 'src'), (n) => /\.[ch]$/.test(n))) checkC(path);

const unused = [...keys].filter((k) => !used.has(k)).sort();
for (const k of unused) failures.push(`locale/en.json: "${k}" is used by no template or code; remove it`);

for (const f of failures) console.log(`not ok - ${f}`);
const total = checked + keys.size;
const failed = failures.length;
console.log(`words: ${checked} uses and ${keys.size} catalogue keys checked`);
console.log(`${total - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
