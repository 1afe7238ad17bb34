// Reports through the API: the builder's definitions refused with the field to fix (an unknown
// source or column, a filter of the wrong type, a range ending before it starts, a period
// missing from a time grouping), grouped reports checked against hand-computed answers (count,
// completion rate, average score, hours, the department subtree rolled up), a plain report
// paged and sorted, the ready-made reports listed and exported as CSV, and the viewer's scope:
// a manager sees only their reporting line through any filter or export, an instructor only
// the courses they teach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

const PW = 'Copper-Lantern-Orchard-47';
let server;
let admin;
const tokens = {};
const pages = {};
const depts = {};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const run = async (token, def, status = 200) => (await call(token, 'POST', '/api/v1/reports/run', def, status)).json;

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  depts.ops = (await call(admin, 'POST', '/api/v1/departments', { name: 'Operations' }, 201)).json.department.id;
  depts.north = (await call(admin, 'POST', '/api/v1/departments', { name: 'North', parent_id: depts.ops }, 201)).json.department.id;
  depts.hr = (await call(admin, 'POST', '/api/v1/departments', { name: 'People team' }, 201)).json.department.id;
  for (const [code, minutes] of [['RPT-A', 60], ['RPT-B', 30]]) {
    await call(admin, 'POST', '/api/v1/courses', { code, title: `Report course ${code}`, status: 'published', duration_minutes: minutes }, 201);
    const section = (await call(admin, 'POST', `/api/v1/courses/${code}/sections`, { title: 'One' }, 201)).json.id;
    pages[code] = (await call(admin, 'POST', `/api/v1/courses/${code}/activities`, { section_id: section, kind: 'page', title: 'Read', body: 'x' }, 201)).json.activity.id;
  }
  // ann (Operations) and bo (North, under Operations) report to max; cy (People team) does not.
  for (const [username, roles, dept, manager] of [['max', ['manager'], depts.ops, null], ['ann', ['learner'], depts.ops, 'max'],
    ['bo', ['learner'], depts.north, 'max'], ['cy', ['learner'], depts.hr, null], ['ivy', ['instructor'], null, null]]) {
    await createUser(server, { username, first_name: username, last_name: 'Report', roles, password: PW }, admin);
    const profile = {};
    if (dept) profile.department_id = dept;
    if (manager) profile.manager = manager;
    if (Object.keys(profile).length) await call(admin, 'PATCH', `/api/v1/users/${username}/profile`, profile, 200);
    tokens[username] = await signIn(server, username, PW);
  }
  await call(admin, 'POST', '/api/v1/courses/RPT-B/enrolments', { username: 'ivy', role: 'instructor' }, 201);
  // Enrolments: ann A (done) and B; bo A (done); cy A and B (B done).
  for (const [who, code] of [['ann', 'RPT-A'], ['ann', 'RPT-B'], ['bo', 'RPT-A'], ['cy', 'RPT-A'], ['cy', 'RPT-B']]) {
    await call(admin, 'POST', `/api/v1/courses/${code}/enrolments`, { username: who, role: 'learner' }, 201);
  }
  for (const [who, code] of [['ann', 'RPT-A'], ['bo', 'RPT-A'], ['cy', 'RPT-B']]) {
    await call(tokens[who], 'GET', `/api/v1/courses/${code}/activities/${pages[code]}`, undefined, 200);
  }
});
after(async () => { if (server) await server.stop(); });

test('a bad definition is refused naming what to fix', async () => {
  const cases = [
    [{ source: 'salaries' }, 'source'],
    [{ source: 'enrolments', columns: ['username', 'salary'] }, 'columns[1]'],
    [{ source: 'enrolments', columns: ['username'], filters: { department: 'Operations' } }, 'filters.department'],
    [{ source: 'enrolments', columns: ['username'], filters: { completed_at: { from: '2026-05-01', to: '2026-04-01' } } }, 'filters.completed_at'],
    [{ source: 'enrolments', columns: ['username'], filters: { status: 'lost' } }, 'filters.status'],
    [{ source: 'enrolments', columns: ['username'], filters: { salary: 1 } }, 'filters.salary'],
    [{ source: 'enrolments', group_by: ['completed_at'] }, 'group_by[0]'],
    [{ source: 'enrolments', group_by: ['course'], aggregates: ['median'] }, 'aggregates[0]'],
    [{ source: 'people', group_by: ['department'], aggregates: ['average_score'] }, 'aggregates[0]'],
    [{ source: 'enrolments', columns: ['username'], sort: 'salary' }, 'sort'],
    [{ source: 'enrolments', columns: ['username'], per_page: 5000 }, 'per_page'],
  ];
  for (const [def, field] of cases) {
    const r = await call(admin, 'POST', '/api/v1/reports/run', def);
    assert.equal(r.status, 422, `${JSON.stringify(def)}: ${show(r)}`);
    assert.equal(r.json.error.field, field, `${JSON.stringify(def)}: ${show(r)}`);
  }
});

