// Programmes assigned to a manager's reporting line through the API: everyone below the
// manager, direct and indirect, is assigned; a person given another manager takes everyone
// below them along (out of the line and back in); an unknown manager or the same rule twice is
// refused; and removing a rule ends the assignments only it held (a dry run counts them first),
// the rows and history kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';

const PW = 'Slate-Harbour-Meadow-58';
let server;
let admin;

async function call(method, path, body, status) {
  const r = await api(server, method, path, { token: admin, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const assigned = async () =>
  (await call('GET', '/api/v1/programmes/TEAM-1/assignments', undefined, 200)).json.items.map((x) => x.username).sort();
const manage = (username, manager) => call('PATCH', `/api/v1/users/${username}/profile`, { manager }, 200);

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  await call('POST', '/api/v1/courses', { code: 'TEAM-C1', title: 'Team course', status: 'published' }, 201);
  for (const [username, roles] of [['boss', ['manager']], ['mid', ['manager']], ['other', ['manager']], ['ann', ['learner']], ['bob', ['learner']]])
    await createUser(server, { username, first_name: username, last_name: 'Person', roles, password: PW }, admin);
  await manage('mid', 'boss');
  await manage('bob', 'boss');
  await manage('ann', 'mid');
  await call('POST', '/api/v1/programmes', { code: 'TEAM-1', title: 'Team induction', sets: [{ courses: ['TEAM-C1'] }] }, 201);
});
after(async () => { if (server) await server.stop(); });

test('a manager\'s reporting line is assigned, direct and indirect reports, not the manager', async () => {
  const bad = await call('POST', '/api/v1/programmes/TEAM-1/assignments', { manager: 'nobody' }, 422);
  assert.equal(bad.json.error.field, 'manager');
  assert.match(bad.json.error.message, /no user 'nobody'/);
  const r = await call('POST', '/api/v1/programmes/TEAM-1/assignments', { manager: 'boss' }, 201);
  assert.equal(r.json.added, 3);
  const rule = r.json.rules.find((x) => x.kind === 'team');
  assert.equal(rule.manager, 'boss');
  assert.equal(rule.who, 'boss Person (boss)');
  assert.deepEqual(await assigned(), ['ann', 'bob', 'mid']);
  const again = await call('POST', '/api/v1/programmes/TEAM-1/assignments', { manager: 'boss' }, 409);
  assert.equal(again.json.error.field, 'manager');
  // Assigned people are enrolled in the open set's course, as with any rule.
  const enrolled = (await call('GET', '/api/v1/courses/TEAM-C1/enrolments', undefined, 200)).json.items.map((e) => e.username).sort();
  assert.deepEqual(enrolled, ['ann', 'bob', 'mid']);
});

test('a new manager takes everyone below the person out of the line, and back in', async () => {
  await manage('mid', 'other');
  assert.deepEqual(await assigned(), ['bob'], 'mid and ann, who reports to mid, have left');
  await manage('mid', 'boss');
  assert.deepEqual(await assigned(), ['ann', 'bob', 'mid']);
  // A newcomer below someone in the line is assigned when they are given their manager.
  await createUser(server, { username: 'cid', first_name: 'cid', last_name: 'Person', roles: ['learner'], password: PW }, admin);
  await manage('cid', 'ann');
  assert.deepEqual(await assigned(), ['ann', 'bob', 'cid', 'mid']);
});

test('removing a rule: a dry run counts, then only the people no other rule holds leave', async () => {
  await call('POST', '/api/v1/programmes/TEAM-1/assignments', { username: 'ann' }, 201);
  const rules = (await call('GET', '/api/v1/programmes/TEAM-1', undefined, 200)).json.rules;
  const team = rules.find((x) => x.kind === 'team');
  const dry = await call('DELETE', `/api/v1/programmes/TEAM-1/rules/${team.id}?dry_run=true`, undefined, 200);
  assert.equal(dry.json.ended, 3, 'bob, cid and mid; ann is assigned by name as well');
  assert.equal(dry.json.dry_run, true);
  assert.equal(dry.json.rules.length, 2, 'the dry run changed nothing');
  assert.deepEqual(await assigned(), ['ann', 'bob', 'cid', 'mid']);
  const done = await call('DELETE', `/api/v1/programmes/TEAM-1/rules/${team.id}`, undefined, 200);
  assert.equal(done.json.ended, 3);
  assert.deepEqual(done.json.rules.map((x) => x.kind), ['user']);
  assert.deepEqual(await assigned(), ['ann']);
  // Their enrolments stay: leaving the programme keeps what they did.
  const enrolled = (await call('GET', '/api/v1/courses/TEAM-C1/enrolments', undefined, 200)).json.items.map((e) => e.username).sort();
  assert.deepEqual(enrolled, ['ann', 'bob', 'cid', 'mid']);
  await call('DELETE', `/api/v1/programmes/TEAM-1/rules/${team.id}`, undefined, 404);
  // Assigned again by the rule, they come back on the same rows.
  const back = await call('POST', '/api/v1/programmes/TEAM-1/assignments', { manager: 'boss' }, 201);
  assert.equal(back.json.added, 3);
});
