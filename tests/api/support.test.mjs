// Password and sign-in support through the API and the HTML twin: forgot password and the
// single-use link (through a local SMTP sink), its expiry and rate limits, the administrator's
// "send reset link", temporary password and "log in as", and the "cannot sign in?" page.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, show, signIn, signInFull, adminToken, createUser, assertCleanShutdown, ADMIN_PASSWORD, poll,
} from '../lib/server.mjs';
import { page, formWith, formFields, setCookie } from '../lib/html.mjs';
import { startSmtpSink, linkIn } from '../lib/smtp.mjs';

const PW = 'Harbour-Lantern-Quill-31';
const NEW_PW = 'Meadow-Copper-Violin-58';

async function setupMail(server, token, sink) {
  const r = await api(server, 'PATCH', '/api/v1/settings/mail', {
    token,
    body: { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', from_name: 'Training', site_url: server.url },
  });
  assert.equal(r.status, 200, show(r));
}

const forgot = (server, login) => api(server, 'POST', '/api/v1/password-resets', { body: { login } });
const toOf = (addr) => (m) => (m.to || '').includes(addr);

/** Signs in through the sign-in form; returns the session cookie ("lectern_session=..."). */
async function cookieFor(server, username, password) {
  const r = await page(server, 'POST', '/signin', { form: { username, password } });
  assert.equal(r.status, 303, `sign-in form for ${username}: ${r.status} ${r.text.slice(0, 300)}`);
  const c = setCookie(r.headers, 'lectern_session');
  assert.ok(c && c.value, 'a session cookie');
  return `lectern_session=${c.value}`;
}

/** The CSRF token of a signed-in page. */
async function csrfOf(server, cookie, path = '/') {
  const r = await page(server, 'GET', path, { cookie });
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  const m = /name="_csrf" value="([0-9a-f]{64})"/.exec(r.text);
  assert.ok(m, `${path} carries a CSRF token`);
  return m[1];
}

describe('forgot password, the link, and the administrator support actions', () => {
  let server;
  let sink;
  let admin;
  before(async () => {
    sink = await startSmtpSink();
    server = await startServer();
    admin = await adminToken(server);
    await setupMail(server, admin, sink);
    await createUser(server, { username: 'lena', email: 'lena@example.org', first_name: 'Lena', last_name: 'Lund', roles: ['learner'], password: PW }, admin);
    await createUser(server, { username: 'noemail', first_name: 'No', last_name: 'Mail', roles: ['learner'], password: PW }, admin);
    await createUser(server, { username: 'ada', email: 'ada@example.org', first_name: 'Ada', last_name: 'Admin', roles: ['admin'], password: PW }, admin);
  });
  after(async () => {
    if (server) await server.stop();
    if (sink) await sink.stop();
  });

  test('the same answer whether or not the account exists; only a real account gets mail', async () => {
    const known = await forgot(server, 'lena');
    const unknown = await forgot(server, 'nobody-here');
    const byEmail = await forgot(server, 'NOBODY@example.org');
    for (const r of [known, unknown, byEmail]) {
      assert.equal(r.status, 202, show(r));
      assert.equal(r.json.requested, true);
    }
    assert.equal(unknown.text, known.text, 'an unknown username answers exactly like a known one');
    assert.equal(byEmail.text, known.text, 'an unknown email answers exactly like a known username');
    const msg = await sink.waitFor(toOf('lena@example.org'), { what: 'the reset message for lena' });
    assert.match(msg.subject, /new password/i);
    assert.match(msg.headers.from, /training@example\.org/);
    const link = linkIn(msg);
    assert.ok(link, `a link in the message:\n${msg.text}`);
    assert.ok(link.url.startsWith(server.url + '/reset-password?token='), link.url);
    assert.match(msg.text, /30 minutes/);
    assert.ok(msg.html && msg.html.includes(link.url.replace(/&/g, '&amp;')), 'the HTML part carries the same link');
    // Nothing went to anyone else.
    assert.equal(sink.messages().length, 1, 'one message in all');
  });

  test('the link page shows a form; a weak password is refused; a good one works once and ends sessions', async () => {
    const msg = await sink.waitFor(toOf('lena@example.org'));
    const { token, url } = linkIn(msg);
    const oldToken = await signIn(server, 'lena', PW);

    const pageR = await page(server, 'GET', url.slice(server.url.length));
    assert.equal(pageR.status, 200);
    const form = formWith(pageR.text, 'new_password');
    assert.ok(form, 'a form with a new password field');
    assert.ok(form.inputs.some((i) => i.name === 'token' && i.value === token), 'the token rides along in the form');
    assert.match(pageR.text, /lena/, 'the page names the account');

    const weak = await api(server, 'POST', '/api/v1/password-resets/confirm', { body: { token, new_password: 'short' } });
    assert.equal(weak.status, 422, show(weak));
    assert.equal(weak.json.error.field, 'new_password');

    const ok = await api(server, 'POST', '/api/v1/password-resets/confirm', { body: { token, new_password: NEW_PW } });
    assert.equal(ok.status, 200, show(ok));
    assert.equal(ok.json.username, 'lena');

    const me = await api(server, 'GET', '/api/v1/me', { token: oldToken });
    assert.equal(me.status, 401, `the session from before the reset has ended: ${show(me)}`);
    await assert.rejects(signIn(server, 'lena', PW), 'the old password no longer works');
    const s = await signInFull(server, 'lena', NEW_PW);
    assert.equal(s.must_change_password, false);

    const again = await api(server, 'POST', '/api/v1/password-resets/confirm', { body: { token, new_password: 'Another-Fine-Passphrase-9' } });
    assert.equal(again.status, 422, `a used link cannot be used again: ${show(again)}`);
    assert.equal(again.json.error.field, 'token');
    const usedPage = await page(server, 'GET', url.slice(server.url.length));
    assert.match(usedPage.text, /expired or has already been used/);
    assert.equal(formWith(usedPage.text, 'new_password'), undefined, 'no form for a used link');

    const audit = await api(server, 'GET', '/api/v1/audit?limit=50', { token: admin });
    assert.ok(audit.json.items.some((e) => e.action === 'user.password_reset_by_link' && e.target === `user:${s.user.id}`), 'the reset is audited');
    assert.ok(audit.json.items.some((e) => e.action === 'user.signin_link'), 'issuing the link is audited');
  });

  test('a made-up or malformed token is refused the same way', async () => {
    for (const token of ['0'.repeat(64), 'not-a-token']) {
      const r = await api(server, 'POST', '/api/v1/password-resets/confirm', { body: { token, new_password: NEW_PW + 'x' } });
      assert.equal(r.status, 422, show(r));
      assert.equal(r.json.error.field, 'token');
    }
  });

  test('a newer link retires the older one', async () => {
    const before = sink.count();
    await forgot(server, 'lena@example.org');
    await poll(() => sink.count() >= before + 1, { what: 'first link' });
    await forgot(server, 'lena');
    await poll(() => sink.count() >= before + 2, { what: 'second link' });
    const msgs = sink.messages().filter(toOf('lena@example.org'));
    const first = linkIn(msgs[msgs.length - 2]);
    const second = linkIn(msgs[msgs.length - 1]);
    assert.notEqual(first.token, second.token);
    const r1 = await api(server, 'POST', '/api/v1/password-resets/confirm', { body: { token: first.token, new_password: 'Older-Link-Passphrase-1' } });
    assert.equal(r1.status, 422, `the older link stopped working: ${show(r1)}`);
    const r2 = await api(server, 'POST', '/api/v1/password-resets/confirm', { body: { token: second.token, new_password: 'Newer-Link-Passphrase-2' } });
    assert.equal(r2.status, 200, show(r2));
  });

  test('the administrator sends a reset link; a user without email gets a clear 409; a learner may not', async () => {
    const before = sink.count();
    const r = await api(server, 'POST', '/api/v1/users/lena/send-reset-link', { token: admin });
    assert.equal(r.status, 202, show(r));
    assert.ok(r.json.outbox_id > 0);
    await poll(() => sink.count() > before, { what: 'the link the administrator sent' });
    const none = await api(server, 'POST', '/api/v1/users/noemail/send-reset-link', { token: admin });
    assert.equal(none.status, 409, show(none));
    assert.match(none.json.error.message, /email/);
    const learner = await signIn(server, 'lena', 'Newer-Link-Passphrase-2');
    const denied = await api(server, 'POST', '/api/v1/users/noemail/send-reset-link', { token: learner });
    assert.equal(denied.status, 403, show(denied));
    const anon = await api(server, 'POST', '/api/v1/users/lena/send-reset-link');
    assert.equal(anon.status, 401, show(anon));
    // The support page lists the links, never their tokens.
    const u = await api(server, 'GET', '/api/v1/users/lena', { token: admin });
    assert.equal(u.status, 200, show(u));
    assert.ok(Array.isArray(u.json.support.links) && u.json.support.links.length >= 1, show(u));
    assert.ok(u.json.support.links.some((l) => l.requested_by === 'admin'), show(u));
    assert.doesNotMatch(u.text, /[0-9a-f]{64}/, 'no token in the user page');
    assert.ok(Array.isArray(u.json.signins), 'the sign-in history is still there');
  });

  test('a typed temporary password: the policy applies, the user must change it, a lock is lifted', async () => {
    for (let i = 0; i < 5; i++) await api(server, 'POST', '/api/v1/sessions', { body: { username: 'noemail', password: `Wrong-${i}-password-x` } });
    let u = await api(server, 'GET', '/api/v1/users/noemail', { token: admin });
    assert.equal(u.json.user.locked, true, 'locked after five wrong passwords');
    const weak = await api(server, 'POST', '/api/v1/users/noemail/temporary-password', { token: admin, body: { password: 'abc' } });
    assert.equal(weak.status, 422, show(weak));
    assert.equal(weak.json.error.field, 'password');
    const r = await api(server, 'POST', '/api/v1/users/noemail/temporary-password', { token: admin, body: { password: 'Temporary-Pass-2024-Q' } });
    assert.equal(r.status, 200, show(r));
    assert.equal(r.json.user.must_change_password, true);
    assert.equal(r.json.user.locked, false);
    const s = await signInFull(server, 'noemail', 'Temporary-Pass-2024-Q');
    assert.equal(s.must_change_password, true, 'the user must change it at the next sign-in');
    u = await api(server, 'GET', '/api/v1/users/noemail', { token: admin });
    assert.equal(u.json.user.must_change_password, true);
  });

  test('log in as: administrators only, never as another administrator; start and end audited', async () => {
    const lena = await api(server, 'GET', '/api/v1/users/lena', { token: admin });
    assert.equal(lena.json.support.can_impersonate, true, show(lena));
    const ada = await api(server, 'GET', '/api/v1/users/ada', { token: admin });
    assert.equal(ada.json.support.can_impersonate, false, 'not offered for an administrator');

    const other = await api(server, 'POST', '/api/v1/users/ada/impersonate', { token: admin });
    assert.equal(other.status, 403, `another administrator: ${show(other)}`);
    const learner = await signIn(server, 'lena', 'Newer-Link-Passphrase-2');
    const byLearner = await api(server, 'POST', '/api/v1/users/noemail/impersonate', { token: learner });
    assert.equal(byLearner.status, 403, show(byLearner));

    const r = await api(server, 'POST', '/api/v1/users/lena/impersonate', { token: admin });
    assert.equal(r.status, 201, show(r));
    const imp = r.json.token;
    assert.match(imp, /^[0-9a-f]{64}$/);
    const me = await api(server, 'GET', '/api/v1/me', { token: imp });
    assert.equal(me.json.username, 'lena');
    const info = await api(server, 'GET', '/api/v1/impersonation', { token: imp });
    assert.equal(info.json.active, true, show(info));
    assert.ok(info.json.impersonator.id > 0);
    // While impersonating, the administrator has the learner's rights, not their own.
    const users = await api(server, 'GET', '/api/v1/users', { token: imp });
    assert.equal(users.status, 403, show(users));
    const again = await api(server, 'POST', '/api/v1/users/noemail/impersonate', { token: imp });
    assert.equal(again.status, 403, 'no chain of impersonations');
    const pw = await api(server, 'POST', '/api/v1/me/password', { token: imp, body: { current_password: 'x', new_password: 'Some-New-Passphrase-77' } });
    assert.equal(pw.status, 403, `an impersonation cannot change the password: ${show(pw)}`);
    // The page shows the banner.
    const html = await page(server, 'GET', '/', { cookie: `lectern_session=${imp}` });
    assert.equal(html.status, 200);
    assert.match(html.text, /You are signed in as\s*<strong>Lena Lund<\/strong>\s*on behalf of/);
    assert.match(html.text, /return to your account/);

    const end = await api(server, 'DELETE', '/api/v1/impersonation', { token: imp });
    assert.equal(end.status, 200, show(end));
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: imp })).status, 401, 'the impersonation session has ended');
    assert.equal((await api(server, 'GET', '/api/v1/me', { token: admin })).status, 200, 'the administrator\'s own token still works');
    const notImp = await api(server, 'DELETE', '/api/v1/impersonation', { token: admin });
    assert.equal(notImp.status, 409, show(notImp));

    const audit = await api(server, 'GET', '/api/v1/audit?limit=50', { token: admin });
    const target = `user:${lena.json.user.id}`;
    const start = audit.json.items.find((e) => e.action === 'auth.impersonate_start' && e.target === target);
    const stop = audit.json.items.find((e) => e.action === 'auth.impersonate_end' && e.target === target);
    assert.ok(start && stop, `start and end rows: ${JSON.stringify(audit.json.items.slice(0, 8))}`);
    assert.equal(start.actor, 'admin');
    assert.equal(stop.actor, 'admin');
    assert.ok(stop.id > start.id);
  });

  test('log in as in the browser flow: the cookie swaps, the banner shows, return gives the admin a session back', async () => {
    const adminCookie = await cookieFor(server, 'admin', ADMIN_PASSWORD);
    const csrf = await csrfOf(server, adminCookie, '/admin/users/lena');
    const start = await page(server, 'POST', '/admin/users/lena/impersonate', { cookie: adminCookie, form: { _csrf: csrf } });
    assert.equal(start.status, 303, start.text.slice(0, 300));
    const impCookie = `lectern_session=${setCookie(start.headers, 'lectern_session').value}`;
    assert.notEqual(impCookie, adminCookie);
    const home = await page(server, 'GET', '/', { cookie: impCookie });
    assert.match(home.text, /id="impersonation-banner"/);
    const old = await page(server, 'GET', '/admin/users', { cookie: adminCookie });
    assert.equal(old.status, 303, 'the administrator\'s previous browser session has ended');
    const form = formWith(home.text, '_csrf');
    const endR = await page(server, 'POST', '/impersonation/end', { cookie: impCookie, form: formFields(form) });
    assert.equal(endR.status, 303, endR.text.slice(0, 300));
    assert.equal(endR.headers.location, '/admin/users/lena');
    const back = `lectern_session=${setCookie(endR.headers, 'lectern_session').value}`;
    const usersPage = await page(server, 'GET', '/admin/users/lena', { cookie: back });
    assert.equal(usersPage.status, 200);
    assert.doesNotMatch(usersPage.text, /impersonation-banner/);
    assert.match(usersPage.text, /Send reset link/);
    assert.match(usersPage.text, /Log in as this user/);
  });

  test('"cannot sign in?": the contact text is a site setting shown on a public page linked from sign-in', async () => {
    const signin = await page(server, 'GET', '/signin');
    assert.match(signin.text, /href="\/forgot-password"/);
    assert.match(signin.text, /href="\/signin-help"/);
    const r = await api(server, 'PATCH', '/api/v1/settings/signin-help', { token: admin, body: { contact_text: 'Training team\nRoom 4.12, extension 4321\n<b>not bold</b>' } });
    assert.equal(r.status, 200, show(r));
    const j = await api(server, 'GET', '/api/v1/signin-help');
    assert.equal(j.status, 200, show(j));
    assert.equal(j.json.contact, 'Training team\nRoom 4.12, extension 4321\n<b>not bold</b>');
    const html = await page(server, 'GET', '/signin-help');
    assert.equal(html.status, 200);
    assert.match(html.text, /Training team<br>Room 4\.12, extension 4321<br>&lt;b&gt;not bold&lt;\/b&gt;/);
    assert.match(html.text, /href="\/forgot-password"/);
    const s = await api(server, 'GET', '/api/v1/settings', { token: admin });
    assert.equal(s.json.signin_help.contact_text, j.json.contact);
    const learner = await signIn(server, 'lena', 'Newer-Link-Passphrase-2');
    const denied = await api(server, 'PATCH', '/api/v1/settings/signin-help', { token: learner, body: { contact_text: 'x' } });
    assert.equal(denied.status, 403);
  });

  test('the forgot-password page and form answer HTML with the same message', async () => {
    const r = await page(server, 'GET', '/forgot-password');
    assert.equal(r.status, 200);
    const form = formWith(r.text, 'login');
    assert.ok(form);
    const a = await page(server, 'POST', '/forgot-password', { form: formFields(form, { login: 'someone-unknown' }) });
    const b = await page(server, 'POST', '/forgot-password', { form: formFields(form, { login: 'ada' }) });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const msg = (t) => /id="forgot-sent">([^<]*)</.exec(t)?.[1];
    assert.ok(msg(a.text));
    assert.equal(msg(a.text), msg(b.text));
  });

  test('the server shuts down cleanly', async () => {
    assertCleanShutdown(server, await server.stop());
  });
});

