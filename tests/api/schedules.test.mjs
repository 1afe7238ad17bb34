// Training schedules through the API: programmes of course sets refused with located errors,
// assignment to a department that follows people who join and leave, the next set opening
// when the one before is complete, the programme completing, a fixed due date that has passed
// (overdue, assigned only once confirmed), and an extension by the person's manager (a shorter
// one refused).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

const PW = 'Copper-Lantern-Orchard-47';
let server;
let admin;
const pages = {};
let ops;
let north;
let finance;

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

/** A published course with one page; viewing the page completes the course. */
async function course(code) {
  await call(admin, 'POST', '/api/v1/courses', { code, title: `Course ${code}`, status: 'published' }, 201);
  const section = (await call(admin, 'POST', `/api/v1/courses/${code}/sections`, { title: 'Part one' }, 201)).json.id;
  pages[code] = (await call(admin, 'POST', `/api/v1/courses/${code}/activities`, { section_id: section, kind: 'page', title: `Read ${code}`, body: 'Text' }, 201)).json.activity.id;
}

const complete = (token, code) => call(token, 'GET', `/api/v1/courses/${code}/activities/${pages[code]}`, undefined, 200);
const enrolledIn = async (username) => {
  const out = [];
  for (const code of Object.keys(pages)) {
    const items = (await call(admin, 'GET', `/api/v1/courses/${code}/enrolments`, undefined, 200)).json.items;
    if (items.some((e) => e.username === username)) out.push(code);
  }
  return out.sort();
};
const assignments = async (code, query = '') => (await call(admin, 'GET', `/api/v1/programmes/${code}/assignments${query}`, undefined, 200)).json.items;

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  for (const code of ['IND-A1', 'IND-A2', 'IND-B1', 'IND-B2']) await course(code);
  ops = (await call(admin, 'POST', '/api/v1/departments', { name: 'Operations' }, 201)).json.department.id;
  north = (await call(admin, 'POST', '/api/v1/departments', { name: 'North', parent_id: ops }, 201)).json.department.id;
  finance = (await call(admin, 'POST', '/api/v1/departments', { name: 'Finance' }, 201)).json.department.id;
  for (const [username, roles] of [['ana', ['learner']], ['cat', ['learner']], ['max', ['manager']], ['mo', ['manager']]]) {
    await createUser(server, { username, first_name: username, last_name: 'Person', roles, password: PW }, admin);
  }
  await call(admin, 'PATCH', '/api/v1/users/ana/profile', { department_id: ops }, 200);
  await call(admin, 'PATCH', '/api/v1/users/cat/profile', { manager: 'max' }, 200);
});
after(async () => { if (server) await server.stop(); });

test('a programme with a bad set is refused, naming the set, and nothing is written', async () => {
  const good = { courses: ['IND-A1'], require: 'all' };
  const cases = [
    [{ sets: [good, { courses: ['IND-A2', 'NO-SUCH'] }] }, 'sets[1]', /Set 2.*NO-SUCH/],
    [{ sets: [{ courses: ['IND-A1', 'IND-A2'], require: 3 }] }, 'sets[0]', /Set 1.*2 courses.*cannot require 3/],
    [{ sets: [{ courses: [] }] }, 'sets[0]', /Set 1.*at least one course/],
    [{ sets: [{ courses: ['IND-A1'], require: 'some' }] }, 'sets[0]', /require/],
    [{ sets: [good], due: { days_after_assignment: 0 } }, 'due', /days_after_assignment/],
    [{ sets: [good], due: { date: '2027-02-30' } }, 'due_date', /YYYY-MM-DD/],
    [{ code: 'has space', sets: [good] }, 'code', /code/],
  ];
  for (const [over, field, message] of cases) {
    const r = await call(admin, 'POST', '/api/v1/programmes', { code: 'BAD-1', title: 'Bad', ...over }, 422);
    assert.equal(r.json.error.field, field, JSON.stringify(over));
    assert.match(r.json.error.message, message);
  }
  await call(admin, 'GET', '/api/v1/programmes/BAD-1', undefined, 404);
  assert.deepEqual((await call(admin, 'GET', '/api/v1/programmes', undefined, 200)).json.programmes, []);
  const learner = await signIn(server, 'ana', PW);
  await call(learner, 'POST', '/api/v1/programmes', { code: 'MINE', title: 'Mine', sets: [good] }, 403);
});

