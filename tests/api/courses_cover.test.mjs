// A course's cover image: uploaded into the content-addressed store, its type detected from the
// bytes (an image only), with required alternative text; shown in the catalogue and on the
// course page, served with its type to whoever may see the course.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, api, show, signIn, adminToken, createUser, rawRequest } from '../lib/server.mjs';

let server;
let admin;
let learner;
const PW = 'Amber-Falcon-Ridge-24';
// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'cleo', email: 'cleo@example.com', first_name: 'Cleo', last_name: 'Viewer', roles: ['learner'], password: PW });
  learner = await signIn(server, 'cleo', PW);
  await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code: 'COVER-1', title: 'Covered course', status: 'published' } });
  await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code: 'HIDDEN-1', title: 'Hidden course', status: 'draft' } });
});
after(async () => { if (server) await server.stop(); });

function multipart(fields, file) {
  const boundary = '----lectern' + Math.random().toString(16).slice(2);
  const parts = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}
const setCover = (code, fields, file, token = admin) => {
  const m = multipart(fields, file);
  return api(server, 'POST', `/api/v1/courses/${code}/cover`, { token, body: m.body, headers: { 'content-type': m.type } });
};
const get = (p, token = admin) => api(server, 'GET', p, { token });

test('bad covers are refused with a located error: not an image, a lying name, no alt text, learners', async () => {
  let r = await setCover('COVER-1', { alt: 'A fire exit' }, { name: 'cover.pdf', type: 'application/pdf', data: PDF });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'file');
  r = await setCover('COVER-1', { alt: 'A fire exit' }, { name: 'cover.png', type: 'image/png', data: PDF });
  assert.equal(r.status, 422, show(r));
  assert.match(r.json.error.message, /png/);
  r = await setCover('COVER-1', { alt: '  ' }, { name: 'cover.png', type: 'image/png', data: PNG });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'alt');
  r = await setCover('COVER-1', { alt: 'Only text' });
  assert.equal(r.status, 422, 'no cover yet to describe');
  r = await setCover('COVER-1', { alt: 'A fire exit' }, { name: 'cover.png', type: 'image/png', data: PNG }, learner);
  assert.equal(r.status, 403, show(r));
  assert.equal((await get('/api/v1/courses/COVER-1')).json.course.cover, null);
});

test('a cover is stored content-addressed and shown in the catalogue and on the course page', async () => {
  let r = await setCover('COVER-1', { alt: 'A green fire exit sign' }, { name: 'cover.png', type: 'image/png', data: PNG });
  assert.equal(r.status, 200, show(r));
  const sha = crypto.createHash('sha256').update(PNG).digest('hex');
  assert.equal(r.json.course.cover.alt, 'A green fire exit sign');
  assert.equal(r.json.course.cover.href, `/courses/COVER-1/cover?v=${sha.slice(0, 12)}`);
  assert.ok(fs.existsSync(path.join(server.dataDir, 'files', sha)), 'stored under its SHA-256');
  // served to a learner who may see the course, with its type
  const img = await rawRequest(server.url + r.json.course.cover.href, { headers: { authorization: `Bearer ${learner}` } });
  assert.equal(img.status, 200);
  assert.equal(img.headers['content-type'], 'image/png');
  assert.equal(img.headers['x-content-type-options'], 'nosniff');
  assert.ok(img.body.equals(PNG));
  const cat = await get('/api/v1/courses?q=covered', learner);
  assert.equal(cat.json.items[0].cover.alt, 'A green fire exit sign');
  const html = await api(server, 'GET', '/courses?q=covered', { token: learner, headers: { accept: 'text/html' } });
  assert.match(html.text, new RegExp(`<img[^>]+src="/courses/COVER-1/cover\\?v=${sha.slice(0, 12)}"[^>]+alt="A green fire exit sign"`));
  const pageHtml = await api(server, 'GET', '/courses/COVER-1', { token: learner, headers: { accept: 'text/html' } });
  assert.match(pageHtml.text, /alt="A green fire exit sign"/);
  // the text alone can change; a copy keeps the cover
  r = await setCover('COVER-1', { alt: 'Fire exit' });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.course.cover.alt, 'Fire exit');
  await api(server, 'POST', '/api/v1/courses/COVER-1/copy', { token: admin, body: { new_code: 'COVER-2' } });
  assert.equal((await get('/api/v1/courses/COVER-2')).json.course.cover.alt, 'Fire exit');
});

test("a hidden course's cover is not served to learners; removing the cover", async () => {
  let r = await setCover('HIDDEN-1', { alt: 'Secret' }, { name: 'c.png', type: 'image/png', data: PNG });
  assert.equal(r.status, 200, show(r));
  assert.equal((await get('/courses/HIDDEN-1/cover', learner)).status, 404);
  r = await api(server, 'DELETE', '/api/v1/courses/COVER-1/cover', { token: admin });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.course.cover, null);
  assert.equal((await get('/courses/COVER-1/cover', learner)).status, 404);
  const audit = (await get('/api/v1/audit?limit=200')).json.items.map((x) => x.action);
  assert.ok(audit.includes('course.cover') && audit.includes('course.cover_remove'));
});
