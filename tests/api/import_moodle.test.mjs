// Moving people in from Moodle (tests/fixtures/moodle): roleN given as Moodle's role ids,
// passwords that fail Lectern's policy turned into sign-in links when the uploader chooses,
// Moodle's own 'admin' row never overwriting Lectern's administrator, missing departments
// created when chosen (the preview's checkboxes change the options of an upload already
// made), and Excel's blank rows and broken lines handled as in the other uploads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, api, show, adminToken, signIn, ADMIN_PASSWORD } from '../lib/server.mjs';
import { preview, commit, rowAt } from '../lib/people.mjs';
import { fixture } from '../lib/cli.mjs';

let server;
let admin;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  for (const code of ['MDL-1', 'MDL-2']) {
    const r = await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code, title: code, status: 'published' } });
    assert.equal(r.status, 201, show(r));
  }
  const r = await api(server, 'POST', '/api/v1/departments', { token: admin, body: { name: 'Operations', idnumber: 'OPS' } });
  assert.equal(r.status, 201, show(r));
});
after(async () => { if (server) await server.stop(); });

const USERS = fs.readFileSync(fixture('moodle/users.csv'), 'utf8');
const setOptions = (id, body) => api(server, 'POST', `/api/v1/user-imports/${id}/options`, { token: admin, body });
const enrolments = async (code) => (await api(server, 'GET', `/api/v1/courses/${code}/enrolments`, { token: admin })).json.items
  .map((e) => `${e.username}:${e.role}`).sort();

test("Moodle's user download: the admin row is skipped, a weak password and a missing department are row errors naming the options", async () => {
  const imp = await preview(server, admin, USERS);
  assert.equal(rowAt(imp, 2).outcome, 'skip');
  assert.match(rowAt(imp, 2).note, /administrator/);
  const jdoe = rowAt(imp, 3);
  assert.equal(jdoe.outcome, 'error');
  assert.deepEqual(jdoe.errors.map((e) => e.column).sort(), ['department', 'password'], 'every problem of the row');
  assert.match(jdoe.errors.find((e) => e.column === 'password').message, /option to create such accounts without a password/);
  assert.match(jdoe.errors.find((e) => e.column === 'department').message, /Operations \/ Sales.*option to create missing departments/);
  assert.equal(rowAt(imp, 4).outcome, 'create');
  assert.deepEqual(imp.new_departments, []);
});

test('with both options chosen on the preview, the commit creates the department and sends a sign-in link; roles by Moodle id', async () => {
  const first = await preview(server, admin, USERS);
  const r = await setOptions(first.id, { weak_password_link: true, create_departments: true });
  assert.equal(r.status, 200, show(r));
  const imp = r.json.import;
  assert.equal(imp.options.weak_password_link, true);
  assert.equal(imp.options.create_departments, true);
  assert.deepEqual(imp.new_departments, ['Operations / Sales']);
  assert.equal(rowAt(imp, 3).outcome, 'create');
  assert.match(rowAt(imp, 3).note, /too weak: a sign-in link is sent instead/);
  const c = await commit(server, admin, imp.id);
  assert.equal(c.status, 200, show(c));
  assert.equal(c.json.import.written.created, 2);
  assert.equal(c.json.import.written.need_signin_link, 1);
  const jdoe = (await api(server, 'GET', '/api/v1/users/jdoe', { token: admin })).json.user;
  assert.equal(jdoe.department.name, 'Sales');
  const depts = (await api(server, 'GET', '/api/v1/departments', { token: admin })).json.items;
  const sales = depts.find((d) => d.name === 'Sales');
  assert.equal(sales.id, jdoe.department.id);
  assert.equal(depts.filter((d) => d.name === 'Operations').length, 1, 'Sales is made under the existing Operations');
  assert.equal(sales.parent_id, depts.find((d) => d.name === 'Operations').id);
  const weak = await api(server, 'POST', '/api/v1/sessions', { body: { username: 'jdoe', password: 'Password1' } });
  assert.equal(weak.status, 401, 'the weak password was not kept');
  assert.deepEqual(await enrolments('MDL-1'), ['asmith:instructor', 'jdoe:learner'], 'role ids 5 and 4');
  assert.deepEqual(await enrolments('MDL-2'), ['jdoe:instructor'], 'role id 3: editingteacher');
  const me = (await api(server, 'GET', '/api/v1/users/admin', { token: admin })).json.user;
  assert.notEqual(me.email, 'moodle-admin@example.com', 'the administrator is as it was');
  assert.ok(await signIn(server, 'admin', ADMIN_PASSWORD), 'the administrator still signs in');
  // Again: the department exists now, nothing is created twice.
  const again = await preview(server, admin, USERS, { create_departments: true, weak_password_link: true });
  assert.deepEqual(again.new_departments, []);
  assert.equal(rowAt(again, 3).outcome, 'unchanged');
});

test("a Moodle role id that is no course role is a row error naming Moodle's role", async () => {
  const imp = await preview(server, admin, fs.readFileSync(fixture('moodle/users_guest_role.csv'), 'utf8'));
  const err = rowAt(imp, 2).errors[0];
  assert.equal(err.column, 'role1');
  assert.match(err.message, /The role '6' \(Moodle's guest\) is not a course role Lectern has/);
});

test("Excel's users: blank ';;;' rows skipped, too many and too few fields located; rows before a broken quote shown", async () => {
  const imp = await preview(server, admin, fs.readFileSync(fixture('excel/users.csv'), 'utf8'));
  assert.equal(rowAt(imp, 2).outcome, 'create');
  assert.match(rowAt(imp, 3).errors[0].message, /Line 3 has 5 fields but the header has 4: a field holds the delimiter ';' without quotes/);
  assert.match(rowAt(imp, 4).errors[0].message, /Line 4 has 2 fields but the header has 4: the line is cut short/);
  assert.equal(rowAt(imp, 5).outcome, 'skip');
  assert.equal(rowAt(imp, 6).outcome, 'skip');
  const broken = await preview(server, admin, 'username,firstname,lastname,email\nbq1,B,Q,not-an-email\n"bq2,B,Q,bq2@example.org\n');
  assert.equal(broken.file_errors[0].line, 3);
  assert.match(broken.file_errors[0].message, /closing quote is missing/);
  assert.equal(rowAt(broken, 2).errors[0].column, 'email', 'the row before the broken quote shows its own problem');
});