test('completion by course and by department, checked by hand, the subtree rolled up', async () => {
  const byCourse = await run(admin, { source: 'enrolments', group_by: ['course'], aggregates: ['count', 'completion_rate', 'hours'] });
  assert.deepEqual(byCourse.rows.map((r) => [r.course, r.count, r.completion_rate, r.hours]),
    [['RPT-A', 3, 66.7, 2], ['RPT-B', 2, 50, 0.5]]);
  assert.deepEqual([byCourse.totals.count, byCourse.totals.completion_rate, byCourse.totals.hours], [5, 60, 2.5]);
  const byDept = await run(admin, { source: 'enrolments', group_by: ['department'], aggregates: ['count', 'completion_rate'] });
  const rows = Object.fromEntries(byDept.rows.map((r) => [r.department, [r.count, r.completion_rate]]));
  assert.deepEqual(rows['Operations'], [3, 66.7], 'Operations holds North under it');
  assert.deepEqual(rows['Operations / North'], [1, 100]);
  assert.deepEqual(rows['People team'], [2, 50]);
  const sorted = await run(admin, { source: 'enrolments', group_by: ['department'], aggregates: ['count'], sort: '-count' });
  assert.equal(sorted.rows[0].department, 'Operations');
  const filtered = await run(admin, { source: 'enrolments', group_by: ['course'], filters: { department: depts.ops } });
  assert.deepEqual(filtered.rows.map((r) => [r.course, r.count]), [['RPT-A', 2], ['RPT-B', 1]], 'the department filter takes its subtree');
});

test('a plain report is paged and sorted; periods group by month', async () => {
  const first = await run(admin, { source: 'enrolments', columns: ['username', 'course', 'status'], sort: 'username', per_page: 2 });
  assert.equal(first.total, 5);
  assert.deepEqual(first.rows.map((r) => [r.username, r.course]), [['ann', 'RPT-A'], ['ann', 'RPT-B']]);
  const last = await run(admin, { source: 'enrolments', columns: ['username', 'course', 'status'], sort: 'username', per_page: 2, page: 3 });
  assert.deepEqual(last.rows.map((r) => r.username), ['cy']);
  const month = new Date().toISOString().slice(0, 7);
  const overTime = await run(admin, { source: 'enrolments', group_by: ['enrolled_at:month'], aggregates: ['count'] });
  assert.deepEqual(overTime.rows.map((r) => [r['enrolled_at:month'], r.count]), [[month, 5]]);
  const overdue = await run(admin, { source: 'enrolments', columns: ['username'], filters: { status: 'complete' }, sort: 'username' });
  assert.deepEqual(overdue.rows.map((r) => r.username), ['ann', 'bo', 'cy']);
});

test("a manager sees only their reporting line through any filter or export; an instructor only their courses", async () => {
  const mine = await run(tokens.max, { source: 'enrolments', columns: ['username', 'course'], sort: 'username' });
  assert.deepEqual([...new Set(mine.rows.map((r) => r.username))], ['ann', 'bo']);
  const asked = await run(tokens.max, { source: 'enrolments', columns: ['username'], filters: { department: depts.hr } });
  assert.equal(asked.total, 0, 'a filter on another department finds nobody');
  const byDept = await run(tokens.max, { source: 'enrolments', group_by: ['department'] });
  assert.ok(!byDept.rows.some((r) => r.department === 'People team'));
  const csv = await call(tokens.max, 'GET', '/api/v1/reports/overdue/export?format=csv', undefined, 200);
  assert.ok(!csv.text.includes('cy'), 'nobody outside the line in the export');
  const people = await run(tokens.max, { source: 'people', columns: ['username'], sort: 'username' });
  assert.deepEqual(people.rows.map((r) => r.username), ['ann', 'bo']);
  const taught = await run(tokens.ivy, { source: 'enrolments', columns: ['username', 'course'], sort: 'username' });
  assert.deepEqual(taught.rows.map((r) => r.course), ['RPT-B', 'RPT-B'], 'only the course she teaches');
  assert.equal((await call(tokens.ann, 'POST', '/api/v1/reports/run', { source: 'people', columns: ['username'] })).status, 403);
});

test('the ready-made reports are listed and export as CSV with the header of their columns', async () => {
  const list = (await call(admin, 'GET', '/api/v1/reports', undefined, 200)).json.reports;
  for (const id of ['completion-by-course', 'completion-by-department', 'overdue', 'certifications-expiring']) {
    assert.ok(list.some((r) => r.id === id), id);
  }
  for (const r of list) await run(admin, r.definition); // each one runs
  const csv = await call(admin, 'GET', '/api/v1/reports/completion-by-course/export?format=csv&bom=1', undefined, 200);
  const text = csv.text;
  assert.ok(text.startsWith('\ufeffcourse,count,completion_rate\r\n'), JSON.stringify(text.slice(0, 60)));
  assert.ok(text.includes('RPT-A,3,66.7\r\n'), text);
  assert.equal((await call(admin, 'GET', '/api/v1/reports/nothing/export?format=csv')).status, 404);
  assert.equal((await call(admin, 'GET', '/api/v1/reports/overdue/export?format=pdf')).status, 422);
});
