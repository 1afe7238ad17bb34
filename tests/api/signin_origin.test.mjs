// Public forms refuse cross-site posts: the sign-in form, forgotten password and the reset
// (or welcome) link page accept a post only when Origin, else Referer, names this site, or,
// when a browser sends neither, when the form's hidden field matches the pre-session cookie.
// API clients (no browser, no cookies) keep signing in with a JSON body.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, ADMIN_PASSWORD, assertCleanShutdown } from '../lib/server.mjs';
import { page, formWith, formFields, setCookie } from '../lib/html.mjs';

let server;
before(async () => {
  server = await startServer();
  await adminToken(server);
});
after(async () => { if (server) await server.stop(); });

const EVIL = 'https://evil.example';
const signinForm = { username: 'admin', password: ADMIN_PASSWORD };
const sessionCookie = (r) => setCookie(r.headers, 'lectern_session');

test('the sign-in page sets a pre-session cookie and carries the same token in its form', async () => {
  const r = await page(server, 'GET', '/signin');
  assert.equal(r.status, 200, show(r));
  const cookie = setCookie(r.headers, 'lectern_form');
  assert.ok(cookie, `no lectern_form cookie: ${JSON.stringify(r.headers['set-cookie'])}`);
  assert.match(cookie.value, /^[0-9a-f]{64}$/);
  assert.ok(cookie.attributes.includes('HttpOnly') && cookie.attributes.includes('SameSite=Lax'), cookie.raw);
  const form = formWith(r.text, 'password');
  assert.equal(form.inputs.find((i) => i.name === '_csrf')?.value, cookie.value);
  // A browser that already holds one keeps it.
  const again = await page(server, 'GET', '/signin', { cookie: `lectern_form=${cookie.value}` });
  assert.equal(setCookie(again.headers, 'lectern_form'), undefined);
  assert.equal(formWith(again.text, 'password').inputs.find((i) => i.name === '_csrf')?.value, cookie.value);
});

test('a sign-in form posted from another site is refused: 403, no cookie, a page that says what to do', async () => {
  const r = await page(server, 'POST', '/signin', { form: signinForm, origin: EVIL });
  assert.equal(r.status, 403, show(r));
  assert.equal(r.headers['set-cookie'], undefined, 'no cookie at all');
  assert.match(r.text, /This form was sent from another site, so it was not accepted/);
  assert.match(r.text, /href="\/signin"/, 'a link back to the sign-in page');
  const json = await api(server, 'POST', '/signin', { body: signinForm, headers: { origin: EVIL } });
  assert.equal(json.status, 403, show(json));
  assert.equal(json.json.error.code, 'cross_site');
});

test('a sign-in form from this site (Origin) signs in', async () => {
  const r = await page(server, 'POST', '/signin', { form: signinForm });
  assert.equal(r.status, 303, show(r));
  assert.ok(sessionCookie(r), JSON.stringify(r.headers['set-cookie']));
});

test('a Referer alone decides when Origin is absent: this site signs in, another is refused', async () => {
  const ours = await page(server, 'POST', '/signin', { form: signinForm, origin: null, headers: { referer: `${server.url}/signin?next=/` } });
  assert.equal(ours.status, 303, show(ours));
  assert.ok(sessionCookie(ours));
  const theirs = await page(server, 'POST', '/signin', { form: signinForm, origin: null, headers: { referer: `${EVIL}/page` } });
  assert.equal(theirs.status, 403, show(theirs));
  assert.equal(theirs.headers['set-cookie'], undefined);
});

test('"Origin: null" (a sandboxed frame) names no site and is refused', async () => {
  const r = await page(server, 'POST', '/signin', { form: signinForm, origin: 'null' });
  assert.equal(r.status, 403, show(r));
  assert.equal(sessionCookie(r), undefined);
});

