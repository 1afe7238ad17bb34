// One's own profile through the API (/api/v1/me): name, email, language and time zone, the
// live sessions, and "sign out everywhere else", which stops the other sessions at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, createUser, adminToken, assertCleanShutdown } from '../lib/server.mjs';

const PASSWORD = 'Harbour-Lantern-Moss-31';
let server;
let admin;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'pia', email: 'pia@example.com', first_name: 'Pia', last_name: 'Park',
    roles: ['learner'], password: PASSWORD }, admin);
});
after(async () => { if (server) await server.stop(); });

test('a learner changes their own name, email, language and time zone', async () => {
  const tok = await signIn(server, 'pia', PASSWORD);
  const r = await api(server, 'PATCH', '/api/v1/me', { token: tok, body: {
    first_name: 'Pia', last_name: 'Porter', email: 'pia.porter@example.com', lang: 'en', timezone: 'Europe/Berlin' } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.last_name, 'Porter', show(r));
  const me = await api(server, 'GET', '/api/v1/me', { token: tok });
  assert.equal(me.json.email, 'pia.porter@example.com');
  assert.equal(me.json.timezone, 'Europe/Berlin');
  assert.equal(me.json.lang, 'en');
  assert.deepEqual(me.json.roles, ['learner']);
  // Audited like an administrator's change, with the person as the actor.
  const audit = await api(server, 'GET', '/api/v1/audit?action=user.update', { token: admin });
  assert.ok(JSON.stringify(audit.json).includes('pia.porter@example.com'), show(audit));
});

test('a time zone the system does not know, or a bad email, is refused naming the field', async () => {
  const tok = await signIn(server, 'pia', PASSWORD);
  const tz = await api(server, 'PATCH', '/api/v1/me', { token: tok, body: { timezone: 'Mars/Olympus_Mons' } });
  assert.equal(tz.status, 422, show(tz));
  assert.equal(tz.json.error.field, 'timezone', show(tz));
  assert.match(tz.json.error.message, /time zone/, show(tz));
  const mail = await api(server, 'PATCH', '/api/v1/me', { token: tok, body: { email: 'pia@' } });
  assert.equal(mail.status, 422, show(mail));
  assert.equal(mail.json.error.field, 'email', show(mail));
  const me = await api(server, 'GET', '/api/v1/me', { token: tok });
  assert.equal(me.json.timezone, 'Europe/Berlin', 'nothing changed');
});

test('one cannot give oneself roles through the profile', async () => {
  const tok = await signIn(server, 'pia', PASSWORD);
  const r = await api(server, 'PATCH', '/api/v1/me', { token: tok, body: { roles: 'admin' } });
  assert.equal(r.status, 403, show(r));
  assert.equal(r.json.error.field, 'roles', show(r));
});

test('sign out everywhere else: the other sessions get 401 at once, this one keeps working', async () => {
  const keep = await signIn(server, 'pia', PASSWORD);
  const other = await signIn(server, 'pia', PASSWORD);
  // The other session has been used, so its lookup sits in the session cache.
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: other })).status, 200);
  const list = await api(server, 'GET', '/api/v1/me/sessions', { token: keep });
  assert.equal(list.status, 200, show(list));
  assert.ok(list.json.sessions.length >= 2, show(list));
  const current = list.json.sessions.filter((s) => s.current);
  assert.equal(current.length, 1, 'exactly one session is this one');
  for (const key of ['id', 'ip', 'user_agent', 'created_at', 'last_seen_at']) assert.ok(key in current[0], key);

  const end = await api(server, 'DELETE', '/api/v1/me/sessions/others', { token: keep });
  assert.equal(end.status, 200, show(end));
  assert.ok(end.json.ended >= 1, show(end));
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: other })).status, 401, 'the other session ended');
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: keep })).status, 200, 'this session goes on');
  const after = await api(server, 'GET', '/api/v1/me/sessions', { token: keep });
  assert.equal(after.json.sessions.length, 1, show(after));
  const audit = await api(server, 'GET', '/api/v1/audit?action=auth.sessions_end_others', { token: admin });
  assert.ok(JSON.stringify(audit.json).includes('auth.sessions_end_others'), show(audit));
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  const stopping = server;
  server = null;
  assertCleanShutdown(stopping, await stopping.stop());
});
