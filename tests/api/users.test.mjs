// Accounts: create, validate, list and search, read, edit, suspend, reactivate, reset password,
// and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, show, signIn, signInFull, adminToken, createUser, changePassword, assertCleanShutdown,
} from '../lib/server.mjs';

let server;
let admin;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
});
after(async () => { if (server) await server.stop(); });

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const post = (path, body, token = admin) => api(server, 'POST', path, { token, body });
const get = (path, token = admin) => api(server, 'GET', path, { token });
const patch = (path, body, token = admin) => api(server, 'PATCH', path, { token, body });
const sorted = (a) => [...a].sort();

function expectInvalid(r, field, what) {
  assert.equal(r.status, 422, `${what}: ${show(r)}`);
  assert.equal(r.json?.error?.code, 'invalid', `${what}: ${show(r)}`);
  assert.equal(r.json.error.field, field, `${what}: ${show(r)}`);
  assert.ok(r.json.error.message && r.json.error.message.length > 0, `${what}: a message says what to fix`);
}

test('create with a password: 201 with the user and no one-time password', async () => {
  const r = await post('/api/v1/users', {
    username: 'alice', email: 'alice@example.com', first_name: 'Alice', last_name: 'Archer', roles: ['learner'],
    password: 'Amber-Falcon-Ridge-24',
  });
  assert.equal(r.status, 201, show(r));
  const u = r.json.user;
  assert.equal(u.username, 'alice');
  assert.equal(u.email, 'alice@example.com');
  assert.equal(u.first_name, 'Alice');
  assert.equal(u.last_name, 'Archer');
  assert.deepEqual(u.roles, ['learner']);
  assert.equal(u.status, 'active');
  assert.equal(u.locked, false);
  assert.equal(u.locked_until, null);
  assert.equal(u.last_signin_at, null);
  assert.ok(Number.isInteger(u.id), show(r));
  assert.match(u.created_at, ISO);
  assert.match(u.updated_at, ISO);
  assert.equal(r.json.one_time_password ?? null, null, 'no one-time password when a password was given');
  assert.ok(!/password_hash|\$argon2/.test(r.text), 'no secrets in the answer');
  const s = await signInFull(server, 'alice', 'Amber-Falcon-Ridge-24');
  assert.equal(s.user.username, 'alice');
});

test('create without a password: 201 with a one-time password that must be changed', async () => {
  const r = await post('/api/v1/users', {
    username: 'bob', email: 'bob@example.com', first_name: 'Bob', last_name: 'Baker', roles: 'learner,instructor',
  });
  assert.equal(r.status, 201, show(r));
  assert.deepEqual(sorted(r.json.user.roles), ['instructor', 'learner']);
  assert.equal(r.json.user.must_change_password, true);
  const otp = r.json.one_time_password;
  assert.equal(typeof otp, 'string', show(r));
  assert.ok(otp.length >= 12, 'the one-time password passes the policy');
  const s = await signInFull(server, 'bob', otp);
  assert.equal(s.must_change_password, true);
  const d = await get('/api/v1/dashboard', s.token);
  assert.equal(d.status, 403, show(d));
  assert.equal(d.json.error.code, 'password_change_required');
  const tok = await changePassword(server, 'bob', s.token, otp, 'Cedar-Night-Wind-77');
  const me2 = await get('/api/v1/me', tok);
  assert.equal(me2.status, 200, show(me2));
  // The one-time password is shown once: reading the user again does not show it.
  const again = await get('/api/v1/users/bob');
  assert.ok(!again.text.includes(otp), 'the one-time password is never shown again');
});

test('a duplicate username answers 409 conflict', async () => {
  const r = await post('/api/v1/users', { username: 'alice', email: 'alice2@example.com', first_name: 'A', last_name: 'B', roles: ['learner'] });
  assert.equal(r.status, 409, show(r));
  assert.equal(r.json?.error?.code, 'conflict');
});

