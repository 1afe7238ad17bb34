// The authorisation matrix: every route of the route table (`lectern routes`, so the list
// cannot drift from the binary), asked by an anonymous visitor, a learner, an instructor of
// another course, a manager outside the person's reporting line and an administrator, with
// other people's objects in the path: another course (MX-OTHER, which none of the first four
// takes part in), its quiz, section and question, and another learner's (zed's) account and
// submitted attempt. What each may get is declared in authorisation-matrix.json:
//
// - anonymous: 401 from the API, the sign-in page (303) from pages; public routes answer;
// - a visitor without the route's capability: 403;
// - a visitor with it but listed in the route's "hidden": 403 or 404, never the object;
// - everyone else: an answer (no 401, 403 or server error);
// - whatever the answer, its body never carries zed's email address, name or essay answer
//   to anyone but the administrator (none of the others teaches, manages or is zed).
//
// Routes that change things are asked only by those who must be refused (so nothing changes
// when the server is right); those who may use them are covered by the domain's own tests.
// A route without an entry in the data file, or an entry for no route, fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, api, show, signIn, adminToken, createUser, lecternBin } from '../lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const matrix = JSON.parse(fs.readFileSync(path.join(here, 'authorisation-matrix.json'), 'utf8'));
const VISITORS = ['anonymous', 'learner', 'instructor', 'manager', 'admin'];
const PW = 'Cobalt-Meadow-Lantern-83';
const ZED_EMAIL = 'zed.private@example.org';
const ZED_ANSWER = 'ZED-ESSAY-ANSWER-7731';
const ZED_NAME = 'Zedmarker';
const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let server;
const tokens = {};
const ids = {};

