// Courses: categories (nested, loops refused), courses (code unique, dates, kinds, Markdown
// rendered safe), tags, copy, archive, the catalogue's search and filters with each result's
// enrolment state, policy acknowledgement, manual enrolment, and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

let server;
let admin;
let learner;
let teacher;
const PW = 'Amber-Falcon-Ridge-24';
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'lena', email: 'lena@example.com', first_name: 'Lena', last_name: 'Learner', roles: ['learner'], password: PW });
  await createUser(server, { username: 'ivan', email: 'ivan@example.com', first_name: 'Ivan', last_name: 'Instructor', roles: ['instructor'], password: PW });
  await createUser(server, { username: 'otto', email: 'otto@example.com', first_name: 'Otto', last_name: 'Other', roles: ['learner'], password: PW });
  learner = await signIn(server, 'lena', PW);
  teacher = await signIn(server, 'ivan', PW);
});
after(async () => { if (server) await server.stop(); });

const post = (path, body, token = admin) => api(server, 'POST', path, { token, body });
const get = (path, token = admin) => api(server, 'GET', path, { token });
const patch = (path, body, token = admin) => api(server, 'PATCH', path, { token, body });
const del = (path, token = admin) => api(server, 'DELETE', path, { token });

function expectError(r, status, field, what) {
  assert.equal(r.status, status, `${what}: ${show(r)}`);
  assert.equal(r.json?.error?.field, field, `${what}: ${show(r)}`);
  assert.ok(r.json.error.message.length > 10, `${what}: the message says what to fix`);
}

let health;
let fire;
test('categories nest, show their path, and refuse a loop', async () => {
  let r = await post('/api/v1/categories', { name: 'Health' });
  assert.equal(r.status, 201, show(r));
  health = r.json.id;
  r = await post('/api/v1/categories', { name: 'Fire safety', parent_id: health });
  assert.equal(r.status, 201, show(r));
  fire = r.json.id;
  const leaf = (await post('/api/v1/categories', { name: 'Drills', parent_id: fire })).json.id;
  r = await get('/api/v1/categories');
  assert.deepEqual(r.json.items.map((c) => c.path), ['Health', 'Health / Fire safety', 'Health / Fire safety / Drills']);
  expectError(await patch(`/api/v1/categories/${health}`, { parent_id: leaf }), 422, 'parent_id', 'a loop');
  expectError(await patch(`/api/v1/categories/${health}`, { parent_id: health }), 422, 'parent_id', 'under itself');
  expectError(await post('/api/v1/categories', { name: 'Fire safety', parent_id: health }), 409, 'name', 'a twin');
  expectError(await post('/api/v1/categories', { name: 'A / B' }), 422, 'name', 'a slash');
  expectError(await post('/api/v1/categories', { name: 'X', parent_id: 99999 }), 422, 'parent_id', 'unknown parent');
  r = await get('/api/v1/categories');
  assert.equal(r.json.items.length, 3, 'nothing half-written');
  expectError(await post('/api/v1/categories', { name: 'Nope' }, learner), 403, undefined, 'a learner');
});

test('create a course: 201 with every field; the summary is rendered safe', async () => {
  const r = await post('/api/v1/courses', {
    code: 'FIRE-101', title: 'Fire safety basics', category_id: fire, kind: 'blended', status: 'published',
    summary: 'Learn **evacuation**.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) and ~~old~~',
    start_date: '2027-01-10', end_date: '2027-03-31', duration_minutes: 90, tags: ['Safety', 'fire', 'safety'],
    policy: 'I will **not** use the lift in a fire.',
  });
  assert.equal(r.status, 201, show(r));
  const c = r.json.course;
  assert.equal(c.code, 'FIRE-101');
  assert.equal(c.kind, 'blended');
  assert.equal(c.status, 'published');
  assert.equal(c.visible, true);
  assert.equal(c.start_date, '2027-01-10');
  assert.equal(c.end_date, '2027-03-31');
  assert.equal(c.duration_minutes, 90);
  assert.deepEqual(c.tags, ['safety', 'fire']);
  assert.equal(c.category, 'Health / Fire safety');
  assert.equal(c.policy_version, 1);
  assert.match(c.summary_html, /<strong>evacuation<\/strong>/);
  assert.match(c.summary_html, /<del>old<\/del>/);
  assert.ok(!/<script/i.test(c.summary_html), c.summary_html);
  assert.ok(!/javascript:/i.test(c.summary_html), c.summary_html);
  assert.equal(c.enrolment, null);
});