test('usernames are case-insensitive: "ALICE" is a duplicate of "alice"', async () => {
  const r = await post('/api/v1/users', { username: 'ALICE', email: 'alice3@example.com', first_name: 'A', last_name: 'B', roles: ['learner'] });
  assert.equal(r.status, 409, show(r));
});

test('an invalid email answers 422 with field "email", and nothing is written', async () => {
  for (const email of ['not-an-email', 'a@b', '@example.com', 'x y@example.com']) {
    const r = await post('/api/v1/users', { username: 'carol', email, first_name: 'C', last_name: 'C', roles: ['learner'] });
    expectInvalid(r, 'email', email);
  }
  const g = await get('/api/v1/users/carol');
  assert.equal(g.status, 404, show(g));
});

test('a weak password answers 422 with field "password", and nothing is written', async () => {
  for (const password of ['short', 'eleven-char', 'dave-Strong-Password-1']) {
    const r = await post('/api/v1/users', { username: 'dave', email: 'dave@example.com', first_name: 'D', last_name: 'D', roles: ['learner'], password });
    expectInvalid(r, 'password', password);
  }
  const g = await get('/api/v1/users/dave');
  assert.equal(g.status, 404, show(g));
});

test('an unknown role answers 422 with field "roles"', async () => {
  for (const roles of [['wizard'], 'learner,wizard', ['learner', 'superuser']]) {
    const r = await post('/api/v1/users', { username: 'erin', email: 'erin@example.com', first_name: 'E', last_name: 'E', roles });
    expectInvalid(r, 'roles', JSON.stringify(roles));
  }
  assert.equal((await get('/api/v1/users/erin')).status, 404);
});

test('a missing or invalid username answers 422 with field "username"', async () => {
  const missing = await post('/api/v1/users', { email: 'nou@example.com', first_name: 'N', last_name: 'U', roles: ['learner'] });
  expectInvalid(missing, 'username', 'missing');
  for (const username of ['has space', 'slash/name', '', 'x'.repeat(101), 'semi;colon']) {
    const r = await post('/api/v1/users', { username, email: 'bad@example.com', first_name: 'N', last_name: 'U', roles: ['learner'] });
    expectInvalid(r, 'username', JSON.stringify(username));
  }
});

test('list with q and pagination: 30 matching users, 10 per page', async () => {
  const jobs = [];
  for (let i = 1; i <= 30; i++) {
    const n = String(i).padStart(2, '0');
    jobs.push(() => post('/api/v1/users', {
      username: `pager${n}`, email: `pager${n}@paging.example.org`, first_name: `Page${n}`, last_name: 'Turner', roles: ['learner'],
    }));
  }
  // Five at a time: sign-up hashing is slow on purpose.
  for (let i = 0; i < jobs.length; i += 5) {
    const rs = await Promise.all(jobs.slice(i, i + 5).map((f) => f()));
    for (const r of rs) assert.equal(r.status, 201, show(r));
  }
  const p1 = await get('/api/v1/users?q=pager&per_page=10');
  assert.equal(p1.status, 200, show(p1));
  assert.equal(p1.json.total, 30, show(p1));
  assert.equal(p1.json.page, 1);
  assert.equal(p1.json.per_page, 10);
  assert.equal(p1.json.items.length, 10);
  assert.equal(typeof p1.json.next, 'string', show(p1));
  assert.match(p1.json.next, /page=2/);
  assert.match(p1.json.next, /per_page=10/);
  assert.match(p1.json.next, /q=pager/);

  const p2 = await get(p1.json.next);
  assert.equal(p2.status, 200, `following next ${p1.json.next}: ${show(p2)}`);
  assert.equal(p2.json.page, 2);
  assert.equal(p2.json.items.length, 10);

  const p3 = await get('/api/v1/users?q=pager&per_page=10&page=3');
  assert.equal(p3.status, 200, show(p3));
  assert.equal(p3.json.items.length, 10);
  assert.equal(p3.json.next, null, show(p3));

  const seen = new Set([...p1.json.items, ...p2.json.items, ...p3.json.items].map((u) => u.username));
  assert.equal(seen.size, 30, 'three pages hold 30 different users');
  for (let i = 1; i <= 30; i++) assert.ok(seen.has(`pager${String(i).padStart(2, '0')}`));

  const p4 = await get('/api/v1/users?q=pager&per_page=10&page=4');
  assert.equal(p4.status, 200, show(p4));
  assert.equal(p4.json.items.length, 0);
  assert.equal(p4.json.next, null);
  assert.equal(p4.json.total, 30);
});