describe('link expiry and rate limits (a server with 3-second links)', () => {
  let server;
  let sink;
  let admin;
  before(async () => {
    sink = await startSmtpSink();
    server = await startServer({ args: ['--reset-link-lifetime', '3'] });
    admin = await adminToken(server);
    await setupMail(server, admin, sink);
    await createUser(server, { username: 'rita', email: 'rita@example.org', first_name: 'Rita', roles: ['learner'], password: PW }, admin);
    await createUser(server, { username: 'sam', email: 'sam@example.org', first_name: 'Sam', roles: ['learner'], password: PW }, admin);
  });
  after(async () => {
    if (server) await server.stop();
    if (sink) await sink.stop();
  });

  test('an expired link is refused', async () => {
    const r = await forgot(server, 'rita');
    assert.equal(r.status, 202);
    const msg = await sink.waitFor(toOf('rita@example.org'));
    const { token, url } = linkIn(msg);
    await new Promise((res) => setTimeout(res, 3500));
    const c = await api(server, 'POST', '/api/v1/password-resets/confirm', { body: { token, new_password: NEW_PW } });
    assert.equal(c.status, 422, show(c));
    assert.equal(c.json.error.field, 'token');
    const p = await page(server, 'GET', url.slice(server.url.length));
    assert.match(p.text, /expired or has already been used/);
    await signIn(server, 'rita', PW); // unchanged
  });

  test('three messages per account per hour; the fourth request answers the same and sends nothing', async () => {
    // rita has had one already.
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await forgot(server, 'rita'));
    for (const a of answers) {
      assert.equal(a.status, 202);
      assert.equal(a.text, answers[0].text);
    }
    // Of two requests in a row only the newer link goes out when the older was still waiting:
    // it would not work anyway.
    const ritas = async () => (await api(server, 'GET', '/api/v1/mail/outbox?per_page=100', { token: admin }))
      .json.items.filter((m) => m.to === 'rita@example.org');
    await poll(async () => (await ritas()).every((m) => m.state === 'sent' || m.state === 'superseded'), { what: 'rita\'s messages settled' });
    await new Promise((res) => setTimeout(res, 2500)); // a worker would have sent a fourth by now
    const rows = await ritas();
    assert.equal(rows.length, 3, 'nothing queued for the limited request');
    assert.equal(sink.messages().filter(toOf('rita@example.org')).length, rows.filter((m) => m.state === 'sent').length,
      'every message sent arrived, and no other');
  });

  test('ten requests per address per hour; after that 429 with Retry-After and no mail, for any account', async () => {
    // Four requests so far from 127.0.0.1; six more are allowed.
    const before = sink.count();
    for (let i = 0; i < 6; i++) assert.equal((await forgot(server, `unknown-${i}`)).status, 202);
    const limited = await forgot(server, 'sam');
    assert.equal(limited.status, 429, show(limited));
    assert.equal(limited.json.error.code, 'rate_limited');
    const wait = Number(limited.headers['retry-after']);
    assert.ok(wait > 3000 && wait <= 3600, `Retry-After is the rest of the hour: ${limited.headers['retry-after']}`);
    // The same for an unknown name: the refusal is about the address, never the account.
    assert.equal((await forgot(server, 'nobody-at-all')).status, 429);
    // The form says so in words, with the time to wait.
    const form = await page(server, 'POST', '/forgot-password', { form: { login: 'sam' } });
    assert.equal(form.status, 429, show(form));
    assert.ok(Number(form.headers['retry-after']) > 3000);
    assert.match(form.text, /Too many requests from your network address\. Wait (1 hour|59 minutes) and try again\./);
    await new Promise((res) => setTimeout(res, 2500));
    assert.equal(sink.count(), before, 'sam gets nothing once the address is over its limit');
    // The administrator's "send reset link" is not limited.
    const r = await api(server, 'POST', '/api/v1/users/sam/send-reset-link', { token: admin });
    assert.equal(r.status, 202, show(r));
    await sink.waitFor(toOf('sam@example.org'), { what: 'the administrator\'s link for sam' });
  });

  test('the server shuts down cleanly', async () => {
    assertCleanShutdown(server, await server.stop());
  });
});
