// Canvas's enrollments.csv (tests/fixtures/canvas) through `lectern enrol import`: a feed that
// says what each enrolment should be, so the same file again reports every row unchanged;
// Canvas's statuses (active, deleted, inactive, completed) and roles (by name and role_id)
// mapped to Lectern's, anything else a row error naming what is allowed; and Excel's blank
// rows skipped. The command runs on the database of a live server; the API shows the result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken } from '../lib/server.mjs';
import { onServer, fixture } from '../lib/cli.mjs';

let server;
let admin;
let lectern;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  lectern = onServer(server);
  for (const code of ['E411208', 'R001104', 'XL-1']) {
    const r = await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code, title: code, status: 'published' } });
    assert.equal(r.status, 201, show(r));
  }
  for (const [username, idnumber] of [['ana', '01103'], ['ben', '13834'], ['cy', '13aa3']]) {
    const body = { username, email: `${username}@example.org`, first_name: username, last_name: 'X', roles: ['learner'], password: 'Amber-Falcon-Ridge-24' };
    assert.equal((await api(server, 'POST', '/api/v1/users', { token: admin, body })).status, 201);
    await api(server, 'PATCH', `/api/v1/users/${username}/profile`, { token: admin, body: { idnumber } });
  }
});
after(async () => { if (server) await server.stop(); });

const enrolments = async (code) => (await api(server, 'GET', `/api/v1/courses/${code}/enrolments`, { token: admin })).json.items
  .map((e) => `${e.username}:${e.role}${e.completed ? ':completed' : ''}`).sort();

test('Canvas enrollments.csv: roles by name and role_id, completed marked; the same file again is unchanged', async () => {
  const out = lectern(['enrol', 'import', fixture('canvas/enrollments.csv')], 0);
  assert.match(out, /column 'section_id' is not known and is ignored/);
  assert.match(out, /line 5: enrol R001104 01103: marked completed/);
  assert.match(out, /4 to enrol, 0 to change, 0 unchanged, 0 skipped, 0 with errors; written/);
  assert.deepEqual(await enrolments('E411208'), ['ana:learner', 'ben:instructor', 'cy:instructor']);
  assert.deepEqual(await enrolments('R001104'), ['ana:learner:completed']);
  const again = lectern(['enrol', 'import', fixture('canvas/enrollments.csv')], 0);
  assert.doesNotMatch(again, /already enrolled/);
  assert.match(again, /0 to enrol, 0 to change, 4 unchanged, 0 skipped, 0 with errors; written/);
  assert.deepEqual(await enrolments('E411208'), ['ana:learner', 'ben:instructor', 'cy:instructor']);
});

test('Canvas statuses change what they say: deleted unenrols, inactive ends with a note, a new role updates', async () => {
  const out = lectern(['enrol', 'import', fixture('canvas/enrollments_changes.csv')], 0);
  assert.match(out, /line 2: unenrol E411208 01103/);
  assert.match(out, /line 3: update E411208 13834: role: learner/);
  assert.match(out, /line 4: unenrol E411208 13aa3: inactive: Lectern has no paused enrolment/);
  assert.match(out, /line 5: unchanged R001104 01103/);
  assert.deepEqual(await enrolments('E411208'), ['ben:learner']);
  const again = lectern(['enrol', 'import', fixture('canvas/enrollments_changes.csv')], 0);
  assert.match(again, /0 to enrol, 0 to change, 4 unchanged/);
  assert.match(again, /line 2: unchanged E411208 01103: not enrolled/);
});

test('unknown roles, role ids and statuses are row errors naming what is allowed; every problem of a row shows', async () => {
  const out = lectern(['enrol', 'import', fixture('canvas/enrollments_bad.csv')], 1);
  assert.match(out, /line 2: column role: Lectern has no observer role/);
  assert.match(out, /line 3: column role_id: Unknown role_id '99': Lectern knows Canvas's built-in course roles 3 \(student\), 4 \(teacher\)/);
  assert.match(out, /line 4: column status: Unknown status 'invited': use active \(enrolled\), deleted or inactive \(unenrolled\), or completed/);
  assert.match(out, /line 5: column course_id: There is no course 'NOPE-9'/);
  assert.match(out, /line 5: column user_id: Nobody has the idnumber '99999'/);
  assert.match(out, /line 5: column role: Unknown role 'principal'/);
  assert.match(out, /line 5: column status: Unknown status 'paused'/);
  assert.match(out, /nothing written/);
});

test("Excel's blank ';;' rows are skipped in the enrolment upload too", async () => {
  const out = lectern(['enrol', 'import', fixture('excel/enrolments.csv')], 0);
  assert.match(out, /line 2: enrol XL-1 ana/);
  assert.match(out, /1 to enrol, 0 to change, 0 unchanged, 2 skipped, 0 with errors; written/);
});

test('an enrolment row with an unquoted delimiter or cut short names its line', async () => {
  const csv = 'course,username,role\nXL-1,ben,learner,extra\nXL-1\n';
  const r = await api(server, 'POST', '/api/v1/courses/XL-1/enrolments/import', { token: admin, body: { data: csv } });
  assert.equal(r.status, 200, show(r));
  const rows = r.json.upload.rows;
  assert.match(rows[0].errors[0].message, /Line 2 has 4 fields but the header has 3/);
  assert.match(rows[1].errors[0].message, /Line 3 has 1 fields but the header has 3: the line is cut short/);
});