test('dates after 2038 are kept on both engines (epoch seconds beyond 32 bits)', async () => {
  let r = await post('/api/v1/courses', { code: 'LATE-1', title: 'Far future', start_date: '2040-02-01', end_date: '2041-06-30' });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.course.start_date, '2040-02-01');
  assert.equal(r.json.course.end_date, '2041-06-30');
  r = await api(server, 'PATCH', '/api/v1/courses/LATE-1', { token: admin, body: { end_date: '2045-12-31' } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.course.end_date, '2045-12-31');
});

test('course rules: unique code, end after start, kinds, statuses, dates, unknown category', async () => {
  const base = { code: 'X-1', title: 'X' };
  expectError(await post('/api/v1/courses', { code: 'FIRE-101', title: 'Again' }), 409, 'code', 'duplicate code');
  expectError(await post('/api/v1/courses', { ...base, start_date: '2027-02-01', end_date: '2027-01-01' }), 422, 'end_date', 'end before start');
  expectError(await post('/api/v1/courses', { ...base, start_date: '2027-02-01', end_date: '2027-02-01' }), 422, 'end_date', 'end equal to start');
  expectError(await post('/api/v1/courses', { ...base, start_date: '2027-02-30' }), 422, 'start_date', 'no such day');
  expectError(await post('/api/v1/courses', { ...base, kind: 'webinar' }), 422, 'kind', 'unknown kind');
  expectError(await post('/api/v1/courses', { ...base, status: 'live' }), 422, 'status', 'unknown status');
  expectError(await post('/api/v1/courses', { ...base, category_id: 4242 }), 422, 'category_id', 'unknown category');
  expectError(await post('/api/v1/courses', { code: 'bad code!', title: 'X' }), 422, 'code', 'bad code');
  expectError(await post('/api/v1/courses', { code: 'X-1' }), 422, 'title', 'no title');
  expectError(await post('/api/v1/courses', { title: 'No code' }), 422, 'code', 'no code');
  assert.equal((await get('/api/v1/courses/X-1')).status, 404, 'nothing half-written');
  expectError(await post('/api/v1/courses', { code: 'L-1', title: 'L' }, learner), 403, undefined, 'a learner cannot create');
});

test('PATCH changes fields, keeps the rest; a new policy text bumps its version', async () => {
  let r = await patch('/api/v1/courses/FIRE-101', { title: 'Fire safety essentials', end_date: '2027-04-30' });
  assert.equal(r.status, 200, show(r));
  r = await get('/api/v1/courses/FIRE-101');
  assert.equal(r.json.course.title, 'Fire safety essentials');
  assert.equal(r.json.course.end_date, '2027-04-30');
  assert.equal(r.json.course.start_date, '2027-01-10');
  assert.equal(r.json.course.kind, 'blended');
  assert.deepEqual(r.json.course.tags, ['safety', 'fire']);
  assert.equal(r.json.course.policy_version, 1);
  expectError(await patch('/api/v1/courses/FIRE-101', { end_date: '2026-01-01' }), 422, 'end_date', 'end before start');
  r = await patch('/api/v1/courses/FIRE-101', { policy: 'I will **not** use the lift. I will meet at the assembly point.' });
  assert.equal(r.status, 200, show(r));
  assert.equal((await get('/api/v1/courses/FIRE-101')).json.course.policy_version, 2);
  expectError(await patch('/api/v1/courses/NOPE', { title: 'x' }), 404, 'code', 'unknown course');
  expectError(await patch('/api/v1/courses/FIRE-101', { title: 'x' }, teacher), 403, undefined, 'an instructor cannot edit');
});

test('catalogue: full-text search over code, title and summary; filters; drafts hidden from learners', async () => {
  await post('/api/v1/courses', { code: 'FORK-201', title: 'Forklift driving', kind: 'classroom', status: 'published', summary: 'Pallets and loads.', tags: 'warehouse' });
  await post('/api/v1/courses', { code: 'DRAFT-1', title: 'Unfinished fire course', status: 'draft' });
  await post('/api/v1/courses', { code: 'HIDDEN-1', title: 'Hidden fire course', status: 'published', visible: false });
  const codes = (r) => r.json.items.map((c) => c.code).sort();
  let r = await get('/api/v1/courses?q=fire', learner);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(codes(r), ['FIRE-101']);
  r = await get('/api/v1/courses?q=fire&all=true');
  assert.deepEqual(codes(r), ['DRAFT-1', 'FIRE-101', 'HIDDEN-1']);
  r = await get('/api/v1/courses?q=fire&all=true', learner);
  assert.deepEqual(codes(r), ['FIRE-101'], 'all is for course managers only');
  assert.deepEqual(codes(await get('/api/v1/courses?q=pallet', learner)), ['FORK-201'], 'summary, by prefix');
  assert.deepEqual(codes(await get('/api/v1/courses?q=FORK-201', learner)), ['FORK-201'], 'code');
  assert.deepEqual(codes(await get('/api/v1/courses?q=evacuation%20lift', learner)), [], 'every word must match');
  assert.deepEqual(codes(await get('/api/v1/courses?q=%22%27%29(*', learner)), ['FIRE-101', 'FORK-201'], 'punctuation only: everything');
  assert.deepEqual(codes(await get('/api/v1/courses?kind=classroom', learner)), ['FORK-201']);
  assert.deepEqual(codes(await get('/api/v1/courses?tag=Safety', learner)), ['FIRE-101']);
  assert.deepEqual(codes(await get(`/api/v1/courses?category_id=${health}`, learner)), ['FIRE-101'], 'a category includes its subtree');
  r = await get('/api/v1/courses?per_page=1', learner);
  assert.equal(r.json.total, 2);
  assert.equal(r.json.items.length, 1);
  assert.ok(r.json.next, show(r));
  assert.equal((await get('/api/v1/courses/DRAFT-1', learner)).status, 404, 'a draft is not shown to learners');
  assert.equal((await get('/api/v1/courses/DRAFT-1')).status, 200);
  const item = (await get('/api/v1/courses?q=fire', learner)).json.items[0];
  assert.equal(item.enrolment, null);
  assert.equal(item.join, 'ask');
});