test('assigned to a department: newcomers are assigned and enrolled in the open set; the next set opens; the programme completes', async () => {
  const r = await call(admin, 'POST', '/api/v1/programmes', {
    code: 'IND', title: 'Induction',
    sets: [{ courses: ['IND-A1', 'IND-A2'], require: 'all' }, { courses: ['IND-B1', 'IND-B2'], require: 1, after_previous: true }],
    due: { days_after_assignment: 30 },
  }, 201);
  assert.deepEqual(r.json.programme.sets.map((s) => [s.require, s.after_previous, s.courses.map((c) => c.code)]),
    [['all', false, ['IND-A1', 'IND-A2']], [1, true, ['IND-B1', 'IND-B2']]]);
  assert.deepEqual(r.json.programme.due, { days_after_assignment: 30 });
  const assigned = await call(admin, 'POST', '/api/v1/programmes/IND/assignments', { department_id: ops }, 201);
  assert.equal(assigned.json.added, 1, 'Ana is in Operations');
  assert.deepEqual(await enrolledIn('ana'), ['IND-A1', 'IND-A2'], 'only the first set is open');

  // Someone new joins North, under Operations: assigned and enrolled at once.
  await createUser(server, { username: 'nia', first_name: 'Nia', last_name: 'New', roles: ['learner'], password: PW }, admin);
  assert.deepEqual(await enrolledIn('nia'), []);
  await call(admin, 'PATCH', '/api/v1/users/nia/profile', { department_id: north }, 200);
  assert.deepEqual(await enrolledIn('nia'), ['IND-A1', 'IND-A2']);
  let nia = (await assignments('IND')).find((a) => a.username === 'nia');
  assert.equal(nia.state, 'assigned');
  const dueInDays = (Date.parse(nia.due_at) - Date.now()) / 86400000;
  assert.ok(dueInDays > 29 && dueInDays <= 30, `due in 30 days: ${nia.due_at}`);

  const token = await signIn(server, 'nia', PW);
  let plan = (await call(token, 'GET', '/api/v1/me/plan', undefined, 200)).json.programmes;
  assert.deepEqual(plan.map((p) => [p.code, p.state, p.percent, p.next.code]), [['IND', 'assigned', 0, 'IND-A1']]);
  // The dashboard carries the same plan, within its budget of queries.
  const dashboard = await call(token, 'GET', '/api/v1/me/dashboard', undefined, 200);
  assert.deepEqual(dashboard.json.plan.map((p) => [p.code, p.next.code]), [['IND', 'IND-A1']]);
  const queries = Number(dashboard.headers['x-lectern-queries']);
  assert.ok(queries >= 1 && queries <= 5, `${queries} queries`);
  await complete(token, 'IND-A1');
  plan = (await call(token, 'GET', '/api/v1/me/plan', undefined, 200)).json.programmes;
  assert.deepEqual([plan[0].state, plan[0].done, plan[0].required, plan[0].next.code], ['in_progress', 1, 3, 'IND-A2']);
  assert.deepEqual(await enrolledIn('nia'), ['IND-A1', 'IND-A2'], 'the second set stays closed');
  await complete(token, 'IND-A2');
  assert.deepEqual(await enrolledIn('nia'), ['IND-A1', 'IND-A2', 'IND-B1', 'IND-B2'], 'the first set complete opens the second');
  await complete(token, 'IND-B2');
  nia = (await assignments('IND')).find((a) => a.username === 'nia');
  assert.equal(nia.state, 'complete', 'any one of the second set completes it');
  assert.ok(nia.completed_at);
  assert.deepEqual((await assignments('IND', '?state=complete')).map((a) => a.username), ['nia']);
  assert.deepEqual((await assignments('IND', '?state=assigned')).map((a) => a.username), ['ana']);
  assert.equal((await call(admin, 'GET', '/api/v1/programmes/IND/assignments?state=late', undefined, 422)).json.error.field, 'state');

  // Ana leaves Operations: no longer assigned, but her courses and their history stay.
  await call(admin, 'PATCH', '/api/v1/users/ana/profile', { department_id: finance }, 200);
  assert.deepEqual((await assignments('IND')).map((a) => a.username), ['nia']);
  assert.deepEqual(await enrolledIn('ana'), ['IND-A1', 'IND-A2']);
  // And comes back to the same assignment.
  await call(admin, 'PATCH', '/api/v1/users/ana/profile', { department_id: north }, 200);
  assert.deepEqual((await assignments('IND')).map((a) => a.username).sort(), ['ana', 'nia']);
  const csv = await api(server, 'GET', '/admin/programmes/IND/assignments.csv?state=complete', { token: admin });
  assert.equal(csv.status, 200, show(csv));
  assert.match(csv.headers['content-type'], /text\/csv/);
  assert.deepEqual(csv.text.trim().split('\r\n').map((l) => l.split(',').slice(0, 3).join(',')), ['username,name,state', 'nia,Nia New,complete']);
});