test('neither header: accepted only with the pre-session token of the form\'s page', async () => {
  const none = await page(server, 'POST', '/signin', { form: signinForm, origin: null });
  assert.equal(none.status, 403, show(none));
  assert.equal(none.headers['set-cookie'], undefined);
  assert.match(none.text, /Your browser did not say which site this form came from/);
  assert.match(none.text, /Reload the page and send the form again/);

  const p = await page(server, 'GET', '/signin');
  const token = setCookie(p.headers, 'lectern_form').value;
  const fields = formFields(formWith(p.text, 'password'), signinForm);
  const wrong = await page(server, 'POST', '/signin', { form: { ...fields, _csrf: 'f'.repeat(64) }, origin: null, cookie: `lectern_form=${token}` });
  assert.equal(wrong.status, 403, show(wrong));
  const noCookie = await page(server, 'POST', '/signin', { form: fields, origin: null });
  assert.equal(noCookie.status, 403, show(noCookie));
  const ok = await page(server, 'POST', '/signin', { form: fields, origin: null, cookie: `lectern_form=${token}` });
  assert.equal(ok.status, 303, show(ok));
  assert.ok(sessionCookie(ok));
});

test('forgotten password and the reset link page refuse another site\'s post too', async () => {
  for (const [path, form] of [['/forgot-password', { login: 'admin' }], ['/reset-password', { token: 'a'.repeat(64), new_password: 'x', confirm_password: 'x' }]]) {
    const r = await page(server, 'POST', path, { form, origin: EVIL });
    assert.equal(r.status, 403, `${path}: ${show(r)}`);
    assert.match(r.text, /sent from another site/);
    const ours = await page(server, 'POST', path, { form });
    assert.notEqual(ours.status, 403, `${path} from this site: ${show(ours)}`);
  }
  const p = await page(server, 'GET', '/forgot-password');
  const cookie = setCookie(p.headers, 'lectern_form');
  assert.ok(cookie, 'the forgotten-password page sets the pre-session cookie');
  assert.equal(formWith(p.text, 'login').inputs.find((i) => i.name === '_csrf')?.value, cookie.value);
});

test('a signed-in browser posting the sign-in form from another site is refused as well', async () => {
  const s = await page(server, 'POST', '/signin', { form: signinForm });
  const cookie = `lectern_session=${sessionCookie(s).value}`;
  const r = await page(server, 'POST', '/signin', { form: signinForm, origin: EVIL, cookie });
  assert.equal(r.status, 403, show(r));
  assert.equal(sessionCookie(r), undefined);
  assert.equal((await page(server, 'GET', '/', { cookie })).status, 200, 'the earlier session still works');
});

test('API sign-in: a program sends no Origin and gets its token; another site\'s Origin is refused', async () => {
  const r = await api(server, 'POST', '/api/v1/sessions', { body: signinForm });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.headers['set-cookie'], undefined, 'the API answers a token, never a cookie');
  const evil = await api(server, 'POST', '/api/v1/sessions', { body: signinForm, headers: { origin: EVIL } });
  assert.equal(evil.status, 403, show(evil));
  assert.equal(evil.json.error.code, 'cross_site');
  assert.equal(evil.json.token, undefined);
  const ours = await api(server, 'POST', '/api/v1/sessions', { body: signinForm, headers: { origin: server.url } });
  assert.equal(ours.status, 201, show(ours));
});

test('the site address set in Settings counts as this site (a proxy that rewrites Host)', async () => {
  const token = await adminToken(server);
  const set = await api(server, 'PATCH', '/api/v1/settings/mail', { token, body: { site_url: 'https://learn.example.org' } });
  assert.equal(set.status, 200, show(set));
  const ours = await page(server, 'POST', '/signin', { form: signinForm, origin: 'https://learn.example.org', headers: { host: 'backend.internal:8080' } });
  assert.equal(ours.status, 303, show(ours));
  const other = await page(server, 'POST', '/signin', { form: signinForm, origin: 'https://learn.example.org.evil.example', headers: { host: 'backend.internal:8080' } });
  assert.equal(other.status, 403, show(other));
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  assertCleanShutdown(server, await server.stop());
});
