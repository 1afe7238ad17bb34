// Waits after failed sign-ins: five wrong passwords make the account wait (429 with
// Retry-After, even for the right password), the generic message for checked failures, unlock
// by an administrator, a reset link that always lets the owner in, and the per-address limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, assertCleanShutdown } from '../lib/server.mjs';
import { startSmtpSink, linkIn } from '../lib/smtp.mjs';

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

test('five wrong passwords each answer 401; the sixth attempt, with the right password, is told to wait (429, Retry-After)', async () => {
  const messages = [];
  for (let i = 1; i <= 5; i++) {
    const r = await attempt('lena', `Wrong-Password-${i}-xyz`);
    assert.equal(r.status, 401, `attempt ${i}: ${show(r)}`);
    assert.equal(r.json?.error?.code, 'unauthorized');
    messages.push(r.json.error.message);
  }
  assert.equal(new Set(messages).size, 1, `messages differ: ${JSON.stringify(messages)}`);
  genericMessage = messages[0];
  const sixth = await attempt('lena', PW);
  assert.equal(sixth.status, 429, `right password while waiting: ${show(sixth)}`);
  assert.equal(sixth.json.error.code, 'rate_limited');
  assert.match(sixth.json.error.message, /Wait 1 minute and try again/);
  assert.ok(!sixth.json?.token, 'no token while waiting');
  const wait = Number(sixth.headers['retry-after']);
  assert.ok(wait >= 55 && wait <= 60, `Retry-After: ${sixth.headers['retry-after']}`);
});

test('the locked learner shows locked with locked_until, and the sign-ins with reasons', async () => {
  const r = await api(server, 'GET', '/api/v1/users/lena', { token: admin });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.user.locked, true, show(r));
  assert.match(String(r.json.user.locked_until), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, show(r));
  assert.ok(Date.parse(r.json.user.locked_until) > Date.now() - 60000, 'locked_until lies ahead');
  const signins = r.json.signins;
  assert.ok(Array.isArray(signins), show(r));
  assert.ok(signins.length >= 7, `expected >= 7 attempts (1 good, 5 wrong, 1 refused while waiting): ${JSON.stringify(signins)}`);
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
  assert.equal(still.status, 429, 'still waiting');
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

test('failed sign-ins for an unknown username answer as for an account (401 five times, then 429) and create nothing', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await attempt('ghost', `Wrong-Password-${i}`);
    assert.equal(r.status, 401);
    assert.equal(r.json.error.message, genericMessage);
  }
  const sixth = await attempt('ghost', 'Wrong-Password-6');
  assert.equal(sixth.status, 429, show(sixth));
  assert.match(sixth.json.error.message, /Wait 1 minute and try again/);
  const g = await api(server, 'GET', '/api/v1/users/ghost', { token: admin });
  assert.equal(g.status, 404, show(g));
});

test('a waiting account does not affect another', async () => {
  for (let i = 0; i < 5; i++) await attempt('lena', `Wrong-Password-${i}-again`);
  const other = await attempt('other', 'Quiet-Harbor-Lamp-24');
  assert.equal(other.status, 201, show(other));
  const lena = await attempt('lena', PW);
  assert.equal(lena.status, 429, 'lena waits again');
});

test('whoever keeps trying, the owner gets in through a reset link, at once', async () => {
  const sink = await startSmtpSink();
  try {
    const m = await api(server, 'PATCH', '/api/v1/settings/mail', {
      token: admin, body: { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', site_url: server.url },
    });
    assert.equal(m.status, 200, show(m));
    const r = await api(server, 'POST', '/api/v1/password-resets', { body: { login: 'lena' } });
    assert.equal(r.status, 202, show(r));
    const { token } = linkIn(await sink.waitFor((msg) => (msg.to || '').includes('lena@example.com')));
    const NEW = 'Silver-Birch-Lantern-68';
    const c = await api(server, 'POST', '/api/v1/password-resets/confirm', { body: { token, new_password: NEW } });
    assert.equal(c.status, 200, show(c));
    const s = await attempt('lena', NEW);
    assert.equal(s.status, 201, `signed in at once after the reset: ${show(s)}`);
    const u = await api(server, 'GET', '/api/v1/users/lena', { token: admin });
    assert.equal(u.json.user.locked, false, show(u));
  } finally {
    await sink.stop();
  }
});

test('too many failures from one address: it waits too, with Retry-After, whatever the account', async () => {
  const limited = await startServer({ args: ['--signin-limit', '3', '--signin-limit-window', '600'] });
  try {
    for (let i = 0; i < 3; i++) {
      const r = await api(limited, 'POST', '/api/v1/sessions', { body: { username: `guess-${i}`, password: 'Wrong-Password-1' } });
      assert.equal(r.status, 401, show(r));
    }
    const r = await api(limited, 'POST', '/api/v1/sessions', { body: { username: 'admin', password: 'Wrong-Password-1' } });
    assert.equal(r.status, 429, show(r));
    assert.equal(r.json.error.code, 'rate_limited');
    const wait = Number(r.headers['retry-after']);
    assert.ok(wait > 590 && wait <= 600, `Retry-After: ${r.headers['retry-after']}`);
  } finally {
    assertCleanShutdown(limited, await limited.stop());
  }
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  assertCleanShutdown(server, await server.stop());
});
