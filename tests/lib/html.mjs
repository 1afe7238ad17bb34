// Helpers for tests that talk to the HTML pages without a browser: cookies and forms.
import { rawRequest } from './server.mjs';

/** Decodes the few HTML entities a server-rendered attribute may carry. */
export function unescapeHtml(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attrs(tag) {
  const out = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let m;
  const inner = tag.replace(/^<\s*[a-zA-Z]+/, '').replace(/\/?>$/, '');
  while ((m = re.exec(inner))) {
    out[m[1].toLowerCase()] = unescapeHtml(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** The forms of a page: [{ action, method, attrs, inputs: [{ tag, name, type, value }], html }]. */
export function parseForms(html) {
  const forms = [];
  const re = /<form\b[^>]*>[\s\S]*?<\/form>/gi;
  let m;
  while ((m = re.exec(html))) {
    const formHtml = m[0];
    const open = /<form\b[^>]*>/i.exec(formHtml)[0];
    const a = attrs(open);
    const inputs = [];
    const ire = /<(input|button|select|textarea)\b[^>]*>/gi;
    let im;
    while ((im = ire.exec(formHtml))) {
      const ia = attrs(im[0]);
      inputs.push({ tag: im[1].toLowerCase(), name: ia.name, type: (ia.type || '').toLowerCase(), value: ia.value ?? '', attrs: ia });
    }
    forms.push({ action: a.action ?? '', method: (a.method || 'get').toLowerCase(), attrs: a, inputs, html: formHtml });
  }
  return forms;
}

/** The form that has an input with this name. */
export function formWith(html, inputName) {
  return parseForms(html).find((f) => f.inputs.some((i) => i.name === inputName));
}

/** The value of a cookie set by a response (Set-Cookie headers), or undefined. */
export function setCookie(headers, name) {
  const list = [].concat(headers['set-cookie'] || []);
  for (const c of list) {
    const [pair, ...rest] = c.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === name) {
      return { value: pair.slice(eq + 1).trim(), attributes: rest.map((s) => s.trim()), raw: c };
    }
  }
  return undefined;
}

/** An HTML request (Accept: text/html). form: an object sent urlencoded. Resolves with
 *  { status, headers, text }. Like a browser, anything but GET and HEAD says where it comes
 *  from: origin 'same' (the default) sends the server's own Origin, a string sends that one,
 *  null sends none. */
export async function page(server, method, path, { cookie, form, headers = {}, origin = 'same' } = {}) {
  const target = /^https?:/.test(path) ? path : server.url + path;
  const h = { accept: 'text/html,application/xhtml+xml', ...headers };
  if (origin && !['GET', 'HEAD'].includes(method)) h.origin = origin === 'same' ? new URL(target).origin : origin;
  let body;
  if (cookie) h.cookie = cookie;
  if (form) {
    body = new URLSearchParams(form).toString();
    h['content-type'] = 'application/x-www-form-urlencoded';
    h['content-length'] = String(Buffer.byteLength(body));
  }
  const r = await rawRequest(target, { method, headers: h, body });
  return { status: r.status, headers: r.headers, text: r.body.toString('utf8') };
}

/** Resolves a form's action against the page's path. */
export function actionPath(form, pagePath) {
  if (!form.action) return pagePath;
  return new URL(form.action, 'http://x' + pagePath).pathname + new URL(form.action, 'http://x' + pagePath).search;
}

/** The fields a browser would submit for a form (hidden inputs etc.), merged with values. */
export function formFields(form, values = {}) {
  const out = {};
  for (const i of form.inputs) {
    if (!i.name) continue;
    if (i.tag === 'button' || ['submit', 'button', 'reset', 'image', 'file'].includes(i.type)) continue;
    if ((i.type === 'checkbox' || i.type === 'radio') && !('checked' in i.attrs)) continue;
    out[i.name] = i.value;
  }
  return { ...out, ...values };
}
