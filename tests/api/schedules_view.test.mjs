// The administrators' schedule through the API and its CSV: who is due in each of the next
// weeks, who is overdue, whose certification is expiring; filtered by programme, department
// (with its sub-departments) and job role; bad filters refused naming the field; and the page
// within its query budget whatever the filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';
import { courseWithPage } from '../lib/courses.mjs';

const PW = 'Amber-Quarry-Lantern-72';
const DAY = 86400000;
let server;
let admin;
let ops;
let north;
let driver;
const pages = {};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const schedule = async (query = '') => (await call(admin, 'GET', `/api/v1/schedule${query}`, undefined, 200)).json.schedule;
const names = (items) => items.map((x) => `${x.username}:${x.code}`).sort();
const date = (ms) => new Date(ms).toISOString().slice(0, 10);

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  for (const code of ['SV-A', 'SV-B', 'SV-C']) pages[code] = await courseWithPage(server, admin, code);
  ops = (await call(admin, 'POST', '/api/v1/departments', { name: 'Operations' }, 201)).json.department.id;
  north = (await call(admin, 'POST', '/api/v1/departments', { name: 'North', parent_id: ops }, 201)).json.department.id;
  driver = (await call(admin, 'POST', '/api/v1/job-roles', { name: 'Driver' }, 201)).json.job_role.id;
  for (const username of ['ada', 'ben', 'cy'])
    await createUser(server, { username, first_name: username, last_name: 'Sched', roles: ['learner'], password: PW }, admin);
  await call(admin, 'PATCH', '/api/v1/users/ada/profile', { department_id: north }, 200);
  await call(admin, 'PATCH', '/api/v1/users/ben/profile', { job_role_id: driver }, 200);
  // SOON: due 10 days after assignment (the second week); LATE: a date already passed; CERT:
  // valid 30 days, so once completed it expires within the eight weeks.
  await call(admin, 'POST', '/api/v1/programmes', { code: 'SOON', title: 'Soon', sets: [{ courses: ['SV-A'] }], due: { days_after_assignment: 10 } }, 201);
  await call(admin, 'POST', '/api/v1/programmes', { code: 'LATE', title: 'Late', sets: [{ courses: ['SV-B'] }], due: { date: '2020-01-31' } }, 201);
  await call(admin, 'POST', '/api/v1/programmes', { code: 'CERT', title: 'Cert', sets: [{ courses: ['SV-C'] }], certification: { valid_days: 30, renew_window_days: 7 } }, 201);
  await call(admin, 'POST', '/api/v1/programmes/SOON/assignments', { everyone: true }, 201);
  await call(admin, 'POST', '/api/v1/programmes/LATE/assignments', { department_id: ops, confirm: true }, 201);
  await call(admin, 'POST', '/api/v1/programmes/CERT/assignments', { job_role_id: driver }, 201);
  const ben = await signIn(server, 'ben', PW);
  await call(ben, 'GET', `/api/v1/courses/SV-C/activities/${pages['SV-C']}`, undefined, 200);
});
after(async () => { if (server) await server.stop(); });

test('due in week two, overdue and expiring, each where it belongs', async () => {
  const s = await schedule();
  assert.equal(s.weeks, 8);
  assert.equal(s.due.length, 8);
  assert.equal(s.due[0].from, date(Date.now()));
  assert.deepEqual(s.due.map((w) => w.items.length), [0, 4, 0, 0, 0, 0, 0, 0], 'SOON, to the admin and the three learners, in week 2');
  assert.deepEqual(names(s.due[1].items).filter((x) => x !== 'admin:SOON'), ['ada:SOON', 'ben:SOON', 'cy:SOON']);
  assert.deepEqual(names(s.overdue), ['ada:LATE']);
  assert.equal(s.overdue[0].due, '2020-01-31');
  assert.equal(s.overdue[0].department, 'North');
  assert.deepEqual(names(s.expiring), ['ben:CERT']);
  assert.equal(s.expiring[0].state, 'expiring');
  assert.equal(s.expiring[0].expires, date(Date.now() + 30 * DAY));
  assert.equal(s.truncated, false);
  // One week ahead: the second week's people and the expiry a month away are left out.
  const one = await schedule('?weeks=1');
  assert.deepEqual(one.due.map((w) => w.items.length), [0]);
  assert.deepEqual(names(one.overdue), ['ada:LATE']);
  assert.deepEqual(one.expiring, []);
});

test('filtered by programme, department subtree and job role', async () => {
  assert.deepEqual(names((await schedule('?programme=LATE')).overdue), ['ada:LATE']);
  assert.deepEqual((await schedule('?programme=LATE')).due[1].items, []);
  const dept = await schedule(`?department_id=${ops}`);
  assert.deepEqual(names(dept.due[1].items), ['ada:SOON'], 'North is under Operations');
  assert.deepEqual(names(dept.expiring), []);
  const role = await schedule(`?job_role_id=${driver}`);
  assert.deepEqual(names(role.due[1].items), ['ben:SOON']);
  assert.deepEqual(names(role.expiring), ['ben:CERT']);
  assert.deepEqual(role.overdue, []);
});

test('bad filters are refused naming the field', async () => {
  for (const [query, field] of [['?weeks=0', 'weeks'], ['?weeks=53', 'weeks'], ['?programme=NOPE', 'programme'],
    ['?department_id=9999', 'department_id'], ['?job_role_id=9999', 'job_role_id']]) {
    const r = await call(admin, 'GET', `/api/v1/schedule${query}`, undefined, 422);
    assert.equal(r.json.error.field, field, query);
  }
  const learner = await signIn(server, 'cy', PW);
  await call(learner, 'GET', '/api/v1/schedule', undefined, 403);
});

test('the CSV has a row per item with its part of the schedule, and the page keeps to five queries', async () => {
  const csv = await api(server, 'GET', `/admin/schedule.csv?job_role_id=${driver}`, { token: admin });
  assert.equal(csv.status, 200, show(csv));
  assert.match(csv.headers['content-type'], /text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'state,week,week_from,code,title,username,name,department,job_role,due,expires');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(0, 6).join(',')).sort(),
    [`due,2,${date(Date.now() + 7 * DAY)},SOON,Soon,ben`, 'expiring,,,CERT,Cert,ben'].sort());
  for (const query of ['', '?programme=SOON', `?department_id=${ops}&weeks=12`]) {
    const page = await api(server, 'GET', `/admin/schedule${query}`, { token: admin, headers: { Accept: 'text/html' } });
    assert.equal(page.status, 200, show(page));
    assert.ok(Number(page.headers['x-lectern-queries']) <= 5, `${query}: ${page.headers['x-lectern-queries']} queries`);
  }
});
