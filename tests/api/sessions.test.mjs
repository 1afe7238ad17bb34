// Sign-in, the forced password change, sign-out and the generic failure message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  startServer, api, show, signIn, signInFull, adminToken, createUser, ADMIN_PASSWORD, assertCleanShutdown,
  lecternBin, rawRequest, repoRoot,
} from '../lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { if (server) await server.stop(); });

let otpToken;     // the admin's token from the one-time-password sign-in
let adminTok;     // a token after the change

test('a good sign-in answers 201 with a token; the fresh admin must change the password', async () => {
  assert.ok(server.adminPassword, `no one-time password on stdout\n${server.output()}`);
  const r = await api(server, 'POST', '/api/v1/sessions', { body: { username: 'admin', password: server.adminPassword } });
  assert.equal(r.status, 201, show(r));
  assert.equal(typeof r.json.token, 'string');
  assert.ok(r.json.token.length >= 32, 'the token carries at least 128 bits');
  assert.equal(r.json.must_change_password, true, show(r));
  assert.equal(r.json.user?.username, 'admin', show(r));
  assert.deepEqual(r.json.user.roles, ['admin']);
  for (const secret of ['password', 'password_hash', 'hash']) assert.ok(!(secret in r.json.user), `user carries ${secret}`);
  otpToken = r.json.token;
});

test('two sign-ins get different tokens', async () => {
  const a = await signIn(server, 'admin', server.adminPassword);
  const b = await signIn(server, 'admin', server.adminPassword);
  assert.notEqual(a, b);
});

test('until the password is changed, other API calls answer 403 password_change_required', async () => {
  const wrong = [];
  for (const [method, path] of [['GET', '/api/v1/dashboard'], ['GET', '/api/v1/users'], ['GET', '/api/v1/users/admin'],
    ['GET', '/api/v1/settings'], ['GET', '/api/v1/audit']]) {
    const r = await api(server, method, path, { token: otpToken });
    if (r.status !== 403 || r.json?.error?.code !== 'password_change_required') wrong.push(`${method} ${path}: ${show(r)}`);
  }
  const c = await api(server, 'POST', '/api/v1/users', {
    token: otpToken, body: { username: 'sneaky', email: 'sneaky@example.com', first_name: 'S', last_name: 'N', roles: ['admin'] },
  });
  if (c.status !== 403 || c.json?.error?.code !== 'password_change_required') wrong.push(`POST /api/v1/users: ${show(c)}`);
  assert.deepEqual(wrong, [], 'answers other than 403 password_change_required');
  // Who am I stays readable, so a client can tell the user why it must change the password.
  const me = await api(server, 'GET', '/api/v1/me', { token: otpToken });
  assert.equal(me.status, 200);
  assert.equal(me.json.must_change_password, true);
});

test('the password change rejects a wrong current password (422) and weak new ones (422)', async () => {
  const wrong = await api(server, 'POST', '/api/v1/me/password', {
    token: otpToken, body: { current_password: 'not-the-password-at-all', new_password: ADMIN_PASSWORD },
  });
  assert.equal(wrong.status, 422, show(wrong));
  assert.equal(wrong.json?.error?.code, 'invalid', show(wrong));
  assert.equal(wrong.json.error.field, 'current_password', show(wrong));

  for (const weak of ['short1!A', 'Eleven-ch1!', 'xx-admin-xx-Strong-77']) {
    const r = await api(server, 'POST', '/api/v1/me/password', {
      token: otpToken, body: { current_password: server.adminPassword, new_password: weak },
    });
    assert.equal(r.status, 422, `${weak}: ${show(r)}`);
    assert.equal(r.json?.error?.code, 'invalid', `${weak}: ${show(r)}`);
    assert.equal(r.json.error.field, 'new_password', `${weak}: ${show(r)}`);
    assert.ok(r.json.error.message.length > 0);
  }
  // Still forced: none of the rejected attempts changed anything.
  const d = await api(server, 'GET', '/api/v1/dashboard', { token: otpToken });
  assert.equal(d.status, 403, show(d));
});

