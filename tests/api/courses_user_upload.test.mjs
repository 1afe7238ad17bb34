// Moodle's course1/role1, course2/role2 ... columns in the bulk user upload: every course must
// exist and take enrolments, every role be a course role (student -> learner, editingteacher
// and teacher -> instructor), errors located by line and column; the commit enrols the people in
// the same transaction as it writes them, and leaves alone anyone already enrolled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken } from '../lib/server.mjs';
import { preview, commit, rowAt } from '../lib/people.mjs';

let server;
let admin;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  for (const [code, status] of [['UP-1', 'published'], ['UP-2', 'draft'], ['OLD-1', 'archived']]) {
    const r = await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code, title: code, status } });
    assert.equal(r.status, 201, show(r));
  }
});
after(async () => { if (server) await server.stop(); });

const live = async (code) => (await api(server, 'GET', `/api/v1/courses/${code}/enrolments`, { token: admin })).json.items
  .map((e) => `${e.username}:${e.role}`).sort();

test('bad courses and roles are located; nothing is written', async () => {
  const csv = 'username,firstname,lastname,email,course1,role1,course2,role2\n'
    + 'cu.a,Cu,A,cua@example.org,UP-1,student,NOPE-1,student\n'
    + 'cu.b,Cu,B,cub@example.org,OLD-1,,UP-2,manager\n';
  const imp = await preview(server, admin, csv);
  assert.deepEqual(imp.unknown_columns, []);
  assert.deepEqual(rowAt(imp, 2).errors.map((e) => e.column), ['course2']);
  assert.deepEqual(rowAt(imp, 3).errors.map((e) => e.column).sort(), ['course1', 'role2']);
  const r = await commit(server, admin, imp.id);
  assert.equal(r.status, 422, show(r));
  assert.deepEqual(await live('UP-1'), []);
  const lone = await preview(server, admin, 'username,firstname,lastname,email,role1\nx,X,Y,x@example.org,student\n');
  assert.ok(lone.file_errors.some((e) => e.column === 'role1'), JSON.stringify(lone.file_errors));
});

test('a commit creates the people and enrols them with their roles; already enrolled stays', async () => {
  await api(server, 'POST', '/api/v1/users', { token: admin, body: { username: 'cu.old', email: 'old@example.org', first_name: 'Old', last_name: 'Timer', roles: ['learner'], password: 'Amber-Falcon-Ridge-24' } });
  await api(server, 'POST', '/api/v1/courses/UP-1/enrolments', { token: admin, body: { username: 'cu.old', role: 'instructor' } });
  const csv = 'username,firstname,lastname,email,course1,role1,course2,role2\n'
    + 'cu.c,Cu,C,cuc@example.org,UP-1,student,UP-2,editingteacher\n'
    + 'cu.d,Cu,D,cud@example.org,UP-2,,,\n'
    + 'cu.old,Old,Timer,old@example.org,UP-1,student,,\n';
  const imp = await preview(server, admin, csv);
  assert.equal(imp.summary.error, 0, JSON.stringify(imp.rows));
  const r = await commit(server, admin, imp.id);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(await live('UP-1'), ['cu.c:learner', 'cu.old:instructor']);
  assert.deepEqual(await live('UP-2'), ['cu.c:instructor', 'cu.d:learner']);
  // the same file again changes nothing
  const again = await commit(server, admin, (await preview(server, admin, csv)).id);
  assert.equal(again.status, 200, show(again));
  assert.deepEqual(await live('UP-1'), ['cu.c:learner', 'cu.old:instructor']);
});
