// Course content and progress: sections of activities (page, file, link), files stored
// content-addressed with their type checked from the bytes, Content-Type and
// Content-Disposition, byte ranges, the policy gate, completion by kind, marking done, course
// completion at 100%, and the query budget of the course page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { startServer, api, show, signIn, adminToken, createUser, rawRequest } from '../lib/server.mjs';

let server;
let admin;
let learner;
const PW = 'Amber-Falcon-Ridge-24';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(4000, 7)]);

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'lena', email: 'lena@example.com', first_name: 'Lena', last_name: 'L', roles: ['learner'], password: PW });
  learner = await signIn(server, 'lena', PW);
});
after(async () => { if (server) await server.stop(); });

const post = (p, body, token = admin) => api(server, 'POST', p, { token, body });
const get = (p, token = admin) => api(server, 'GET', p, { token });

function multipart(fields, file) {
  const boundary = '----lectern' + Math.random().toString(16).slice(2);
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}
const addFile = (code, fields, file, token = admin) => {
  const m = multipart({ kind: 'file', ...fields }, file);
  return api(server, 'POST', `/api/v1/courses/${code}/activities`, { token, body: m.body, headers: { 'content-type': m.type } });
};

let section;
let page;
let pdf;
let link;
let optional;
test('sections and activities: page, file and link; bad kinds, titles, links refused', async () => {
  let r = await post('/api/v1/courses', { code: 'SAFE-1', title: 'Safety', status: 'published', policy: 'Be **careful**.' });
  assert.equal(r.status, 201, show(r));
  r = await post('/api/v1/courses/SAFE-1/sections', { title: 'Week 1' });
  assert.equal(r.status, 201, show(r));
  section = r.json.id;
  r = await post('/api/v1/courses/SAFE-1/activities', { section_id: section, kind: 'page', title: 'Read me', body: '# Hello\n\n<img src=x onerror=alert(1)>' });
  assert.equal(r.status, 201, show(r));
  page = r.json.activity.id;
  assert.ok(!/onerror/.test(r.json.activity.body_html), r.json.activity.body_html);
  r = await addFile('SAFE-1', { section_id: section, title: 'Handbook' }, { name: 'handbook.pdf', type: 'application/pdf', data: PDF });
  assert.equal(r.status, 201, show(r));
  pdf = r.json.activity.id;
  assert.equal(r.json.activity.file.type, 'application/pdf');
  assert.equal(r.json.activity.file.sha256, crypto.createHash('sha256').update(PDF).digest('hex'));
  r = await post('/api/v1/courses/SAFE-1/activities', { section_id: section, kind: 'link', title: 'Regulator', url: 'https://example.com/rules' });
  assert.equal(r.status, 201, show(r));
  link = r.json.activity.id;
  r = await post('/api/v1/courses/SAFE-1/activities', { section_id: section, kind: 'page', title: 'Extra', body: 'More', required: false, allow_mark_done: true });
  optional = r.json.activity.id;
  const bad = async (body, field, what) => {
    const x = await post('/api/v1/courses/SAFE-1/activities', { section_id: section, ...body });
    assert.equal(x.status, 422, `${what}: ${show(x)}`);
    assert.equal(x.json.error.field, field, `${what}: ${show(x)}`);
  };
  await bad({ kind: 'forum', title: 'Q' }, 'kind', 'unknown kind');
  await bad({ kind: 'page', title: '', body: 'x' }, 'title', 'no title');
  await bad({ kind: 'page', title: 'P' }, 'body', 'empty page');
  await bad({ kind: 'link', title: 'L', url: 'javascript:alert(1)' }, 'url', 'javascript link');
  await bad({ kind: 'page', title: 'P', body: 'x', section_id: 9999 }, 'section_id', 'unknown section');
  const c = (await get('/api/v1/courses/SAFE-1')).json;
  assert.deepEqual(c.sections[0].activities.map((a) => a.title), ['Read me', 'Handbook', 'Regulator', 'Extra']);
  assert.equal(c.progress.required, 3);
});

