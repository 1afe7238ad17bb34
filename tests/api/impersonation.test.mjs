// "Log in as" ends with the administrator behind it: each way a session ends on its own
// (the administrator suspended, no longer an administrator, or signed out; the person made an
// administrator; its time up), through the API and in a browser, which lands on the sign-in
// page with the reason in words. Every check first uses the session once, so the server holds
// it in memory: the change must reach the very next request all the same.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { page, setCookie } from '../lib/html.mjs';

const PW = 'Granite-Orchid-Sail-47';
let counter = 0;

/** A fresh administrator (signed in) and a fresh learner; the administrator logs in as the
 *  learner through the API. Returns their usernames and tokens. */
async function impersonation(server, admin) {
  counter += 1;
  const helper = `helper${counter}`;
  const person = `person${counter}`;
  await createUser(server, { username: helper, password: PW, roles: ['admin'], first_name: 'Hel', last_name: 'Per' }, admin);
  await createUser(server, { username: person, password: PW, roles: ['learner'], first_name: 'Per', last_name: 'Son' }, admin);
  const helperToken = await signIn(server, helper, PW);
  const r = await api(server, 'POST', `/api/v1/users/${person}/impersonate`, { token: helperToken });
  assert.equal(r.status, 201, show(r));
  const imp = r.json.token;
  // In use, and so held in the server's memory.
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: imp })).status, 200);
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: imp })).status, 200);
  return { helper, person, helperToken, imp };
}

/** The session answers 401 impersonation_ended now, and the audit log says why. */
async function assertEnded(server, admin, s, reason) {
  const me = await api(server, 'GET', '/api/v1/me', { token: s.imp });
  assert.equal(me.status, 401, show(me));
  assert.equal(me.json.error.code, 'impersonation_ended', show(me));
  assert.match(me.json.error.message, /"log in as" session has ended/);
  const again = await api(server, 'GET', '/api/v1/me', { token: s.imp });
  assert.equal(again.status, 401, 'it stays ended');
  const audit = await api(server, 'GET', '/api/v1/audit?limit=50', { token: admin });
  const person = await api(server, 'GET', `/api/v1/users/${s.person}`, { token: admin });
  const end = audit.json.items.filter((e) => e.action === 'auth.impersonate_end' && e.target === `user:${person.json.user.id}`);
  assert.equal(end.length, 1, `one end recorded: ${JSON.stringify(end)}`);
  assert.equal(end[0].actor, s.helper);
  assert.equal(end[0].details.reason, reason, JSON.stringify(end[0]));
}