test('a fixed due date that has passed is overdue; the manager extends it, and a shorter extension is refused', async () => {
  await call(admin, 'POST', '/api/v1/programmes', {
    code: 'FIX', title: 'Fire safety', sets: [{ courses: ['IND-B1'] }], due: { date: '2020-01-31' },
  }, 201);
  // The date has passed: assigning asks for confirmation first, and writes nothing until then.
  const unconfirmed = await call(admin, 'POST', '/api/v1/programmes/FIX/assignments', { username: 'cat' }, 409);
  assert.equal(unconfirmed.json.error.field, 'confirm');
  assert.match(unconfirmed.json.error.message, /due date, 2020-01-31, has passed: the 1 person this assigns would be overdue/);
  assert.deepEqual((await call(admin, 'GET', '/api/v1/programmes/FIX', undefined, 200)).json.rules, []);
  assert.deepEqual(await assignments('FIX'), []);
  await call(admin, 'POST', '/api/v1/programmes/FIX/assignments', { username: 'cat', confirm: true }, 201);
  assert.equal((await call(admin, 'POST', '/api/v1/programmes/FIX/assignments', { username: 'cat' }, 409)).json.error.field, 'username');
  assert.equal((await call(admin, 'POST', '/api/v1/programmes/FIX/assignments', { username: 'nobody' }, 422)).json.error.field, 'username');
  let cat = (await assignments('FIX'))[0];
  assert.deepEqual([cat.username, cat.state, cat.due, cat.overdue], ['cat', 'overdue', '2020-01-31', true]);
  const catToken = await signIn(server, 'cat', PW);
  const plan = (await call(catToken, 'GET', '/api/v1/me/plan', undefined, 200)).json.programmes;
  assert.deepEqual(plan.map((p) => [p.code, p.state, p.overdue]), [['FIX', 'overdue', true]]);

  const max = await signIn(server, 'max', PW);
  const team = (await call(max, 'GET', '/team/plan', undefined, 200)).json.items;
  assert.deepEqual(team.map((i) => [i.username, i.code, i.state]), [['cat', 'FIX', 'overdue']]);
  const extension = '/api/v1/programmes/FIX/assignments/cat/extension';
  let r = await call(max, 'POST', extension, { due: '2019-12-01', reason: 'Off sick' }, 422);
  assert.equal(r.json.error.field, 'due');
  assert.match(r.json.error.message, /later than the current due date, 2020-01-31/);
  r = await call(max, 'POST', extension, { due: '2099-03-31' }, 422);
  assert.equal(r.json.error.field, 'reason');
  const mo = await signIn(server, 'mo', PW);
  await call(mo, 'POST', extension, { due: '2099-03-31', reason: 'Not my team' }, 403);
  await call(catToken, 'POST', extension, { due: '2099-03-31', reason: 'Myself' }, 403);
  await call(max, 'POST', extension, { due: '2099-03-31', reason: 'Off sick in January' }, 200);
  cat = (await assignments('FIX'))[0];
  assert.deepEqual([cat.state, cat.due, cat.overdue], ['assigned', '2099-03-31', false]);
  r = await call(max, 'POST', extension, { due: '2099-03-01', reason: 'Shorter' }, 422);
  assert.match(r.json.error.message, /2099-03-31/);
  const audit = (await call(admin, 'GET', '/api/v1/audit?action=programme.extend', undefined, 200)).json.items;
  assert.equal(audit.length, 1);
  assert.equal(audit[0].details.reason, 'Off sick in January');
  assert.equal(audit[0].details.from, '2020-01-31');
});
