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

/** Asks for the commit of an upload; resolves with the raw answer (202 and the import in
 *  status "committing" when the job was queued). */
export function commitAsync(server, token, id, validOnly = false) {
  return api(server, 'POST', `/api/v1/user-imports/${id}/commit`, { token, body: { valid_only: validOnly } });
}

/** Polls GET /api/v1/user-imports/{id} until the commit has finished ("committed" or
 *  "failed"); calls onPoll with each import seen; resolves with the last answer. */
export async function waitForCommit(server, token, id, { timeoutMs = 60000, onPoll } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api(server, 'GET', `/api/v1/user-imports/${id}`, { token });
    if (r.status !== 200) throw new Error(`reading import ${id} failed: ${show(r)}`);
    if (onPoll) onPoll(r.json.import);
    if (r.json.import.status === 'committed' || r.json.import.status === 'failed') return r;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${r.json.import.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Commits an upload and waits for the job; resolves like the synchronous commit did: 200
 *  with the committed import, 422 with the error when the job failed, or the refusal (422,
 *  409) that the request itself gave. */
export async function commit(server, token, id, validOnly = false) {
  const c = await commitAsync(server, token, id, validOnly);
  if (c.status !== 202) return c;
  const r = await waitForCommit(server, token, id);
  const imp = r.json.import;
  if (imp.status === 'failed') {
    return { ...r, status: 422, json: { ...r.json, error: { code: 'invalid', message: imp.error } } };
  }
  return r;
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
