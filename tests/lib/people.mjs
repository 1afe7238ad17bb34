// Helpers for the people suites (organisation, bulk upload): multipart uploads of CSV text
// and the preview/commit round trip of /api/v1/user-imports.
import { api, show } from './server.mjs';

/** Uploads csv (a string or Buffer) as the "file" field with the given form fields; resolves
 *  with { status, json, text }. */
export async function uploadCsv(server, token, csv, fields = {}, filename = 'people.csv') {
  const fd = new FormData();
  fd.append('file', new Blob([csv], { type: 'text/csv' }), filename);
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  const r = await fetch(`${server.url}/api/v1/user-imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    body: fd,
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}

/** Uploads and expects a preview (201); returns the import object. */
export async function preview(server, token, csv, fields = {}) {
  const r = await uploadCsv(server, token, csv, fields);
  if (r.status !== 201) throw new Error(`upload failed: ${r.status} ${r.text.slice(0, 600)}`);
  return r.json.import;
}

/** Commits an upload; resolves with the raw answer. */
export function commit(server, token, id, validOnly = false) {
  return api(server, 'POST', `/api/v1/user-imports/${id}/commit`, { token, body: { valid_only: validOnly } });
}

/** Uploads and commits (all rows); throws unless both succeed; returns the committed import. */
export async function importCsv(server, token, csv, fields = {}) {
  const p = await preview(server, token, csv, fields);
  const c = await commit(server, token, p.id, fields.valid_only === true);
  if (c.status !== 200) throw new Error(`commit failed: ${show(c)}\npreview: ${JSON.stringify(p.rows).slice(0, 800)}`);
  return c.json.import;
}

/** The row of a preview at a file line. */
export function rowAt(imp, line) {
  const row = imp.rows.find((r) => r.line === line);
  if (!row) throw new Error(`no row at line ${line}: ${JSON.stringify(imp.rows).slice(0, 600)}`);
  return row;
}