test('list defaults: page 1, per_page 25; per_page is at most 100', async () => {
  const r = await get('/api/v1/users');
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.page, 1);
  assert.equal(r.json.per_page, 25);
  assert.ok(r.json.total >= 33, `admin, alice, bob and 30 pagers: ${r.json.total}`);
  assert.equal(r.json.items.length, 25);
  const big = await get('/api/v1/users?per_page=1000');
  assert.ok(big.status === 422 || (big.status === 200 && big.json.per_page <= 100 && big.json.items.length <= 100), show(big));
  for (const bad of ['page=0', 'page=-1', 'page=abc', 'per_page=0', 'per_page=x']) {
    const b = await get(`/api/v1/users?${bad}`);
    assert.ok([200, 422].includes(b.status), `${bad}: ${show(b)}`);
    if (b.status === 422) assert.ok(['page', 'per_page'].includes(b.json.error.field), `${bad}: ${show(b)}`);
  }
});

test('q searches username, first and last name and email, case-insensitively', async () => {
  await createUser(server, { username: 'zed', email: 'zed@unique-domain.example', first_name: 'Zebulon', last_name: 'Quixote', roles: ['learner'] }, admin);
  for (const q of ['zed', 'zebulon', 'QUIXOTE', 'unique-domain']) {
    const r = await get(`/api/v1/users?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, show(r));
    assert.ok(r.json.items.some((u) => u.username === 'zed'), `q=${q}: ${show(r)}`);
  }
  const none = await get('/api/v1/users?q=nothing-matches-this');
  assert.equal(none.json.total, 0);
  assert.deepEqual(none.json.items, []);
  // LIKE wildcards are literal text, not patterns.
  for (const q of ['%', '_', '%%%']) {
    const r = await get(`/api/v1/users?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.total, 0, `q=${q} matches literally: ${show(r)}`);
  }
});

test('the search index follows renames: the new name is found, the old one no longer', async () => {
  await createUser(server, { username: 'wren', email: 'wren@example.com', first_name: 'Winifred', last_name: 'Oldsurname', roles: ['learner'] }, admin);
  const before = await get('/api/v1/users?q=oldsurn');
  assert.deepEqual(before.json.items.map((u) => u.username), ['wren'], show(before));
  const r = await api(server, 'PATCH', '/api/v1/users/wren', { token: admin, body: { last_name: 'Newsurname' } });
  assert.equal(r.status, 200, show(r));
  assert.equal((await get('/api/v1/users?q=oldsurn')).json.total, 0);
  const after = await get('/api/v1/users?q=NEWSURN');
  assert.deepEqual(after.json.items.map((u) => u.username), ['wren'], show(after));
  // "Last, First" is searchable as one phrase, and a substring inside a word is found.
  assert.equal((await get(`/api/v1/users?q=${encodeURIComponent('newsurname, winif')}`)).json.total, 1);
  assert.equal((await get('/api/v1/users?q=nifre')).json.total, 1);
});

test('get one user: 200 {user, signins}; unknown user 404', async () => {
  const r = await get('/api/v1/users/alice');
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.user.username, 'alice');
  assert.ok(Array.isArray(r.json.signins));
  assert.ok(r.json.signins.length >= 1, 'alice signed in once');
  assert.match(r.json.user.last_signin_at, ISO);
  const missing = await get('/api/v1/users/nobody');
  assert.equal(missing.status, 404, show(missing));
  assert.equal(missing.json?.error?.code, 'not_found');
});

