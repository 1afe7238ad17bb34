// The administrators' course list (/api/v1/admin/courses, the page /admin/courses): every
// course whatever its status, filtered by status, kind, category and search, sorted by any
// column either way, paged, with live enrolment and completion counts, in a fixed number of
// queries. Also the course's management overview and the enrolment upload on its page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

let server;
let admin;
let learner;
const PW = 'Amber-Falcon-Ridge-24';
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  for (const u of ['lena', 'omar', 'pia']) {
    await createUser(server, { username: u, email: `${u}@example.com`, first_name: u, last_name: 'Person', roles: ['learner'], password: PW });
  }
  learner = await signIn(server, 'lena', PW);
});
after(async () => { if (server) await server.stop(); });

const post = (path, body, token = admin) => api(server, 'POST', path, { token, body });
const get = (path, token = admin) => api(server, 'GET', path, { token });
const codes = (r) => r.json.items.map((c) => c.code);

let safety;
test('set up: categories and courses of each status and kind, with enrolments', async () => {
  safety = (await post('/api/v1/categories', { name: 'Safety' })).json.id;
  const fire = (await post('/api/v1/categories', { name: 'Fire', parent_id: safety })).json.id;
  const courses = [
    { code: 'ALPHA', title: 'Alpha drills', status: 'published', kind: 'elearning', category_id: fire },
    { code: 'BRAVO', title: 'Bravo basics', status: 'draft', kind: 'classroom', category_id: safety },
    { code: 'CHARLIE', title: 'Charlie checks', status: 'archived', kind: 'blended' },
    { code: 'DELTA', title: 'Delta duties', status: 'published', kind: 'classroom' },
  ];
  for (const c of courses) {
    const r = await post('/api/v1/courses', c);
    assert.equal(r.status, 201, show(r));
  }
  let r = await post('/api/v1/courses/ALPHA/enrolments', { usernames: 'lena omar pia' });
  assert.equal(r.status, 201, show(r));
  r = await post('/api/v1/courses/DELTA/enrolments', { username: 'lena' });
  assert.equal(r.status, 201, show(r));
  // Lena completes ALPHA: its one required activity is a page, completed by viewing it.
  const section = (await post('/api/v1/courses/ALPHA/sections', { title: 'Start' })).json.id;
  const page = (await post('/api/v1/courses/ALPHA/activities', { section_id: section, kind: 'page', title: 'Read me', body: 'Hello' })).json.activity.id;
  r = await get(`/api/v1/courses/ALPHA/activities/${page}`, learner);
  assert.equal(r.status, 200, show(r));
});

test('every course is listed, drafts and archived too, with counts', async () => {
  const r = await get('/api/v1/admin/courses');
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(codes(r), ['ALPHA', 'BRAVO', 'CHARLIE', 'DELTA']);
  assert.equal(r.json.total, 4);
  const alpha = r.json.items[0];
  assert.equal(alpha.enrolled, 3);
  assert.equal(alpha.completed, 1);
  assert.equal(alpha.category, 'Safety / Fire');
  assert.equal(r.json.items[1].status, 'draft');
  assert.equal(r.json.items[1].enrolled, 0);
  // The catalogue still hides the draft unless asked.
  const cat = await get('/api/v1/courses');
  assert.ok(!codes(cat).includes('BRAVO'));
  assert.ok(codes(await get('/api/v1/courses?all=true')).includes('BRAVO'));
});

test('filters: status, kind, category with its subtree, search', async () => {
  assert.deepEqual(codes(await get('/api/v1/admin/courses?status=draft')), ['BRAVO']);
  assert.deepEqual(codes(await get('/api/v1/admin/courses?kind=classroom')), ['BRAVO', 'DELTA']);
  assert.deepEqual(codes(await get(`/api/v1/admin/courses?category_id=${safety}`)), ['ALPHA', 'BRAVO']);
  assert.deepEqual(codes(await get('/api/v1/admin/courses?q=duties')), ['DELTA']);
  assert.deepEqual(codes(await get('/api/v1/admin/courses?q=char')), ['CHARLIE']);
  assert.deepEqual(codes(await get('/api/v1/admin/courses?q=100%25')), []);
  assert.deepEqual(codes(await get('/api/v1/admin/courses?status=published&kind=classroom')), ['DELTA']);
});

test('sorting by any column either way, and paging keeps the order', async () => {
  assert.deepEqual(codes(await get('/api/v1/admin/courses?sort=title&dir=desc')), ['DELTA', 'CHARLIE', 'BRAVO', 'ALPHA']);
  assert.deepEqual(codes(await get('/api/v1/admin/courses?sort=enrolled&dir=desc')).slice(0, 2), ['ALPHA', 'DELTA']);
  assert.deepEqual(codes(await get('/api/v1/admin/courses?sort=status')), ['CHARLIE', 'BRAVO', 'ALPHA', 'DELTA']);
  let r = await get('/api/v1/admin/courses?sort=code&dir=desc&per_page=3');
  assert.deepEqual(codes(r), ['DELTA', 'CHARLIE', 'BRAVO']);
  assert.match(r.json.next, /sort=code&dir=desc/);
  r = await get(r.json.next);
  assert.deepEqual(codes(r), ['ALPHA']);
  assert.equal(r.json.next, null);
  r = await get('/api/v1/admin/courses?sort=colour');
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'sort');
  r = await get('/api/v1/admin/courses?dir=sideways');
  assert.equal(r.json.error.field, 'dir');
});

