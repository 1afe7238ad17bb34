// lectern course import FILE [--dry-run]: Moodle's course upload columns, categories created from
// "Parent / Child" paths, a preview that writes nothing, all-or-nothing commits with located
// errors, and updates by shortname. Runs the command against the database of a live server, so
// it covers whichever engine the suite runs on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, api, show, adminToken } from '../lib/server.mjs';
import { onServer } from '../lib/cli.mjs';

let server;
let admin;
let lectern;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  lectern = onServer(server);
});
after(async () => { if (server) await server.stop(); });

function file(name, text) {
  const p = path.join(server.dataDir, name);
  fs.writeFileSync(p, text);
  return p;
}
const get = (p) => api(server, 'GET', p, { token: admin });

const GOOD = 'shortname,fullname,category,summary,visible,startdate,enddate,idnumber\n'
  + 'FIRE-101,Fire safety,Health / Fire,Know the **exits**,1,2027-01-10,2027-03-31,X1\n'
  + 'FORK-201,Forklift,Warehouse,,0,1798761600,,X2\n';

test('a preview prints every row and writes nothing', async () => {
  const out = lectern(['course', 'import', file('good.csv', GOOD), '--dry-run'], 0);
  assert.match(out, /line 2: create FIRE-101/);
  assert.match(out, /line 3: create FORK-201/);
  assert.match(out, /column 'idnumber' is not known/);
  assert.match(out, /2 to create, 0 to update, 0 unchanged, 0 skipped, 0 with errors; nothing written \(--dry-run\)/);
  assert.equal((await get('/api/v1/courses/FIRE-101')).status, 404);
  assert.deepEqual((await get('/api/v1/categories')).json.items, []);
});

test('a commit writes the courses and their categories', async () => {
  const out = lectern(['course', 'import', file('good.csv', GOOD)], 0);
  assert.match(out, /2 to create, 0 to update, 0 unchanged, 0 skipped, 0 with errors; written/);
  const fire = (await get('/api/v1/courses/FIRE-101')).json.course;
  assert.equal(fire.title, 'Fire safety');
  assert.equal(fire.category, 'Health / Fire');
  assert.equal(fire.start_date, '2027-01-10');
  assert.equal(fire.end_date, '2027-03-31');
  assert.match(fire.summary_html, /<strong>exits<\/strong>/);
  const fork = (await get('/api/v1/courses/FORK-201')).json.course;
  assert.equal(fork.visible, false);
  assert.equal(fork.start_date, '2027-01-01');
  assert.deepEqual((await get('/api/v1/categories')).json.items.map((c) => c.path), ['Health', 'Health / Fire', 'Warehouse']);
});

test('an error anywhere writes nothing and says where; the same shortname updates', async () => {
  const bad = 'shortname,fullname,startdate,enddate,visible\n'
    + 'FIRE-101,Fire safety (2027),,,1\n'
    + 'NEW-1,New course,2027-05-01,2027-04-01,1\n'
    + 'NEW-2,,,,1\n'
    + 'NEW-3,Odd,,,maybe\n'
    + 'NEW-3,Twice,,,1\n';
  const out = lectern(['course', 'import', file('bad.csv', bad)], 1);
  assert.match(out, /line 2: update FIRE-101/);
  assert.match(out, /line 3: column enddate: The end date must be after the start date/);
  assert.match(out, /line 4: column fullname: Give the course a title/);
  assert.match(out, /line 5: column visible:/);
  assert.match(out, /line 6: column shortname: The course 'NEW-3' is also on line 5/);
  assert.match(out, /nothing written/);
  assert.equal((await get('/api/v1/courses/FIRE-101')).json.course.title, 'Fire safety', 'nothing half-written');
  assert.equal((await get('/api/v1/courses/NEW-1')).status, 404);
  const fixed = 'shortname,fullname\nFIRE-101,Fire safety (2027)\n';
  assert.match(lectern(['course', 'import', file('fix.csv', fixed)], 0), /0 to create, 1 to update/);
  assert.equal((await get('/api/v1/courses/FIRE-101')).json.course.title, 'Fire safety (2027)');
  assert.equal((await get('/api/v1/courses/FIRE-101')).json.course.category, 'Health / Fire', 'columns left out stay');
});