test('patch names, email and roles', async () => {
  const r = await patch('/api/v1/users/alice', { first_name: 'Alicia', last_name: 'Archer-Smith', roles: ['learner', 'instructor'] });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.user.first_name, 'Alicia');
  assert.equal(r.json.user.last_name, 'Archer-Smith');
  assert.deepEqual(sorted(r.json.user.roles), ['instructor', 'learner']);
  assert.equal(r.json.user.email, 'alice@example.com', 'fields not sent stay');
  const g = await get('/api/v1/users/alice');
  assert.equal(g.json.user.first_name, 'Alicia');
  assert.deepEqual(sorted(g.json.user.roles), ['instructor', 'learner']);

  const e = await patch('/api/v1/users/alice', { email: 'alicia@example.com' });
  assert.equal(e.status, 200, show(e));
  assert.equal(e.json.user.email, 'alicia@example.com');
  assert.equal(e.json.user.first_name, 'Alicia');

  const s = await patch('/api/v1/users/alice', { roles: 'manager' });
  assert.equal(s.status, 200, show(s));
  assert.deepEqual(s.json.user.roles, ['manager']);
  await patch('/api/v1/users/alice', { roles: ['learner'] });
});

test('a patch with one bad field changes nothing', async () => {
  const r = await patch('/api/v1/users/alice', { first_name: 'Changed', email: 'broken' });
  expectInvalid(r, 'email', 'patch');
  const r2 = await patch('/api/v1/users/alice', { last_name: 'Changed', roles: ['nope'] });
  expectInvalid(r2, 'roles', 'patch');
  const g = await get('/api/v1/users/alice');
  assert.equal(g.json.user.first_name, 'Alicia');
  assert.equal(g.json.user.last_name, 'Archer-Smith');
  assert.equal(g.json.user.email, 'alicia@example.com');
  const missing = await patch('/api/v1/users/nobody', { first_name: 'X' });
  assert.equal(missing.status, 404, show(missing));
});

test('suspend: the user\'s token stops working and sign-in fails; reactivate: sign-in works', async () => {
  await createUser(server, { username: 'sam', email: 'sam@example.com', first_name: 'Sam', last_name: 'S', roles: ['learner'], password: 'Purple-Mango-Dune-24' }, admin);
  const tok = await signIn(server, 'sam', 'Purple-Mango-Dune-24');
  assert.equal((await get('/api/v1/me', tok)).status, 200);

  const s = await post('/api/v1/users/sam/suspend', undefined);
  assert.equal(s.status, 200, show(s));
  assert.equal(s.json.user.status, 'suspended');
  const me = await get('/api/v1/me', tok);
  assert.equal(me.status, 401, `a suspended user's token: ${show(me)}`);
  const si = await api(server, 'POST', '/api/v1/sessions', { body: { username: 'sam', password: 'Purple-Mango-Dune-24' } });
  assert.equal(si.status, 401, show(si));

  const ra = await post('/api/v1/users/sam/reactivate', undefined);
  assert.equal(ra.status, 200, show(ra));
  assert.equal(ra.json.user.status, 'active');
  assert.equal((await get('/api/v1/me', tok)).status, 401, 'the old session stays ended');
  const tok2 = await signIn(server, 'sam', 'Purple-Mango-Dune-24');
  assert.equal((await get('/api/v1/me', tok2)).status, 200);
});

test('reset-password: a one-time password is returned, the old password fails, sessions end', async () => {
  const tok = await signIn(server, 'sam', 'Purple-Mango-Dune-24');
  const r = await post('/api/v1/users/sam/reset-password', undefined);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.user.username, 'sam');
  assert.equal(r.json.user.must_change_password, true);
  const otp = r.json.one_time_password;
  assert.equal(typeof otp, 'string', show(r));
  assert.ok(otp.length >= 12);
  assert.equal((await get('/api/v1/me', tok)).status, 401, 'sessions end at a reset');
  const old = await api(server, 'POST', '/api/v1/sessions', { body: { username: 'sam', password: 'Purple-Mango-Dune-24' } });
  assert.equal(old.status, 401, show(old));
  const s = await signInFull(server, 'sam', otp);
  assert.equal(s.must_change_password, true);
  const tok2 = await changePassword(server, 'sam', s.token, otp, 'Hollow-Pine-Echo-99');
  assert.equal((await get('/api/v1/me', tok2)).status, 200);
});

