// Changes that affect people are said before they are made: removing a course set from a
// programme people are part-way through asks for confirmation (409 naming confirm, with how
// many), and once confirmed the set stops counting, so someone who has done the rest completes;
// a set of a programme nobody has started goes at once. (A fixed due date already passed is in
// schedules.test.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';
import { courseWithPage } from '../lib/courses.mjs';

const PW = 'Harbour-Violet-Engine-39';
let server;
let admin;
const pages = {};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const programme = async (code) => (await call(admin, 'GET', `/api/v1/programmes/${code}`, undefined, 200)).json.programme;
const assignments = async (code) => (await call(admin, 'GET', `/api/v1/programmes/${code}/assignments`, undefined, 200)).json.items;

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  for (const code of ['W-1', 'W-2']) pages[code] = await courseWithPage(server, admin, code);
  for (const username of ['una', 'vic'])
    await createUser(server, { username, first_name: username, last_name: 'Warned', roles: ['learner'], password: PW }, admin);
  for (const code of ['PART', 'FRESH']) {
    await call(admin, 'POST', '/api/v1/programmes', { code, title: code, sets: [{ courses: ['W-1'] }, { courses: ['W-2'] }] }, 201);
  }
  await call(admin, 'POST', '/api/v1/programmes/PART/assignments', { username: 'una' }, 201);
  await call(admin, 'POST', '/api/v1/programmes/PART/assignments', { username: 'vic' }, 201);
  await call(admin, 'POST', '/api/v1/programmes/FRESH/assignments', { username: 'vic' }, 201);
  const una = await signIn(server, 'una', PW);
  await call(una, 'GET', `/api/v1/courses/W-1/activities/${pages['W-1']}`, undefined, 200);
});
after(async () => { if (server) await server.stop(); });

test('removing a set people are part-way through asks first, then completes those who did the rest', async () => {
  const [first, second] = (await programme('PART')).sets;
  const asked = await call(admin, 'DELETE', `/api/v1/programmes/PART/sets/${second.id}`, undefined, 409);
  assert.equal(asked.json.error.field, 'confirm');
  assert.match(asked.json.error.message, /^1 person is part-way through this programme/);
  assert.equal((await programme('PART')).sets.length, 2, 'nothing removed yet');
  const una = (await assignments('PART')).find((x) => x.username === 'una');
  assert.equal(una.state, 'in_progress');

  await call(admin, 'DELETE', `/api/v1/programmes/PART/sets/${second.id}?confirm=true`, undefined, 200);
  assert.deepEqual((await programme('PART')).sets.map((s) => s.id), [first.id]);
  const after = await assignments('PART');
  assert.equal(after.find((x) => x.username === 'una').state, 'complete', 'her one remaining set is done');
  assert.equal(after.find((x) => x.username === 'vic').state, 'assigned');
  await call(admin, 'DELETE', `/api/v1/programmes/PART/sets/${second.id}?confirm=true`, undefined, 404);
});

test('a set of a programme nobody has started goes at once', async () => {
  const [, second] = (await programme('FRESH')).sets;
  await call(admin, 'DELETE', `/api/v1/programmes/FRESH/sets/${second.id}`, undefined, 200);
  assert.equal((await programme('FRESH')).sets.length, 1);
});