test('search, the course page and the catalogue run a fixed number of queries', async () => {
  for (let i = 0; i < 12; i++) await post('/api/v1/courses', { code: `BULK-${i}`, title: `Bulk course ${i}`, status: 'published', tags: 'bulk,many' });
  for (const path of ['/api/v1/courses?q=bulk', '/api/v1/courses?per_page=100', '/api/v1/courses/FIRE-101']) {
    const r = await get(path, learner);
    assert.equal(r.status, 200, show(r));
    const n = Number(r.headers['x-lectern-queries']);
    assert.ok(n >= 1 && n <= 5, `${path}: ${n} queries`);
  }
});

test('enrolment: manual by an administrator, roles, due dates, twice refused, unenrol keeps history', async () => {
  let r = await post('/api/v1/courses/FIRE-101/enrolments', { username: 'lena', role: 'learner', due: '2027-02-15' });
  assert.equal(r.status, 201, show(r));
  expectError(await post('/api/v1/courses/FIRE-101/enrolments', { username: 'lena' }), 409, 'username', 'twice');
  expectError(await post('/api/v1/courses/FIRE-101/enrolments', { username: 'nobody' }), 422, 'username', 'unknown person');
  expectError(await post('/api/v1/courses/FIRE-101/enrolments', { username: 'otto', role: 'owner' }), 422, 'role', 'unknown role');
  expectError(await post('/api/v1/courses/FIRE-101/enrolments', { username: 'otto', due: '2027-01-01' }), 422, 'due', 'due before the start');
  expectError(await post('/api/v1/courses/FIRE-101/enrolments', { username: 'otto', due: 'soon' }), 422, 'due', 'not a date');
  r = await post('/api/v1/courses/FIRE-101/enrolments', { username: 'ivan', role: 'instructor' });
  assert.equal(r.status, 201, show(r));
  r = await get('/api/v1/courses/FIRE-101/enrolments');
  assert.deepEqual(r.json.items.map((e) => [e.username, e.role, e.due, e.overdue]),
    [['ivan', 'instructor', null, false], ['lena', 'learner', '2027-02-15', false]]);
  // The learner sees their enrolment in the catalogue and on the course.
  const mine = (await get('/api/v1/courses?q=fire', learner)).json.items[0];
  assert.deepEqual(mine.enrolment, { role: 'learner', due: '2027-02-15', overdue: false, completed: false });
  assert.equal(mine.join, null);
  // An instructor enrols in the course they teach, not in others.
  r = await post('/api/v1/courses/FIRE-101/enrolments', { username: 'otto' }, teacher);
  assert.equal(r.status, 201, show(r));
  expectError(await post('/api/v1/courses/FORK-201/enrolments', { username: 'otto' }, teacher), 403, undefined, 'not their course');
  assert.equal((await post('/api/v1/courses/FIRE-101/enrolments', { username: 'otto' }, learner)).status, 403);
  // Unenrol, then enrol again: the old row stays as history.
  r = await del('/api/v1/courses/FIRE-101/enrolments/otto', teacher);
  assert.equal(r.status, 200, show(r));
  assert.ok(!r.json.enrolments.some((e) => e.username === 'otto'));
  expectError(await del('/api/v1/courses/FIRE-101/enrolments/otto'), 404, 'username', 'not enrolled');
  r = await post('/api/v1/courses/FIRE-101/enrolments', { username: 'otto' });
  assert.equal(r.status, 201, show(r));
  const audit = await get('/api/v1/audit?limit=50');
  const actions = audit.json.items ? audit.json.items.map((e) => e.action) : JSON.stringify(audit.json);
  assert.ok(actions.includes('enrolment.end'), show(audit));
});