test('actions on an unknown user answer 404', async () => {
  for (const action of ['suspend', 'reactivate', 'unlock', 'reset-password']) {
    const r = await post(`/api/v1/users/ghost/${action}`, undefined);
    assert.equal(r.status, 404, `${action}: ${show(r)}`);
  }
});

test('a learner gets 403 on /api/v1/users; a manager may read but not write', async () => {
  await createUser(server, { username: 'lou', email: 'lou@example.com', first_name: 'Lou', last_name: 'L', roles: ['learner'], password: 'Winter-Coral-Gate-24' }, admin);
  await createUser(server, { username: 'mia', email: 'mia@example.com', first_name: 'Mia', last_name: 'M', roles: ['manager'], password: 'Rusty-Anchor-Bell-24' }, admin);
  const learner = await signIn(server, 'lou', 'Winter-Coral-Gate-24');
  const manager = await signIn(server, 'mia', 'Rusty-Anchor-Bell-24');

  for (const [method, path] of [['GET', '/api/v1/users'], ['GET', '/api/v1/users/alice'], ['POST', '/api/v1/users'],
    ['PATCH', '/api/v1/users/alice'], ['POST', '/api/v1/users/alice/suspend'], ['POST', '/api/v1/users/lou/reset-password']]) {
    const r = await api(server, method, path, { token: learner, body: method === 'GET' ? undefined : { first_name: 'X', username: 'x1', email: 'x1@example.com', last_name: 'Y', roles: ['admin'] } });
    assert.equal(r.status, 403, `learner ${method} ${path}: ${show(r)}`);
    assert.equal(r.json?.error?.code, 'forbidden');
  }
  const list = await get('/api/v1/users', manager);
  assert.equal(list.status, 200, show(list));
  // A manager reads the people in their reporting line (tests/api/people.test.mjs has the rest).
  assert.equal((await get('/api/v1/users/alice', manager)).status, 404);
  assert.equal((await api(server, 'PATCH', '/api/v1/users/alice/profile', { token: admin, body: { manager: 'mia' } })).status, 200);
  assert.equal((await get('/api/v1/users/alice', manager)).status, 200);
  const c = await post('/api/v1/users', { username: 'x2', email: 'x2@example.com', first_name: 'X', last_name: 'Y', roles: ['admin'] }, manager);
  assert.equal(c.status, 403, show(c));
  for (const [method, path] of [['PATCH', '/api/v1/users/alice'], ['POST', '/api/v1/users/alice/suspend'],
    ['POST', '/api/v1/users/alice/unlock'], ['POST', '/api/v1/users/alice/reset-password'], ['POST', '/api/v1/users/mia/reactivate']]) {
    const r = await api(server, method, path, { token: manager, body: { roles: ['admin'] } });
    assert.equal(r.status, 403, `manager ${method} ${path}: ${show(r)}`);
  }
  assert.equal((await get('/api/v1/users/x1')).status, 404, 'nothing was created by the forbidden calls');
  assert.equal((await get('/api/v1/users/x2')).status, 404);
  const mia = await get('/api/v1/users/mia');
  assert.deepEqual(mia.json.user.roles, ['manager'], 'the manager did not make herself admin');
});

test('a learner cannot raise their own roles through /api/v1/me', async () => {
  const learner = await signIn(server, 'lou', 'Winter-Coral-Gate-24');
  const r = await api(server, 'PATCH', '/api/v1/me', { token: learner, body: { roles: ['admin'] } });
  assert.ok([403, 404, 405].includes(r.status), show(r));
  const me = await get('/api/v1/me', learner);
  assert.deepEqual((me.json.user ?? me.json).roles, ['learner']);
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  assertCleanShutdown(server, await server.stop());
});