test('a file without shortname, and usage errors', async () => {
  assert.match(lectern(['course', 'import', file('x.csv', 'fullname\nA\n')], 1), /no 'shortname' column/);
  lectern(['course', 'import'], 2);
  lectern(['course', 'frobnicate'], 2);
  assert.match(lectern(['course', 'import', file('y.csv', GOOD), '--bogus'], 2), /unknown option/);
});

test('lectern enrol import: Lectern columns and Canvas enrollments.csv; located errors; all or nothing', async () => {
  for (const u of ['ana', 'ben']) {
    const r = await api(server, 'POST', '/api/v1/users', { token: admin, body: { username: u, email: `${u}@example.com`, first_name: u, last_name: 'X', roles: ['learner'], password: 'Amber-Falcon-Ridge-24' } });
    assert.equal(r.status, 201, show(r));
  }
  await api(server, 'PATCH', '/api/v1/users/ben/profile', { token: admin, body: { idnumber: 'E-200' } });
  const bad = 'course,username,role,due\n'
    + 'FIRE-101,ana,learner,2027-02-01\n'
    + 'NOPE-1,ana,learner,\n'
    + 'FIRE-101,nobody,learner,\n'
    + 'FIRE-101,ben,owner,\n'
    + 'FIRE-101,ben,learner,2026-01-01\n';
  let out = lectern(['enrol', 'import', file('e1.csv', bad)], 1);
  assert.match(out, /line 2: enrol FIRE-101 ana/);
  assert.match(out, /line 3: column course: There is no course 'NOPE-1'/);
  assert.match(out, /line 4: column username: There is no user 'nobody'/);
  assert.match(out, /line 5: column role: Unknown role 'owner'/);
  assert.match(out, /line 6: column due: The due date cannot be before the course starts/);
  assert.deepEqual((await get('/api/v1/courses/FIRE-101/enrolments')).json.items, [], 'nothing written');
  out = lectern(['enrol', 'import', file('e2.csv', 'course,username,role,due\nFIRE-101,ana,learner,2027-02-01\n')], 0);
  assert.match(out, /1 to enrol, 0 to change, 0 unchanged, 0 skipped, 0 with errors; written/);
  out = lectern(['enrol', 'import', file('e3.csv', 'course,username\nFIRE-101,ana\n'), '--dry-run'], 0);
  assert.match(out, /line 2: unchanged FIRE-101 ana/, 'someone already enrolled is unchanged, not an error');
  // Canvas: course_id, user_id (idnumber), role, status.
  const canvas = 'course_id,user_id,role,section_id,status\nFIRE-101,E-200,teacher,,active\nFIRE-101,E-999,student,,active\n';
  assert.match(lectern(['enrol', 'import', file('c1.csv', canvas)], 1), /line 3: column user_id: Nobody has the idnumber 'E-999'/);
  out = lectern(['enrol', 'import', file('c2.csv', 'course_id,user_id,role,status\nFIRE-101,E-200,teacher,active\n')], 0);
  let items = (await get('/api/v1/courses/FIRE-101/enrolments')).json.items;
  assert.deepEqual(items.map((e) => [e.username, e.role]), [['ana', 'learner'], ['ben', 'instructor']]);
  lectern(['enrol', 'import', file('c3.csv', 'course_id,user_id,role,status\nFIRE-101,E-200,teacher,deleted\n')], 0);
  items = (await get('/api/v1/courses/FIRE-101/enrolments')).json.items;
  assert.deepEqual(items.map((e) => e.username), ['ana']);
});