describe('log in as ends on its own', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer();
    admin = await adminToken(server);
  });
  after(async () => { if (server) await server.stop(); });

  test('when its administrator is suspended', async () => {
    const s = await impersonation(server, admin);
    const r = await api(server, 'POST', `/api/v1/users/${s.helper}/suspend`, { token: admin });
    assert.equal(r.status, 200, show(r));
    await assertEnded(server, admin, s, 'impersonator_suspended');
  });

  test('when its administrator is no longer an administrator', async () => {
    const s = await impersonation(server, admin);
    const r = await api(server, 'PATCH', `/api/v1/users/${s.helper}`, { token: admin, body: { roles: ['manager'] } });
    assert.equal(r.status, 200, show(r));
    await assertEnded(server, admin, s, 'impersonator_capability');
    // Made an administrator again, the old session stays ended.
    await api(server, 'PATCH', `/api/v1/users/${s.helper}`, { token: admin, body: { roles: ['admin'] } });
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: s.imp })).status, 401);
  });

  test('when its administrator signs out', async () => {
    const s = await impersonation(server, admin);
    const out = await api(server, 'DELETE', '/api/v1/sessions/current', { token: s.helperToken });
    assert.equal(out.status, 200, show(out));
    await assertEnded(server, admin, s, 'impersonator_signed_out');
  });

  test('when the person is made an administrator', async () => {
    const s = await impersonation(server, admin);
    const r = await api(server, 'PATCH', `/api/v1/users/${s.person}`, { token: admin, body: { roles: ['learner', 'admin'] } });
    assert.equal(r.status, 200, show(r));
    await assertEnded(server, admin, s, 'target_privileged');
    // The person's own sessions are theirs: signing in works and has the new rights.
    const own = await signIn(server, s.person, PW);
    assert.equal((await api(server, 'GET', '/api/v1/users', { token: own })).status, 200);
  });

  test('changes to other people leave it alone', async () => {
    const s = await impersonation(server, admin);
    const other = await impersonation(server, admin);
    await api(server, 'POST', `/api/v1/users/${other.helper}/suspend`, { token: admin });
    await api(server, 'PATCH', `/api/v1/users/${s.person}`, { token: admin, body: { first_name: 'Renamed' } });
    const me = await api(server, 'GET', '/api/v1/me', { token: s.imp });
    assert.equal(me.status, 200, show(me));
    assert.equal(me.json.first_name, 'Renamed');
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: other.imp })).status, 401);
  });

  test('a browser lands on the sign-in page with the reason in words, signed out', async () => {
    counter += 1;
    const helper = `browserhelper${counter}`;
    await createUser(server, { username: helper, password: PW, roles: ['admin'] }, admin);
    await createUser(server, { username: `browserperson${counter}`, password: PW, roles: ['learner'] }, admin);
    const signin = await page(server, 'POST', '/signin', { form: { username: helper, password: PW } });
    const cookie = `lectern_session=${setCookie(signin.headers, 'lectern_session').value}`;
    const userPage = await page(server, 'GET', `/admin/users/browserperson${counter}`, { cookie });
    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(userPage.text)[1];
    const start = await page(server, 'POST', `/admin/users/browserperson${counter}/impersonate`, { cookie, form: { _csrf: csrf } });
    assert.equal(start.status, 303, start.text.slice(0, 300));
    const imp = `lectern_session=${setCookie(start.headers, 'lectern_session').value}`;
    assert.equal((await page(server, 'GET', '/', { cookie: imp })).status, 200);

    await api(server, 'POST', `/api/v1/users/${helper}/suspend`, { token: admin });
    const home = await page(server, 'GET', '/', { cookie: imp });
    assert.equal(home.status, 303, 'not an error page');
    assert.equal(home.headers.location, '/signin');
    const cleared = setCookie(home.headers, 'lectern_session');
    assert.equal(cleared.value, '', 'the browser forgets the session');
    const flash = setCookie(home.headers, 'lectern_flash');
    assert.equal(flash.value, 'flash.impersonation_ended_impersonator_suspended');
    const landed = await page(server, 'GET', '/signin', { cookie: `lectern_flash=${flash.value}` });
    assert.equal(landed.status, 200);
    assert.match(landed.text, /The &quot;log in as&quot; session has ended because the administrator who started it is suspended\./);
    assert.match(landed.text, /name="password"/, 'the sign-in form');
  });

  test('the administrator may not start one for someone who may log in as others', async () => {
    counter += 1;
    await createUser(server, { username: `peer${counter}`, password: PW, roles: ['admin', 'learner'] }, admin);
    const r = await api(server, 'POST', `/api/v1/users/peer${counter}/impersonate`, { token: admin });
    assert.equal(r.status, 403, show(r));
  });

  test('the administrator\'s own password still works after all this', async () => {
    assert.ok(await signIn(server, 'admin', ADMIN_PASSWORD));
  });
});

describe('log in as ends when its time is up (--impersonation-lifetime)', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer({ args: ['--impersonation-lifetime', '2'] });
    admin = await adminToken(server);
  });
  after(async () => { if (server) await server.stop(); });

  test('after the lifetime the session answers 401 with the reason', async () => {
    const s = await impersonation(server, admin);
    const me = await api(server, 'GET', '/api/v1/impersonation', { token: s.imp });
    assert.equal(me.json.active, true);
    // The lifetime is whole seconds; wait until it has certainly passed.
    await new Promise((resolve) => setTimeout(resolve, 3100));
    await assertEnded(server, admin, s, 'expired');
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: s.helperToken })).status, 200, 'the administrator\'s own session goes on');
  });
});
