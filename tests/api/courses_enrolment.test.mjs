// Enrolment rules (a department's subtree, a job role, everyone) kept in step as people move,
// self-enrolment, and the instructor's view of learners with progress, filters and CSV export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

let server;
let admin;
const PW = 'Amber-Falcon-Ridge-24';
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  for (const u of ['ana', 'ben', 'cat', 'dan']) {
    await createUser(server, { username: u, email: `${u}@example.com`, first_name: u.toUpperCase(), last_name: 'Person', roles: ['learner'], password: PW });
  }
});
after(async () => { if (server) await server.stop(); });

const post = (p, body, token = admin) => api(server, 'POST', p, { token, body });
const get = (p, token = admin) => api(server, 'GET', p, { token });
const patch = (p, body, token = admin) => api(server, 'PATCH', p, { token, body });
const del = (p, token = admin) => api(server, 'DELETE', p, { token });
const live = async (code) => (await get(`/api/v1/courses/${code}/enrolments`)).json.items.map((e) => e.username).sort();

let ops;
let sales;
let other;
let agent;
test('a department rule enrols its whole subtree and follows people as they move', async () => {
  ops = (await post('/api/v1/departments', { name: 'Operations' })).json.department.id;
  sales = (await post('/api/v1/departments', { name: 'Sales', parent_id: ops })).json.department.id;
  other = (await post('/api/v1/departments', { name: 'Finance' })).json.department.id;
  await patch('/api/v1/users/ana/profile', { department_id: ops });
  await patch('/api/v1/users/ben/profile', { department_id: sales });
  await patch('/api/v1/users/cat/profile', { department_id: other });
  await post('/api/v1/courses', { code: 'OPS-1', title: 'Operations induction', status: 'published' });
  let r = await post('/api/v1/courses/OPS-1/rules', { kind: 'department', department_id: ops, due_days: 30 });
  assert.equal(r.status, 201, show(r));
  assert.deepEqual(await live('OPS-1'), ['ana', 'ben']);
  const ben = (await get('/api/v1/courses/OPS-1/enrolments')).json.items.find((e) => e.username === 'ben');
  assert.equal(ben.source, 'rule');
  assert.match(ben.due, /^\d{4}-\d\d-\d\d$/);
  // Ben moves to Finance, Cat to Sales: at once Ben's rule enrolment ends and Cat's starts.
  await patch('/api/v1/users/ben/profile', { department_id: other });
  await patch('/api/v1/users/cat/profile', { department_id: sales });
  assert.deepEqual(await live('OPS-1'), ['ana', 'cat']);
  r = await post('/api/v1/enrolment-rules/sync', {});
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json, { added: 0, ended: 0 }, 'the moves already brought the rules in step');
  // A suspension ends the rule enrolment; reactivation brings it back.
  await post('/api/v1/users/cat/suspend', {});
  assert.deepEqual(await live('OPS-1'), ['ana']);
  await post('/api/v1/users/cat/reactivate', {});
  assert.deepEqual(await live('OPS-1'), ['ana', 'cat']);
  // A manual enrolment is not ended by rules.
  await post('/api/v1/courses/OPS-1/enrolments', { username: 'dan' });
  await post('/api/v1/enrolment-rules/sync', {});
  assert.deepEqual(await live('OPS-1'), ['ana', 'cat', 'dan']);
});

test('job-role and everyone rules; bad rules refused; deleting a rule ends what only it kept', async () => {
  agent = (await post('/api/v1/job-roles', { name: 'Agent' })).json.job_role?.id ?? (await get('/api/v1/job-roles')).json.items[0].id;
  await patch('/api/v1/users/dan/profile', { job_role_id: agent });
  await post('/api/v1/courses', { code: 'AG-1', title: 'Agents', status: 'published' });
  let r = await post('/api/v1/courses/AG-1/rules', { kind: 'job_role', job_role_id: agent });
  assert.equal(r.status, 201, show(r));
  assert.deepEqual(await live('AG-1'), ['dan']);
  for (const [body, field] of [[{ kind: 'team' }, 'kind'], [{ kind: 'department', department_id: 999 }, 'department_id'], [{ kind: 'job_role', job_role_id: 999 }, 'job_role_id']]) {
    r = await post('/api/v1/courses/AG-1/rules', body);
    assert.equal(r.status, 422, show(r));
    assert.equal(r.json.error.field, field);
  }
  await post('/api/v1/courses', { code: 'ALL-1', title: 'Everyone', status: 'published' });
  r = await post('/api/v1/courses/ALL-1/rules', { kind: 'everyone' });
  assert.equal(r.status, 201, show(r));
  assert.ok((await live('ALL-1')).includes('ana'));
  const rules = (await get('/api/v1/courses/ALL-1/rules')).json.items;
  assert.equal(rules.length, 1);
  r = await del(`/api/v1/courses/ALL-1/rules/${rules[0].id}`);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(await live('ALL-1'), []);
});