test('a past due date makes an enrolment overdue (computed, not stored)', async () => {
  await post('/api/v1/courses', { code: 'PAST-1', title: 'Past course', status: 'published' });
  const r = await post('/api/v1/courses/PAST-1/enrolments', { username: 'lena', due: '2020-01-01' });
  assert.equal(r.status, 201, show(r));
  const c = (await get('/api/v1/courses/PAST-1', learner)).json.course;
  assert.equal(c.enrolment.overdue, true);
  assert.equal(c.enrolment.due, '2020-01-01');
});

test('policy acknowledgement is recorded with its version; a new version asks again', async () => {
  let c = (await get('/api/v1/courses/FIRE-101', learner)).json.course;
  assert.equal(c.policy_acknowledged, false);
  assert.match(c.policy_html, /<strong>not<\/strong>/);
  let r = await post('/api/v1/courses/FIRE-101/policy/acknowledgements', {}, learner);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.acknowledgement.version, 2);
  assert.match(r.json.acknowledgement.at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(r.json.course.policy_acknowledged, true);
  await patch('/api/v1/courses/FIRE-101', { policy: 'Version three.' });
  c = (await get('/api/v1/courses/FIRE-101', learner)).json.course;
  assert.equal(c.policy_version, 3);
  assert.equal(c.policy_acknowledged, false);
  expectError(await post('/api/v1/courses/FORK-201/policy/acknowledgements', {}, learner), 409, 'policy', 'no policy');
});

test('copy as a template: a new draft with the fields and tags, not the enrolments; archive', async () => {
  let r = await post('/api/v1/courses/FIRE-101/copy', { new_code: 'FIRE-102' });
  assert.equal(r.status, 201, show(r));
  const c = r.json.course;
  assert.equal(c.code, 'FIRE-102');
  assert.equal(c.status, 'draft');
  assert.equal(c.title, 'Copy of Fire safety essentials');
  assert.equal(c.copied_from, 'FIRE-101');
  assert.equal(c.kind, 'blended');
  assert.equal(c.policy_version, 1);
  assert.deepEqual(c.tags, ['safety', 'fire']);
  assert.deepEqual((await get('/api/v1/courses/FIRE-102/enrolments')).json.items, []);
  expectError(await post('/api/v1/courses/FIRE-101/copy', { new_code: 'FORK-201' }), 409, 'code', 'copy onto a taken code');
  r = await post('/api/v1/courses/FIRE-102/archive', {});
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.course.status, 'archived');
  expectError(await post('/api/v1/courses/FIRE-102/enrolments', { username: 'lena' }), 409, 'code', 'archived');
});

test('the catalogue and course pages render as HTML', async () => {
  for (const path of ['/courses', '/courses?q=fire', '/courses/FIRE-101', '/admin/categories', '/admin/courses/new']) {
    const r = await api(server, 'GET', path, { token: admin, headers: { accept: 'text/html' } });
    assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 300)}`);
    assert.match(r.headers['content-type'], /text\/html/);
    assert.ok(!/<script>alert/.test(r.text), path);
  }
});

test('renaming or moving a category changes the path its courses show, down the whole subtree', async () => {
  const path = async () => (await get('/api/v1/courses/FIRE-101')).json.course.category;
  const listed = async () => (await get('/api/v1/courses?q=FIRE-101')).json.items.find((c) => c.code === 'FIRE-101').category;
  assert.equal(await path(), 'Health / Fire safety');
  assert.equal((await patch(`/api/v1/categories/${health}`, { name: 'Wellbeing' })).status, 200);
  assert.equal(await path(), 'Wellbeing / Fire safety');
  assert.equal(await listed(), 'Wellbeing / Fire safety');
  let r = await get('/api/v1/categories');
  assert.deepEqual(r.json.items.map((c) => c.path), ['Wellbeing', 'Wellbeing / Fire safety', 'Wellbeing / Fire safety / Drills']);
  assert.equal((await patch(`/api/v1/categories/${fire}`, { parent_id: 0 })).status, 200);
  assert.equal(await path(), 'Fire safety', 'moved to the top');
  const drills = r.json.items.find((c) => c.name === 'Drills').id;
  const sub = (await post('/api/v1/courses', { code: 'DRILL-1', title: 'Drills', category_id: drills })).json.course;
  assert.equal(sub.category, 'Fire safety / Drills', 'a sub-category moves along');
  assert.equal((await patch(`/api/v1/categories/${fire}`, { parent_id: health })).status, 200);
  assert.equal(await path(), 'Wellbeing / Fire safety');
});