test('files: type from the bytes must match the claim; content-addressed and deduplicated', async () => {
  let r = await addFile('SAFE-1', { section_id: section, title: 'Fake' }, { name: 'fake.pdf', type: 'application/pdf', data: Buffer.from('MZ\x90\x00 not a pdf at all') });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'file');
  assert.match(r.json.error.message, /pdf/);
  r = await addFile('SAFE-1', { section_id: section, title: 'Exe' }, { name: 'tool.exe', type: 'application/octet-stream', data: Buffer.from('MZ\x90\x00') });
  assert.equal(r.status, 422, show(r));
  r = await addFile('SAFE-1', { section_id: section, title: 'Video', required: 'false' }, { name: 'clip.mp4', type: 'video/mp4', data: MP4 });
  assert.equal(r.status, 201, show(r));
  r = await addFile('SAFE-1', { section_id: section, title: 'Handbook again', required: 'false' }, { name: 'copy.pdf', type: 'application/pdf', data: PDF });
  assert.equal(r.status, 201, show(r));
  const sha = crypto.createHash('sha256').update(PDF).digest('hex');
  const stored = path.join(server.dataDir, 'files', sha);
  assert.ok(fs.existsSync(stored), `stored at ${stored}`);
  assert.ok(fs.readFileSync(stored).equals(PDF));
  const names = fs.readdirSync(path.join(server.dataDir, 'files')).filter((n) => !n.startsWith('.'));
  assert.equal(names.filter((n) => n === sha).length, 1, 'stored once');
  const c = (await get('/api/v1/courses/SAFE-1')).json;
  const titles = c.sections[0].activities.map((a) => a.title);
  assert.ok(!titles.includes('Fake') && !titles.includes('Exe'), 'nothing half-written');
});

test('activities are for enrolled people; the policy must be acknowledged before starting', async () => {
  let r = await get(`/api/v1/courses/SAFE-1/activities/${page}`, learner);
  assert.equal(r.status, 403, show(r));
  assert.equal(r.json.error.field, 'code');
  assert.match(r.json.error.message, /Enrol/);
  r = await rawRequest(`${server.url}/api/v1/courses/SAFE-1/activities/${pdf}/file`, { headers: { authorization: `Bearer ${learner}` } });
  assert.equal(r.status, 403);
  r = await post('/api/v1/courses/SAFE-1/enrolments', { username: 'lena' });
  assert.equal(r.status, 201, show(r));
  r = await get(`/api/v1/courses/SAFE-1/activities/${page}`, learner);
  assert.equal(r.status, 403, show(r));
  assert.equal(r.json.error.field, 'policy');
  r = await post('/api/v1/courses/SAFE-1/policy/acknowledgements', {}, learner);
  assert.equal(r.status, 200, show(r));
});

test('completion by kind: page viewed, file opened (with ranges), link followed; 100% completes the course', async () => {
  let c = (await get('/api/v1/courses/SAFE-1', learner)).json;
  assert.equal(c.progress.percent, 0);
  assert.equal(c.progress.next.title, 'Read me');
  let r = await get(`/api/v1/courses/SAFE-1/activities/${page}`, learner);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.activity.completed, true);
  c = (await get('/api/v1/courses/SAFE-1', learner)).json;
  assert.equal(c.progress.percent, 33);
  assert.equal(c.progress.last.title, 'Read me', 'where the learner left off');
  assert.equal(c.progress.next.title, 'Handbook');

  // The file: full, then a range, then an unsatisfiable range.
  const url = `${server.url}/courses/SAFE-1/activities/${pdf}/file`;
  const auth = { authorization: `Bearer ${learner}` };
  r = await rawRequest(url, { headers: auth });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/pdf');
  assert.match(r.headers['content-disposition'], /^inline; filename="handbook.pdf"/);
  assert.equal(r.headers['accept-ranges'], 'bytes');
  assert.ok(r.body.equals(PDF));
  r = await rawRequest(url, { headers: { ...auth, range: 'bytes=5-9' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers['content-range'], `bytes 5-9/${PDF.length}`);
  assert.equal(r.body.toString(), PDF.subarray(5, 10).toString());
  r = await rawRequest(url, { headers: { ...auth, range: 'bytes=-4' } });
  assert.equal(r.status, 206);
  assert.equal(r.body.toString(), PDF.subarray(PDF.length - 4).toString());
  r = await rawRequest(url, { headers: { ...auth, range: `bytes=${PDF.length}-` } });
  assert.equal(r.status, 416);
  assert.equal(r.headers['content-range'], `bytes */${PDF.length}`);
  c = (await get('/api/v1/courses/SAFE-1', learner)).json;
  assert.equal(c.progress.percent, 66);
  assert.equal(c.course.enrolment.completed, false);

  // Marking done works only where allowed.
  r = await post(`/api/v1/courses/SAFE-1/activities/${link}/done`, {}, learner);
  assert.equal(r.status, 409, show(r));
  r = await post(`/api/v1/courses/SAFE-1/activities/${optional}/done`, {}, learner);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.activity.completed, true);

  // Following the link completes the course.
  r = await rawRequest(`${server.url}/courses/SAFE-1/activities/${link}/go`, { headers: auth });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, 'https://example.com/rules');
  c = (await get('/api/v1/courses/SAFE-1', learner)).json;
  assert.equal(c.progress.percent, 100);
  assert.equal(c.course.enrolment.completed, true);
  assert.equal(c.progress.next?.title ?? null, 'Video', 'optional items may remain');
  const e = (await get('/api/v1/courses/SAFE-1/enrolments')).json.items.find((x) => x.username === 'lena');
  assert.equal(e.completed, true);
  assert.match(e.last_access_at, /^\d{4}-/);
});