test('only administrators list courses; the page keeps a fixed query count', async () => {
  assert.equal((await get('/api/v1/admin/courses', learner)).status, 403);
  const small = await get('/admin/courses?per_page=1');
  const large = await get('/admin/courses?per_page=100');
  assert.equal(small.headers['x-lectern-queries'], large.headers['x-lectern-queries']);
  assert.ok(Number(large.headers['x-lectern-queries']) <= 5, large.headers['x-lectern-queries']);
});

test('the management overview counts the content and the people', async () => {
  const r = await get('/api/v1/courses/ALPHA/manage');
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json.counts, { sections: 1, activities: 1, enrolled: 3, completed: 1 });
  assert.ok(Number(r.headers['x-lectern-queries']) <= 5, r.headers['x-lectern-queries']);
  assert.equal((await get('/api/v1/courses/ALPHA/manage', learner)).status, 403);
});

test('an enrolment upload on the course: preview, all or nothing, then commit', async () => {
  const upload = (data, commit) => post('/api/v1/courses/DELTA/enrolments/import', { data, commit });
  // lena is enrolled already: her row is unchanged; the unknown person stops the whole file.
  let r = await upload('username,role\nomar,learner\nlena,learner\nnobody,learner\n', true);
  assert.equal(r.status, 422, show(r));
  assert.match(r.json.error.message, /1 row\(s\) have errors/);
  assert.equal(r.json.error.field, 'file');
  assert.equal((await get('/api/v1/courses/DELTA/enrolments')).json.items.length, 1, 'nothing was written');
  r = await upload('username,role\nomar,learner\nlena,learner\nnobody,learner\n', false);
  assert.deepEqual(r.json.upload.rows.map((x) => x.outcome), ['enrol', 'unchanged', 'error']);
  r = await upload('course,username\nALPHA,pia\n', false);
  assert.match(r.json.upload.rows[0].errors[0].message, /for DELTA only/);
  r = await upload('username,due\nomar,2031-01-31\npia,\n', false);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.upload.n_enrol, 2);
  assert.equal(r.json.upload.committed, false);
  assert.equal((await get('/api/v1/courses/DELTA/enrolments')).json.items.length, 1, 'a preview writes nothing');
  r = await upload('username,due\nomar,2031-01-31\npia,\n', true);
  assert.equal(r.json.upload.committed, true, show(r));
  const people = (await get('/api/v1/courses/DELTA/enrolments')).json.items.map((e) => e.username).sort();
  assert.deepEqual(people, ['lena', 'omar', 'pia']);
});

test('the course\'s instructor manages it too; an instructor of another course does not', async () => {
  await createUser(server, { username: 'ivan', email: 'ivan@example.com', first_name: 'Ivan', last_name: 'Instructor', roles: ['instructor'], password: PW });
  const ivan = await signIn(server, 'ivan', PW);
  let r = await post('/api/v1/courses/ALPHA/enrolments', { username: 'ivan', role: 'instructor' });
  assert.equal(r.status, 201, show(r));
  assert.equal((await get('/api/v1/courses/ALPHA/manage', ivan)).status, 200);
  assert.equal((await get('/api/v1/courses/DELTA/manage', ivan)).status, 403);
  assert.equal((await get('/api/v1/admin/courses', ivan)).status, 403, 'the course list is for administrators');
  r = await api(server, 'POST', '/api/v1/courses/DELTA/enrolments/import', { token: ivan, body: { data: 'username\nomar\n', commit: true } });
  assert.equal(r.status, 403, show(r));
  // The content of the course they teach is theirs to change; another course's is not.
  r = await api(server, 'POST', '/api/v1/courses/ALPHA/sections', { token: ivan, body: { title: 'From the instructor' } });
  assert.equal(r.status, 201, show(r));
  r = await api(server, 'PATCH', `/api/v1/courses/ALPHA/sections/${r.json.id}`, { token: ivan, body: { title: 'Renamed by the instructor' } });
  assert.equal(r.status, 200, show(r));
  r = await api(server, 'DELETE', `/api/v1/courses/ALPHA/sections/${(await get('/api/v1/courses/ALPHA')).json.sections.find((x) => x.title === 'Renamed by the instructor').id}`, { token: ivan });
  assert.equal(r.status, 200, show(r));
  r = await api(server, 'POST', '/api/v1/courses/DELTA/sections', { token: ivan, body: { title: 'Not mine' } });
  assert.equal(r.status, 403, show(r));
});

test('an activity moves to the end of another section; to its own, nothing moves', async () => {
  const outline = async () => (await get('/api/v1/courses/ALPHA')).json.sections.map((s) => [s.title, s.activities.map((a) => a.title)]);
  const sections = (await get('/api/v1/courses/ALPHA')).json.sections;
  const start = sections[0];
  const later = (await post('/api/v1/courses/ALPHA/sections', { title: 'Later' })).json.id;
  const extra = (await post('/api/v1/courses/ALPHA/activities', { section_id: start.id, kind: 'page', title: 'Extra', body: 'x' })).json.activity.id;
  const patch = (id, body) => api(server, 'PATCH', `/api/v1/courses/ALPHA/activities/${id}`, { token: admin, body });
  let r = await patch(start.activities[0].id, { section_id: start.id });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(await outline(), [['Start', ['Read me', 'Extra']], ['Later', []]]);
  r = await patch(start.activities[0].id, { section_id: later });
  assert.equal(r.status, 200, show(r));
  r = await patch(extra, { section_id: later });
  assert.deepEqual(await outline(), [['Start', []], ['Later', ['Read me', 'Extra']]]);
  r = await patch(extra, { section_id: 999999 });
  assert.equal(r.status, 404, show(r));
  assert.equal(r.json.error.field, 'section_id');
});
