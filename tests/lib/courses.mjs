// Courses for suites whose subject lies elsewhere (programmes, certifications): made through the
// API as an administrator.
import assert from 'node:assert/strict';
import { api, show } from './server.mjs';

/** An API caller as token that fails the test on any answer but 2xx; returns the JSON. */
export function caller(server, token) {
  return async (method, path, body) => {
    const r = await api(server, method, path, { token, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
}

/** A published course with one page; viewing the page as an enrolled learner completes the
 *  course. Returns the page's activity id. */
export async function courseWithPage(server, token, code, title = `Course ${code}`) {
  const call = caller(server, token);
  await call('POST', '/api/v1/courses', { code, title, status: 'published' });
  const section = (await call('POST', `/api/v1/courses/${code}/sections`, { title: 'Part one' })).id;
  return (await call('POST', `/api/v1/courses/${code}/activities`, { section_id: section, kind: 'page', title: `Read ${code}`, body: 'Text' })).activity.id;
}