test('a document is served as an attachment under a safe name', async () => {
  const docx = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 1)]);
  const r = await addFile('SAFE-1', { section_id: section, title: 'Form', required: 'false' }, { name: 'Form A (v2) é.docx', type: 'application/octet-stream', data: docx });
  assert.equal(r.status, 201, show(r));
  const f = await rawRequest(`${server.url}/courses/SAFE-1/activities/${r.json.activity.id}/file`, { headers: { authorization: `Bearer ${admin}` } });
  assert.equal(f.status, 200);
  assert.match(f.headers['content-type'], /wordprocessingml/);
  assert.match(f.headers['content-disposition'], /^attachment; filename="Form_A__v2____.docx"; filename\*=UTF-8''Form%20A%20%28v2%29%20%C3%A9.docx$/);
  assert.equal(f.headers['x-content-type-options'], 'nosniff');
});

test('the course page runs a fixed number of queries', async () => {
  for (let i = 0; i < 10; i++) await post('/api/v1/courses/SAFE-1/activities', { section_id: section, kind: 'page', title: `P${i}`, body: 'x', required: false });
  const r = await get('/api/v1/courses/SAFE-1', learner);
  const n = Number(r.headers['x-lectern-queries']);
  assert.ok(n >= 1 && n <= 5, `${n} queries`);
});

test('My training: enrolled courses with progress, due dates, overdue, next activity; recently completed; fixed queries', async () => {
  await post('/api/v1/courses', { code: 'LATE-1', title: 'Late course', status: 'published' });
  const s = (await post('/api/v1/courses/LATE-1/sections', { title: 'Only' })).json.id;
  const a = (await post('/api/v1/courses/LATE-1/activities', { section_id: s, kind: 'page', title: 'First page', body: 'x' })).json.activity.id;
  await post('/api/v1/courses/LATE-1/enrolments', { username: 'lena', due: '2020-06-30' });
  for (let i = 0; i < 8; i++) {
    await post('/api/v1/courses', { code: `MANY-${i}`, title: `Many ${i}`, status: 'published' });
    await post(`/api/v1/courses/MANY-${i}/enrolments`, { username: 'lena', due: `2030-01-0${i + 1}` });
  }
  const r = await get('/api/v1/me/dashboard', learner);
  assert.equal(r.status, 200, show(r));
  const mine = r.json.learner;
  assert.equal(mine.courses[0].code, 'LATE-1', 'earliest due first');
  assert.equal(mine.courses[0].overdue, true);
  assert.equal(mine.courses[0].due, '2020-06-30');
  assert.equal(mine.courses[0].percent, 0);
  assert.deepEqual(mine.courses[0].next, { id: a, title: 'First page' });
  assert.equal(mine.courses.length, 9);
  assert.deepEqual(mine.recently_completed.map((c) => c.code), ['SAFE-1']);
  assert.equal(mine.recently_completed[0].percent, 100);
  const n = Number(r.headers['x-lectern-queries']);
  assert.ok(n >= 1 && n <= 5, `${n} queries`);
  const html = await api(server, 'GET', '/', { token: learner, headers: { accept: 'text/html' } });
  assert.equal(html.status, 200);
  assert.match(html.text, /Late course/);
  assert.match(html.text, /<progress/);
});