function routeTable() {
  const r = spawnSync(lecternBin(), ['routes'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `lectern routes: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  const admin = await adminToken(server);
  tokens.admin = admin;
  const call = async (token, method, p, body, status = 201) => {
    const r = await api(server, method, p, { token, body });
    assert.equal(r.status, status, `${method} ${p}: ${show(r)}`);
    return r.json;
  };
  const people = [
    ['lea', 'learner'], ['ivy', 'instructor'], ['max', 'manager'], ['ian', 'instructor'], ['zed', 'learner'],
  ];
  for (const [username, role] of people) {
    await createUser(server, {
      username, password: PW, roles: [role], first_name: username === 'zed' ? ZED_NAME : username, last_name: 'Matrix',
      email: username === 'zed' ? ZED_EMAIL : `${username}@example.org`,
    }, admin);
  }
  for (const code of ['MX-MINE', 'MX-OTHER']) await call(admin, 'POST', '/api/v1/courses', { code, title: `Course ${code}`, status: 'published' });
  await call(admin, 'POST', '/api/v1/courses/MX-MINE/enrolments', { username: 'ivy', role: 'instructor' });
  await call(admin, 'POST', '/api/v1/courses/MX-MINE/enrolments', { username: 'lea', role: 'learner' });
  await call(admin, 'POST', '/api/v1/courses/MX-OTHER/enrolments', { username: 'ian', role: 'instructor' });
  await call(admin, 'POST', '/api/v1/courses/MX-OTHER/enrolments', { username: 'zed', role: 'learner' });
  ids.section = (await call(admin, 'POST', '/api/v1/courses/MX-OTHER/sections', { title: 'Other' })).id;
  ids.question = (await call(admin, 'POST', '/api/v1/courses/MX-OTHER/questions', {
    type: 'essay', title: 'Reflect', text: 'What did you learn?', answers: [],
  })).question.id;
  ids.quiz = (await call(admin, 'POST', '/api/v1/courses/MX-OTHER/activities', { section_id: ids.section, kind: 'quiz', title: 'Other quiz' })).activity.id;
  await call(admin, 'PUT', `/api/v1/courses/MX-OTHER/quizzes/${ids.quiz}`, { question_ids: [ids.question], attempts_allowed: 0 }, 200);
  const zed = await signIn(server, 'zed', PW);
  const attempt = (await call(zed, 'POST', `/api/v1/courses/MX-OTHER/quizzes/${ids.quiz}/attempts`)).attempt;
  ids.attempt = attempt.id;
  await call(zed, 'POST', `/api/v1/attempts/${ids.attempt}/submit`, { answers: { 1: { text: ZED_ANSWER } } }, 200);
  // zed's thread in the other course's forum, and its first post.
  const thread = await call(zed, 'POST', '/api/v1/courses/MX-OTHER/forum/threads', { title: 'Zed asks', body: 'A question.' });
  ids.thread = thread.thread.id;
  ids.post = thread.posts[0].id;
  for (const [who, username] of [['learner', 'lea'], ['instructor', 'ivy'], ['manager', 'max']]) tokens[who] = await signIn(server, username, PW);
});
after(async () => { if (server) await server.stop(); });

/** The route's pattern with other people's objects in its captures. */
function pathFor(pattern) {
  return pattern.replace(/(\w[\w-]*)?\/\{(\w+):(\w+)\}/g, (m, before, name, type) => {
    const prefix = before ? `${before}/` : '/';
    if (name === 'username') return `${prefix}zed`;
    if (name === 'course') return `${prefix}MX-OTHER`;
    if (name === 'slot') return `${prefix}1`;
    if (type === 'str') return `${prefix}missing-import`;
    const byKind = { attempts: ids.attempt, quizzes: ids.quiz, activities: ids.quiz, sections: ids.section, questions: ids.question, threads: ids.thread, posts: ids.post };
    return `${prefix}${byKind[before] ?? 999999}`;
  });
}

const isApi = (p) => p.startsWith('/api/v1/') || p === '/metrics';

async function ask(visitor, method, p) {
  const headers = isApi(p) ? {} : { accept: 'text/html' };
  return api(server, method, p, { token: tokens[visitor], headers });
}

/** What visitor must get from the route; null when the route is not asked by them. */
function expectation(entry, route, visitor) {
  const holders = matrix.capabilities[entry.cap];
  const holds = holders.includes(visitor);
  const changes = CHANGES.has(route.method);
  if (!holds) return visitor === 'anonymous' ? 'signin' : 'forbidden';
  if ((entry.hidden || []).includes(visitor)) return 'hidden';
  return changes ? null : 'answer';
}

function check(expect, visitor, r, where) {
  const what = `${where} as ${visitor}: ${show(r)}`;
  if (expect === 'signin') {
    if (isApi(where.split(' ')[1])) assert.equal(r.status, 401, what);
    else assert.ok(r.status === 303 && /^\/signin\?next=/.test(r.headers.location), what);
  } else if (expect === 'forbidden') {
    assert.equal(r.status, 403, what);
  } else if (expect === 'hidden') {
    // A change whose declared fields are missing may be refused for them first (422): it
    // was refused all the same, and the body is checked below like any other.
    const refused = r.status === 403 || r.status === 404 || (CHANGES.has(where.split(' ')[0]) && r.status === 422);
    assert.ok(refused, what);
  } else {
    assert.ok(![401, 403].includes(r.status) && r.status < 500, what);
  }
  if (visitor !== 'admin') {
    assert.ok(!r.text.includes(ZED_EMAIL), `${where} shows zed's email to ${visitor}: ${r.status}`);
    assert.ok(!r.text.includes(ZED_ANSWER), `${where} shows zed's answer to ${visitor}`);
    assert.ok(!r.text.includes(ZED_NAME), `${where} shows zed's name to ${visitor}`);
  }
}

test('the matrix names every route of the binary, with the capability the route table gives it', () => {
  const routes = routeTable();
  const keys = routes.map((r) => `${r.method} ${r.pattern}`);
  const missing = keys.filter((k) => !matrix.routes[k]);
  assert.deepEqual(missing, [], 'routes without an entry in authorisation-matrix.json');
  const stale = Object.keys(matrix.routes).filter((k) => !keys.includes(k));
  assert.deepEqual(stale, [], 'entries in authorisation-matrix.json for routes that no longer exist');
  for (const r of routes) {
    const entry = matrix.routes[`${r.method} ${r.pattern}`];
    assert.equal(entry.cap, r.capability, `${r.method} ${r.pattern}: the route table says ${r.capability}`);
    assert.ok(matrix.capabilities[entry.cap], `${entry.cap} is declared in capabilities`);
    for (const v of entry.hidden || []) assert.ok(matrix.capabilities[entry.cap].includes(v), `${r.method} ${r.pattern}: ${v} is hidden but lacks ${entry.cap}`);
  }
});

test('every route answers each visitor as the matrix says', async () => {
  let asked = 0;
  const failures = [];
  for (const route of routeTable()) {
    const entry = matrix.routes[`${route.method} ${route.pattern}`];
    if (!entry) continue; // reported by the test above
    const p = pathFor(route.pattern);
    for (const visitor of VISITORS) {
      const expect = expectation(entry, route, visitor);
      if (!expect) continue;
      const r = await ask(visitor, route.method, p);
      asked++;
      try { check(expect, visitor, r, `${route.method} ${p}`); } catch (e) { failures.push(e.message.split('\n')[0].slice(0, 160)); }
    }
  }
  assert.ok(failures.length === 0, `${failures.length} of ${asked} answers differ from the matrix:\n${failures.join('\n')}`);
  assert.ok(asked > 500, `asked ${asked}`);
  // Nothing that must be refused changed anything: zed's attempt and account are as they were.
  const a = await api(server, 'GET', `/api/v1/attempts/${ids.attempt}`, { token: tokens.admin });
  assert.equal(a.json.attempt.state, 'submitted');
  const u = await api(server, 'GET', '/api/v1/users/zed', { token: tokens.admin });
  assert.equal(u.json.user.status, 'active');
});
