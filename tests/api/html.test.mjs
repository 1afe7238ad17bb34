// The HTML twin seen without a browser: pages, redirects, cookies, CSRF, security headers, static files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, ADMIN_PASSWORD, assertCleanShutdown, rawRequest } from '../lib/server.mjs';
import { page, parseForms, formWith, formFields, actionPath, setCookie } from '../lib/html.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { if (server) await server.stop(); });

const short = (r) => `${r.status} ${JSON.stringify(r.headers)}\n${r.text.slice(0, 800)}`;

function securityHeaders(r, what) {
  const h = r.headers;
  assert.ok(h['content-security-policy'], `${what}: Content-Security-Policy`);
  assert.doesNotMatch(h['content-security-policy'], /unsafe-eval/, `${what}: CSP without unsafe-eval`);
  assert.equal(h['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
  assert.ok(h['referrer-policy'], `${what}: Referrer-Policy`);
  assert.ok(h['x-frame-options'] || /frame-ancestors/.test(h['content-security-policy']), `${what}: frame rules`);
}

let signinForm;

test('GET /signin answers HTML with a sign-in form', async () => {
  const r = await page(server, 'GET', '/signin');
  assert.equal(r.status, 200, short(r));
  assert.match(r.headers['content-type'] || '', /^text\/html/);
  assert.match(r.headers['content-type'], /charset=utf-8/i);
  assert.match(r.text, /^<!doctype html>/i);
  assert.match(r.text, /<html[^>]*\blang="[a-z-]+"/i, 'the page declares its language');
  signinForm = formWith(r.text, 'username');
  assert.ok(signinForm, 'a form with name="username"');
  assert.equal(signinForm.method, 'post');
  assert.ok(signinForm.inputs.some((i) => i.name === 'password' && i.type === 'password'), 'a password input');
  // Every visible input has a label.
  for (const i of signinForm.inputs.filter((x) => x.tag === 'input' && !['hidden', 'submit'].includes(x.type))) {
    assert.ok(i.attrs.id, `input ${i.name} has an id`);
    assert.match(r.text, new RegExp(`<label[^>]*for="${i.attrs.id}"`), `input ${i.name} has a <label for>`);
  }
  assert.match(r.text, /bootstrap\.min\.css/, 'the page uses the vendored Bootstrap');
  securityHeaders(r, 'GET /signin');
});

test('GET / without a session redirects (303) to /signin', async () => {
  const r = await page(server, 'GET', '/');
  assert.equal(r.status, 303, short(r));
  assert.match(r.headers.location || '', /^(https?:\/\/[^/]+)?\/signin(\?|$)/);
  const users = await page(server, 'GET', '/admin/users');
  assert.equal(users.status, 303, short(users));
  assert.match(users.headers.location || '', /\/signin/);
});

test('the API twin of a page answers JSON to Accept: application/json', async () => {
  const r = await rawRequest(server.url + '/', { headers: { accept: 'application/json' } });
  assert.equal(r.status, 401, `GET / as JSON without a session: ${r.status} ${r.body}`);
  assert.match(r.headers['content-type'] || '', /application\/json/);
});

test('security headers on API answers and errors too', async () => {
  const r = await api(server, 'GET', '/api/v1/me');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  const nf = await page(server, 'GET', '/no/such/page');
  assert.equal(nf.status, 404, short(nf));
  assert.match(nf.headers['content-type'] || '', /^text\/html/, 'an HTML 404 for a browser');
  securityHeaders(nf, '404 page');
});

test('the static Bootstrap file: 200 with an ETag; If-None-Match answers 304', async () => {
  const r = await rawRequest(server.url + '/static/vendor/bootstrap.min.css');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'] || '', /^text\/css/);
  assert.ok(r.body.length > 100000, 'the whole file');
  assert.match(r.body.toString('utf8', 0, 200), /Bootstrap/);
  const etag = r.headers.etag;
  assert.ok(etag, 'an ETag');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  const again = await rawRequest(server.url + '/static/vendor/bootstrap.min.css', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, etag);
  const other = await rawRequest(server.url + '/static/vendor/bootstrap.min.css', { headers: { 'if-none-match': '"something-else"' } });
  assert.equal(other.status, 200);
  const missing = await rawRequest(server.url + '/static/vendor/nope.css');
  assert.equal(missing.status, 404);
});

let cookie;

test('the HTML sign-in sets an HttpOnly, SameSite=Lax session cookie and forces the password change', async () => {
  const action = actionPath(signinForm, '/signin');
  const bad = await page(server, 'POST', action, { form: formFields(signinForm, { username: 'admin', password: 'Wrong-Password-99' }) });
  assert.ok([200, 401, 422].includes(bad.status), short(bad));
  assert.match(bad.text, /role="alert"/);
  assert.match(bad.text, /Incorrect username or password, or the account is locked\./);
  assert.equal(setCookie(bad.headers, 'lectern_session')?.value || '', '', 'no session on a failed sign-in');

  const r = await page(server, 'POST', action, { form: formFields(signinForm, { username: 'admin', password: server.adminPassword }) });
  assert.equal(r.status, 303, short(r));
  const c = setCookie(r.headers, 'lectern_session');
  assert.ok(c && c.value, `a lectern_session cookie: ${JSON.stringify(r.headers['set-cookie'])}`);
  const attrs = c.attributes.map((a) => a.toLowerCase());
  assert.ok(attrs.includes('httponly'), `HttpOnly: ${c.raw}`);
  assert.ok(attrs.includes('samesite=lax'), `SameSite=Lax: ${c.raw}`);
  assert.ok(attrs.some((a) => a === 'path=/'), `Path=/: ${c.raw}`);
  cookie = `lectern_session=${c.value}`;
  assert.match(r.headers.location || '', /\/password/);

  const home = await page(server, 'GET', '/', { cookie });
  assert.equal(home.status, 303, short(home));
  assert.match(home.headers.location || '', /\/password/);
});

test('a state-changing form without the CSRF token answers 403; with it the change goes through', async () => {
  const p = await page(server, 'GET', '/password', { cookie });
  assert.equal(p.status, 200, short(p));
  const forms = parseForms(p.text).filter((f) => f.method === 'post' && f.inputs.some((i) => i.type === 'password'));
  assert.equal(forms.length, 1, 'one password form');
  const form = forms[0];
  const csrfInput = form.inputs.find((i) => i.name === '_csrf');
  assert.ok(csrfInput && csrfInput.value.length >= 32, 'a hidden _csrf field');
  const pw = form.inputs.filter((i) => i.type === 'password').map((i) => i.name);
  assert.equal(pw.length, 3, `current, new and confirmation: ${pw}`);
  const values = { [pw[0]]: server.adminPassword, [pw[1]]: ADMIN_PASSWORD, [pw[2]]: ADMIN_PASSWORD };
  const action = actionPath(form, '/password');

  const noCsrf = formFields(form, values);
  delete noCsrf._csrf;
  const r1 = await page(server, 'POST', action, { cookie, form: noCsrf });
  assert.equal(r1.status, 403, short(r1));
  const r2 = await page(server, 'POST', action, { cookie, form: formFields(form, { ...values, _csrf: 'f'.repeat(64) }) });
  assert.equal(r2.status, 403, short(r2));
  // The password is unchanged.
  const still = await api(server, 'POST', '/api/v1/sessions', { body: { username: 'admin', password: server.adminPassword } });
  assert.equal(still.status, 201, show(still));

  const mismatch = await page(server, 'POST', action, { cookie, form: formFields(form, { ...values, [pw[2]]: 'Another-Password-42' }) });
  assert.ok([200, 422].includes(mismatch.status), `confirmation mismatch: ${short(mismatch)}`);
  assert.match(mismatch.text, /role="alert"/);

  const ok = await page(server, 'POST', action, { cookie, form: formFields(form, values) });
  assert.equal(ok.status, 303, short(ok));
  assert.match(ok.headers.location || '', /^(https?:\/\/[^/]+)?\/$/);
  server.adminPasswordChanged = true;
  const home = await page(server, 'GET', '/', { cookie });
  assert.equal(home.status, 200, short(home));
  assert.match(home.text, /<h1[\s>]/);
  assert.match(home.text, /<nav[\s>]/);
  securityHeaders(home, 'dashboard');
});

test('the new-user form without the CSRF token answers 403 and creates nothing', async () => {
  const p = await page(server, 'GET', '/admin/users/new', { cookie });
  assert.equal(p.status, 200, short(p));
  const form = formWith(p.text, 'username');
  assert.ok(form, 'a new-user form');
  const fields = formFields(form, { username: 'csrfvictim', email: 'csrf@example.com', first_name: 'C', last_name: 'V', roles: 'learner' });
  delete fields._csrf;
  const r = await page(server, 'POST', actionPath(form, '/admin/users/new'), { cookie, form: fields });
  assert.equal(r.status, 403, short(r));
  const tok = await adminToken(server);
  const g = await api(server, 'GET', '/api/v1/users/csrfvictim', { token: tok });
  assert.equal(g.status, 404, 'the forged form created nothing');
});

test('the sign-in "next" target never leads off the site', async () => {
  const start = await page(server, 'GET', '/admin/users?q=x');
  assert.equal(start.status, 303);
  for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example/', 'javascript:alert(1)', 'http:evil.example']) {
    const r = await page(server, 'POST', '/signin', { form: { username: 'admin', password: ADMIN_PASSWORD, next } });
    assert.equal(r.status, 303, `next=${next}: ${short(r)}`);
    const loc = r.headers.location || '';
    assert.ok(/^\/(?![\/\\])/.test(loc) || loc.startsWith(server.url + '/'), `next=${next} redirected to ${loc}`);
    assert.doesNotMatch(loc, /evil\.example|javascript:/i, `next=${next} redirected to ${loc}`);
  }
  const r = await page(server, 'POST', '/signin', { form: { username: 'admin', password: ADMIN_PASSWORD, next: '/admin/users?q=x' } });
  assert.equal(r.status, 303);
  assert.match(r.headers.location || '', /\/admin\/users\?q=x$/, 'a local next is followed');
});

test('signing out needs the CSRF token too', async () => {
  const r = await page(server, 'POST', '/signout', { cookie, form: {} });
  assert.equal(r.status, 403, short(r));
  const still = await page(server, 'GET', '/', { cookie });
  assert.equal(still.status, 200, 'a forged sign-out did not end the session');
});

test('signing out through the navigation form ends the cookie session', async () => {
  const home = await page(server, 'GET', '/', { cookie });
  const navForm = parseForms(home.text).find((f) => f.method === 'post' && /sign\s*out/i.test(f.html));
  assert.ok(navForm, 'a "Sign out" form');
  const r = await page(server, 'POST', actionPath(navForm, '/'), { cookie, form: formFields(navForm) });
  assert.equal(r.status, 303, short(r));
  const after = await page(server, 'GET', '/', { cookie });
  assert.equal(after.status, 303, 'the old cookie no longer signs in');
  assert.match(after.headers.location || '', /\/signin/);
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  assertCleanShutdown(server, await server.stop());
});