test('My training follows every change to a course outline at once: add, rename, require, move, delete', async () => {
  await post('/api/v1/courses', { code: 'OUT-1', title: 'Outline course', status: 'published' });
  const s1 = (await post('/api/v1/courses/OUT-1/sections', { title: 'One' })).json.id;
  const a1 = (await post('/api/v1/courses/OUT-1/activities', { section_id: s1, kind: 'page', title: 'Intro', body: 'x' })).json.activity.id;
  await post('/api/v1/courses/OUT-1/enrolments', { username: 'lena' });
  const patch = (p, body) => api(server, 'PATCH', p, { token: admin, body });
  const mine = async () => {
    const r = await get('/api/v1/me/dashboard', learner);
    assert.equal(r.status, 200, show(r));
    return r.json.learner.courses.find((c) => c.code === 'OUT-1');
  };
  let c = await mine(); /* the outline is now in memory */
  assert.deepEqual([c.required, c.required_done, c.next], [1, 0, { id: a1, title: 'Intro' }]);

  assert.equal((await patch(`/api/v1/courses/OUT-1/activities/${a1}`, { title: 'Welcome' })).status, 200);
  c = await mine();
  assert.deepEqual(c.next, { id: a1, title: 'Welcome' }, 'a rename is seen');

  const s2 = (await post('/api/v1/courses/OUT-1/sections', { title: 'Two' })).json.id;
  const a2 = (await post('/api/v1/courses/OUT-1/activities', { section_id: s2, kind: 'page', title: 'Later', body: 'x' })).json.activity.id;
  c = await mine();
  assert.equal(c.required, 2, 'a new required activity counts');

  assert.equal((await patch(`/api/v1/courses/OUT-1/sections/${s2}`, { move: 'up' })).status, 200);
  c = await mine();
  assert.deepEqual(c.next, { id: a2, title: 'Later' }, 'the moved-up section comes first');

  assert.equal((await get(`/api/v1/courses/OUT-1/activities/${a2}`, learner)).status, 200); /* a page is done when viewed */
  c = await mine();
  assert.deepEqual([c.required_done, c.percent, c.next.id], [1, 50, a1]);

  assert.equal((await api(server, 'DELETE', `/api/v1/courses/OUT-1/activities/${a2}`, { token: admin })).status, 200);
  c = await mine();
  assert.deepEqual([c.required, c.required_done, c.next.id], [1, 0, a1], 'a deleted activity leaves the count');

  assert.equal((await api(server, 'DELETE', `/api/v1/courses/OUT-1/sections/${s1}`, { token: admin })).status, 200);
  c = await mine();
  assert.deepEqual([c.required, c.percent, c.next], [0, 0, null], 'an empty outline');
});

test('My training shows a course renamed or given a new code at once', async () => {
  await post('/api/v1/courses', { code: 'NAME-1', title: 'First name', status: 'published' });
  await post('/api/v1/courses/NAME-1/enrolments', { username: 'lena' });
  const titles = async () => {
    const r = await get('/api/v1/me/dashboard', learner);
    assert.equal(r.status, 200, show(r));
    return r.json.learner.courses.map((c) => `${c.code} ${c.title}`);
  };
  for (let i = 0; i < 2; i++) assert.ok((await titles()).includes('NAME-1 First name')); /* now in memory */
  const r = await api(server, 'PATCH', '/api/v1/courses/NAME-1', { token: admin, body: { code: 'NAME-2', title: 'Second name' } });
  assert.equal(r.status, 200, show(r));
  const now = await titles();
  assert.ok(now.includes('NAME-2 Second name'), now.join(', '));
  assert.ok(!now.some((t) => t.startsWith('NAME-1')), now.join(', '));
  const page = (await rawRequest(server.url + '/', { headers: { cookie: `lectern_session=${learner}` } })).body.toString('utf8');
  assert.match(page, /href="\/courses\/NAME-2">Second name</, 'the page shows the new name too');
});

test('a copy brings the sections and activities along (files shared), but no progress', async () => {
  const r = await post('/api/v1/courses/SAFE-1/copy', { new_code: 'SAFE-2' });
  assert.equal(r.status, 201, show(r));
  const src = (await get('/api/v1/courses/SAFE-1')).json;
  const copy = (await get('/api/v1/courses/SAFE-2')).json;
  assert.deepEqual(copy.sections.map((s) => s.title), src.sections.map((s) => s.title));
  assert.deepEqual(copy.sections[0].activities.map((a) => [a.kind, a.title, a.required]),
    src.sections[0].activities.map((a) => [a.kind, a.title, a.required]));
  assert.ok(copy.sections[0].activities.every((a) => !a.completed));
  const handbook = copy.sections[0].activities.find((a) => a.title === 'Handbook');
  const f = (await get(`/api/v1/courses/SAFE-2/activities/${handbook.id}`)).json.activity.file;
  assert.equal(f.sha256, crypto.createHash('sha256').update(PDF).digest('hex'));
});