test('a department or job role that an enrolment rule uses cannot be deleted: 409 naming the course', async () => {
  const legal = (await post('/api/v1/departments', { name: 'Legal' })).json.department.id;
  const counsel = (await post('/api/v1/job-roles', { name: 'Counsel' })).json.job_role.id;
  await post('/api/v1/courses', { code: 'LAW-1', title: 'Law', status: 'published' });
  await post('/api/v1/courses/LAW-1/rules', { kind: 'department', department_id: legal });
  await post('/api/v1/courses/LAW-1/rules', { kind: 'job_role', job_role_id: counsel });
  for (const [path, what] of [[`/api/v1/departments/${legal}`, "department 'Legal'"], [`/api/v1/job-roles/${counsel}`, "job role 'Counsel'"]]) {
    const r = await del(path);
    assert.equal(r.status, 409, show(r));
    assert.match(r.json.error.message, new RegExp(`The ${what} is used by the enrolment rule of LAW-1`), show(r));
  }
  for (const rule of (await get('/api/v1/courses/LAW-1/rules')).json.items) await del(`/api/v1/courses/LAW-1/rules/${rule.id}`);
  assert.equal((await del(`/api/v1/departments/${legal}`)).status, 200);
  assert.equal((await del(`/api/v1/job-roles/${counsel}`)).status, 200);
});

test('self-enrolment where the course allows it', async () => {
  const ana = await signIn(server, 'ana', PW);
  await post('/api/v1/courses', { code: 'OPEN-1', title: 'Open course', status: 'published', self_enrol: true });
  await post('/api/v1/courses', { code: 'SHUT-1', title: 'Closed course', status: 'published' });
  let r = await get('/api/v1/courses/OPEN-1', ana);
  assert.equal(r.json.course.join, 'self');
  r = await post('/api/v1/courses/OPEN-1/self-enrolment', {}, ana);
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.course.enrolment.role, 'learner');
  assert.equal((await post('/api/v1/courses/OPEN-1/self-enrolment', {}, ana)).status, 409);
  r = await post('/api/v1/courses/SHUT-1/self-enrolment', {}, ana);
  assert.equal(r.status, 403, show(r));
});

test("the instructor's view: progress, last access, filters and CSV export", async () => {
  await createUser(server, { username: 'ivy', email: 'ivy@example.com', first_name: 'Ivy', last_name: 'Teacher', roles: ['instructor'], password: PW });
  await post('/api/v1/courses/OPS-1/enrolments', { username: 'ivy', role: 'instructor' });
  const ivy = await signIn(server, 'ivy', PW);
  const sec = (await post('/api/v1/courses/OPS-1/sections', { title: 'S' })).json.id;
  const act = (await post('/api/v1/courses/OPS-1/activities', { section_id: sec, kind: 'page', title: 'Welcome', body: 'Hi' })).json.activity.id;
  const ana = await signIn(server, 'ana', PW);
  assert.equal((await get(`/api/v1/courses/OPS-1/activities/${act}`, ana)).status, 200);
  let r = await get('/api/v1/courses/OPS-1/enrolments', ivy);
  assert.equal(r.status, 200, show(r));
  const a = r.json.items.find((e) => e.username === 'ana');
  assert.equal(a.percent, 100);
  assert.equal(a.completed, true);
  assert.match(a.last_access_at, /^\d{4}-/);
  r = await get('/api/v1/courses/OPS-1/enrolments?state=completed', ivy);
  assert.deepEqual(r.json.items.map((e) => e.username), ['ana']);
  r = await get('/api/v1/courses/OPS-1/enrolments?q=CA', ivy);
  assert.deepEqual(r.json.items.map((e) => e.username), ['cat']);
  r = await api(server, 'GET', '/api/v1/courses/OPS-1/enrolments.csv', { token: ivy });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^text\/csv/);
  assert.match(r.headers['content-disposition'], /OPS-1-learners\.csv/);
  const lines = r.text.trim().split('\r\n');
  assert.equal(lines[0], 'username,first_name,last_name,role,due,overdue,percent,completed,completed_at,last_access_at');
  assert.ok(lines.some((l) => l.startsWith('ana,ANA,Person,learner,') && l.includes(',100,yes,')), lines.join('\n'));
  // Another instructor's course is not theirs.
  assert.equal((await get('/api/v1/courses/AG-1/enrolments', ivy)).status, 403);
});

test('several people at once: all or nothing, with the one that failed named', async () => {
  await post('/api/v1/courses', { code: 'MANY-1', title: 'Many at once', status: 'published' });
  let r = await post('/api/v1/courses/MANY-1/enrolments', { usernames: 'ana, ben\nnobody' });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'username');
  assert.match(r.json.error.message, /nobody/);
  assert.deepEqual(await live('MANY-1'), [], 'nobody enrolled');
  r = await post('/api/v1/courses/MANY-1/enrolments', { usernames: 'ana ben,cat' });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.enrolled, 3);
  assert.deepEqual(await live('MANY-1'), ['ana', 'ben', 'cat']);
  r = await post('/api/v1/courses/MANY-1/enrolments', {});
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'username');
});
