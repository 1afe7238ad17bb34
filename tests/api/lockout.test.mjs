// Lockout after five failed sign-ins, the generic message, unlock by an administrator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, assertCleanShutdown } from '../lib/server.mjs';

let server;
let admin;
const PW = 'Learner-Password-2024';
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, {
    username: 'lena', email: 'lena@example.com', first_name: 'Lena', last_name: 'Learner', roles: ['learner'], password: PW,
  }, admin);
});
after(async () => { if (server) await server.stop(); });

const attempt = (username, password) => api(server, 'POST', '/api/v1/sessions', { body: { username, password } });

let genericMessage;

test('the learner can sign in with the password given at creation', async () => {
  const r = await attempt('lena', PW);
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.user.username, 'lena');
});

test('five wrong passwords each answer 401; the sixth attempt with the right password is 401 with the same message', async () => {
  const messages = [];
  for (let i = 1; i <= 5; i++) {
    const r = await attempt('lena', `Wrong-Password-${i}-xyz`);
    assert.equal(r.status, 401, `attempt ${i}: ${show(r)}`);
    assert.equal(r.json?.error?.code, 'unauthorized');
    messages.push(r.json.error.message);
  }
  const sixth = await attempt('lena', PW);
  assert.equal(sixth.status, 401, `right password while locked: ${show(sixth)}`);
  assert.ok(!sixth.json?.token, 'no token while locked');
  messages.push(sixth.json.error.message);
  assert.equal(new Set(messages).size, 1, `messages differ: ${JSON.stringify(messages)}`);
  genericMessage = messages[0];
});

test('the locked learner shows locked with locked_until, and the sign-ins with reasons', async () => {
  const r = await api(server, 'GET', '/api/v1/users/lena', { token: admin });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.user.locked, true, show(r));
  assert.match(String(r.json.user.locked_until), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, show(r));
  assert.ok(Date.parse(r.json.user.locked_until) > Date.now() - 60000, 'locked_until lies ahead');
  const signins = r.json.signins;
  assert.ok(Array.isArray(signins), show(r));
  assert.ok(signins.length >= 7, `expected >= 7 attempts (1 good, 5 wrong, 1 locked): ${JSON.stringify(signins)}`);
  // Newest first: the newest is the refused right password.
  const failed = signins.filter((s) => JSON.stringify(s).match(/fail|denied|refused|false|locked|wrong/i));
  assert.ok(failed.length >= 6, `expected >= 6 failed attempts: ${JSON.stringify(signins)}`);
  for (const s of signins) {
    assert.ok(s && typeof s === 'object');
    const when = s.at ?? s.created_at ?? s.time;
    assert.match(String(when), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `attempt without a time: ${JSON.stringify(s)}`);
    assert.equal(s.ip ?? s.ip_address, '127.0.0.1', `attempt without the client ip: ${JSON.stringify(s)}`);
  }
  const withReason = signins.filter((s) => typeof s.reason === 'string' && s.reason.length > 0);
  assert.ok(withReason.length >= 6, `failed attempts carry a "reason": ${JSON.stringify(signins)}`);
  const reasons = new Set(withReason.map((s) => s.reason));
  assert.ok(reasons.size >= 2, `a wrong password and a locked account give different reasons: ${[...reasons]}`);
  assert.ok([...reasons].some((x) => /lock/i.test(x)), `one reason names the lock: ${[...reasons]}`);
  for (const s of signins) assert.ok(!JSON.stringify(s).includes('Wrong-Password'), 'attempted passwords are never stored');
});

test('a learner cannot unlock (403); an unauthenticated client cannot unlock (401)', async () => {
  await createUser(server, {
    username: 'other', email: 'other@example.com', first_name: 'O', last_name: 'T', roles: ['learner'], password: 'Quiet-Harbor-Lamp-24',
  }, admin);
  const tok = await signIn(server, 'other', 'Quiet-Harbor-Lamp-24');
  const r = await api(server, 'POST', '/api/v1/users/lena/unlock', { token: tok });
  assert.equal(r.status, 403, show(r));
  assert.equal(r.json?.error?.code, 'forbidden');
  const anon = await api(server, 'POST', '/api/v1/users/lena/unlock');
  assert.equal(anon.status, 401, show(anon));
  const still = await attempt('lena', PW);
  assert.equal(still.status, 401, 'still locked');
});

test('the administrator unlocks; the learner then signs in', async () => {
  const r = await api(server, 'POST', '/api/v1/users/lena/unlock', { token: admin });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.user.locked, false, show(r));
  assert.equal(r.json.user.locked_until, null, show(r));
  const s = await attempt('lena', PW);
  assert.equal(s.status, 201, show(s));
});

test('unlock clears the failure count: one more wrong password does not lock again', async () => {
  const w = await attempt('lena', 'Wrong-Password-again');
  assert.equal(w.status, 401);
  assert.equal(w.json.error.message, genericMessage);
  const s = await attempt('lena', PW);
  assert.equal(s.status, 201, show(s));
});

test('unlocking an unknown user answers 404', async () => {
  const r = await api(server, 'POST', '/api/v1/users/no-such-user/unlock', { token: admin });
  assert.equal(r.status, 404, show(r));
  assert.equal(r.json?.error?.code, 'not_found');
});

test('failed sign-ins for an unknown username answer 401 and create nothing', async () => {
  for (let i = 0; i < 6; i++) {
    const r = await attempt('ghost', `Wrong-Password-${i}`);
    assert.equal(r.status, 401);
    assert.equal(r.json.error.message, genericMessage);
  }
  const g = await api(server, 'GET', '/api/v1/users/ghost', { token: admin });
  assert.equal(g.status, 404, show(g));
});

test('locking one account does not affect another', async () => {
  for (let i = 0; i < 5; i++) await attempt('lena', `Wrong-Password-${i}-again`);
  const other = await attempt('other', 'Quiet-Harbor-Lamp-24');
  assert.equal(other.status, 201, show(other));
  const lena = await attempt('lena', PW);
  assert.equal(lena.status, 401, 'lena is locked again');
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  assertCleanShutdown(server, await server.stop());
});