test('after the change, GET /api/v1/me returns the admin with roles ["admin"]', async () => {
  const r = await api(server, 'POST', '/api/v1/me/password', {
    token: otpToken, body: { current_password: server.adminPassword, new_password: ADMIN_PASSWORD },
  });
  assert.equal(r.status, 200, show(r));
  const u = r.json.user ?? r.json;
  assert.equal(u.username, 'admin', show(r));
  assert.equal(u.must_change_password, false, show(r));
  server.adminPasswordChanged = true;

  adminTok = await signIn(server, 'admin', ADMIN_PASSWORD);
  const me = await api(server, 'GET', '/api/v1/me', { token: adminTok });
  assert.equal(me.status, 200, show(me));
  const meUser = me.json.user ?? me.json;
  assert.equal(meUser.username, 'admin');
  assert.deepEqual(meUser.roles, ['admin']);
  assert.equal(meUser.must_change_password, false);
  assert.equal(meUser.status, 'active');
  assert.equal(meUser.locked, false);
  assert.match(meUser.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(meUser.last_signin_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('the one-time password no longer works after the change', async () => {
  const r = await api(server, 'POST', '/api/v1/sessions', { body: { username: 'admin', password: server.adminPassword } });
  assert.equal(r.status, 401, show(r));
});

test('a fresh sign-in after the change has must_change_password false', async () => {
  const s = await signInFull(server, 'admin', ADMIN_PASSWORD);
  assert.equal(s.must_change_password, false);
  const d = await api(server, 'GET', '/api/v1/dashboard', { token: s.token });
  assert.equal(d.status, 200, show(d));
  assert.ok(d.json && typeof d.json === 'object', show(d));
});

test('bad password and unknown user answer 401 with the same message; a waiting account and a waiting unknown name answer the same 429', async () => {
  const tok = await adminToken(server);
  await createUser(server, {
    username: 'locky', email: 'locky@example.com', first_name: 'Lock', last_name: 'Y', roles: ['learner'],
    password: 'Velvet-Otter-Stone-12',
  }, tok);
  const attempt = (username, password) => api(server, 'POST', '/api/v1/sessions', { body: { username, password } });

  const badPassword = await attempt('admin', 'Wrong-Password-999');
  const unknownUser = await attempt('nobody-here', 'Whatever-Password-999');
  for (const [what, r] of [['bad password', badPassword], ['unknown user', unknownUser]]) {
    assert.equal(r.status, 401, `${what}: ${show(r)}`);
    assert.equal(r.json?.error?.code, 'unauthorized', `${what}: ${show(r)}`);
    assert.ok(!('token' in r.json), what);
  }
  assert.equal(unknownUser.text, badPassword.text, 'the whole answer is the same');

  // Five failures make an account wait, and a name that is no account just the same, so the
  // wait tells nobody which usernames exist.
  for (const name of ['locky', 'nobody-here']) {
    for (let i = name === 'nobody-here' ? 1 : 0; i < 5; i++) {
      const r = await attempt(name, `Wrong-Password-${i}`);
      assert.equal(r.status, 401, `${name} ${i}: ${show(r)}`);
    }
  }
  const locked = await attempt('locky', 'Velvet-Otter-Stone-12');
  const lockedUnknown = await attempt('nobody-here', 'Whatever-Password-999');
  for (const [what, r] of [['waiting account', locked], ['waiting unknown name', lockedUnknown]]) {
    assert.equal(r.status, 429, `${what}: ${show(r)}`);
    assert.equal(r.json?.error?.code, 'rate_limited', `${what}: ${show(r)}`);
    assert.ok(!('token' in r.json), what);
    const wait = Number(r.headers['retry-after']);
    assert.ok(wait >= 55 && wait <= 60, `${what}: Retry-After ${r.headers['retry-after']}`);
  }
  assert.equal(lockedUnknown.json.error.message, locked.json.error.message);
});

test('a suspended account answers 401 with the same message', async () => {
  const tok = await adminToken(server);
  await createUser(server, {
    username: 'suzy', email: 'suzy@example.com', first_name: 'Suzy', last_name: 'Q', roles: ['learner'],
    password: 'Granite-Fox-Meadow-45',
  }, tok);
  const s = await api(server, 'POST', '/api/v1/users/suzy/suspend', { token: tok });
  assert.equal(s.status, 200, show(s));
  const r = await api(server, 'POST', '/api/v1/sessions', { body: { username: 'suzy', password: 'Granite-Fox-Meadow-45' } });
  const bad = await api(server, 'POST', '/api/v1/sessions', { body: { username: 'admin', password: 'Wrong-Password-999' } });
  assert.equal(r.status, 401, show(r));
  assert.equal(r.json?.error?.message, bad.json?.error?.message);
});

test('missing or empty credentials answer 401 or 422, never 201 or 5xx', async () => {
  for (const body of [{}, { username: 'admin' }, { password: ADMIN_PASSWORD }, { username: '', password: '' }, { username: 'admin', password: '' }]) {
    const r = await api(server, 'POST', '/api/v1/sessions', { body });
    assert.ok([400, 401, 422].includes(r.status), `${JSON.stringify(body)}: ${show(r)}`);
    assert.ok(r.json?.error?.code, show(r));
  }
});

test('DELETE /api/v1/sessions/current signs out; the token then answers 401', async () => {
  const token = await signIn(server, 'admin', ADMIN_PASSWORD);
  const before = await api(server, 'GET', '/api/v1/me', { token });
  assert.equal(before.status, 200, show(before));
  const d = await api(server, 'DELETE', '/api/v1/sessions/current', { token });
  assert.equal(d.status, 200, show(d));
  assert.equal(d.json?.signed_out, true, show(d));
  const after = await api(server, 'GET', '/api/v1/me', { token });
  assert.equal(after.status, 401, show(after));
  assert.equal(after.json?.error?.code, 'unauthorized');
  // Other sessions of the same user live on.
  const other = await api(server, 'GET', '/api/v1/me', { token: adminTok });
  assert.equal(other.status, 200, show(other));
});

test('no token, an unknown token or a malformed header answers 401 unauthorized', async () => {
  const none = await api(server, 'GET', '/api/v1/me');
  assert.equal(none.status, 401, show(none));
  assert.equal(none.json?.error?.code, 'unauthorized');
  const unknown = await api(server, 'GET', '/api/v1/me', { token: 'f'.repeat(64) });
  assert.equal(unknown.status, 401, show(unknown));
  for (const value of ['Bearer', 'Bearer ', 'Basic YWRtaW46eA==', 'Bearer ' + 'a'.repeat(5000), `Bearer ${adminTok}x`]) {
    const r = await api(server, 'GET', '/api/v1/me', { headers: { authorization: value } });
    assert.equal(r.status, 401, `${value.slice(0, 30)}: ${show(r)}`);
  }
  const users = await api(server, 'GET', '/api/v1/users');
  assert.equal(users.status, 401, show(users));
});

// The server keeps recent session lookups in memory; none of this may wait for it to forget.
test('a signed-in session follows every change to it and its user at once, made here or by the command line', async () => {
  const admin = await adminToken(server);
  await createUser(server, { username: 'rosa', email: 'rosa@example.com', first_name: 'Rosa', last_name: 'Quist', roles: ['admin'], password: 'Heron-Basalt-Lamp-31' }, admin);
  const token = await signIn(server, 'rosa', 'Heron-Basalt-Lamp-31');
  const page = async () => (await rawRequest(server.url + '/', { headers: { cookie: `lectern_session=${token}` } })).body.toString('utf8');
  // Looked up twice, so the second answer may well come from memory.
  for (let i = 0; i < 2; i++) assert.equal((await api(server, 'GET', '/api/v1/users', { token })).status, 200);
  assert.match(await page(), />Rosa Quist</);

  const renamed = await api(server, 'PATCH', '/api/v1/users/rosa', { token: admin, body: { first_name: 'Rosalind' } });
  assert.equal(renamed.status, 200, show(renamed));
  assert.match(await page(), />Rosalind Quist</, 'the navigation shows the new name at once');

  const demoted = await api(server, 'PATCH', '/api/v1/users/rosa', { token: admin, body: { roles: ['learner'] } });
  assert.equal(demoted.status, 200, show(demoted));
  const denied = await api(server, 'GET', '/api/v1/users', { token });
  assert.equal(denied.status, 403, `a learner now: ${show(denied)}`);
  assert.equal((await api(server, 'GET', '/api/v1/dashboard', { token })).status, 200);

  // Another process: the command line suspends her while the server holds her session.
  const r = spawnSync(lecternBin(), ['user', 'suspend', 'rosa', '--data', server.dataDir], { cwd: repoRoot, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, `lectern user suspend: ${r.stdout}${r.stderr}`);
  const gone = await api(server, 'GET', '/api/v1/dashboard', { token });
  assert.equal(gone.status, 401, `suspended from the command line: ${show(gone)}`);
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  assertCleanShutdown(server, await server.stop());
});

test('signing in through a browser that holds another session ends that session', async () => {
  const server = await startServer();
  const token = await adminToken(server);
  await createUser(server, { username: 'kim', email: 'kim@example.org', roles: ['learner'], password: 'Shared-Desk-Password-31' }, token);
  const form = (username, password, cookie) => api(server, 'POST', '/signin', {
    body: `username=${username}&password=${encodeURIComponent(password)}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', Origin: server.url, ...(cookie ? { Cookie: cookie } : {}) },
  });
  let r = await form('admin', ADMIN_PASSWORD);
  const earlier = /lectern_session=([0-9a-f]+)/.exec(String(r.headers['set-cookie']))?.[1];
  assert.ok(earlier, show(r));
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: earlier })).status, 200);
  r = await form('kim', 'Shared-Desk-Password-31', `lectern_session=${earlier}`);
  assert.equal(r.status, 303, show(r));
  const later = /lectern_session=([0-9a-f]+)/.exec(String(r.headers['set-cookie']))?.[1];
  assert.ok(later && later !== earlier);
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: earlier })).status, 401, 'the administrator\'s session ended');
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: later })).json?.username, 'kim');
  await server.stop();
});
