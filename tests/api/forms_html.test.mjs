// Failed form posts seen without a browser: every form shows its own page again with the
// problem (never the bare error page), the typed values in the echo for the page's script,
// and passwords never; the API's answer to the same mistake stays JSON with the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, ADMIN_PASSWORD, assertCleanShutdown } from '../lib/server.mjs';
import { page, setCookie, unescapeHtml } from '../lib/html.mjs';

const CODE = 'ECHO-1';
let server;
let cookie;
let csrf;
before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  for (const [path, body] of [['/api/v1/courses', { code: CODE, title: 'Echo course' }],
    ['/api/v1/courses', { code: 'ECHO-2', title: 'Second' }]]) {
    const r = await api(server, 'POST', path, { token: admin, body });
    assert.equal(r.status, 201, show(r));
  }
  const section = await api(server, 'POST', `/api/v1/courses/${CODE}/sections`, { token: admin, body: { title: 'Start' } });
  assert.equal(section.status, 201, show(section));
  const s = await page(server, 'POST', '/signin', { form: { username: 'admin', password: ADMIN_PASSWORD } });
  cookie = `lectern_session=${setCookie(s.headers, 'lectern_session').value}`;
  const home = await page(server, 'GET', `/courses/${CODE}`, { cookie });
  csrf = /name="_csrf" value="([^"]+)"/.exec(home.text)[1];
});
after(async () => { if (server) await server.stop(); });

/** Posts a form as a browser does from the page `from`; returns the answer. */
function post(action, fields, from) {
  return page(server, 'POST', action, { cookie, form: { _csrf: csrf, ...fields },
    headers: { referer: server.url + from } });
}

/** The echo the page's script reads: {values, errors}. */
function echoOf(r) {
  const m = /id="form-echo" data-action="([^"]*)" data-echo="([^"]*)"/.exec(r.text);
  assert.ok(m, `the page carries the form's echo\n${r.text.slice(0, 400)}`);
  return { action: unescapeHtml(m[1]), ...JSON.parse(unescapeHtml(m[2])) };
}

function expectFormPage(r, { status, action, field, values = {}, message }) {
  assert.equal(r.status, status, `${action}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.doesNotMatch(r.text, /This page could not be shown/, `${action}: the page itself, not the error page`);
  assert.match(r.text, new RegExp(`<form[^>]*action="${action}"`), `${action}: the form is there again`);
  assert.match(r.text, /id="error-summary"/);
  const echo = echoOf(r);
  assert.equal(echo.action, action);
  assert.ok(field in echo.errors, `${action}: the error is for ${field}: ${JSON.stringify(echo.errors)}`);
  if (message) assert.match(echo.errors[field], message);
  for (const [k, v] of Object.entries(values)) assert.equal(echo.values[k], v, `${action}: ${k} kept`);
}

test('a section without a title, an activity without a section', async () => {
  expectFormPage(await post(`/admin/courses/${CODE}/sections`, { title: '' }, `/courses/${CODE}/manage/content`),
    { status: 422, action: `/admin/courses/${CODE}/sections`, field: 'title' });
  expectFormPage(await post(`/admin/courses/${CODE}/activities`, { section_id: '99999', kind: 'page', title: 'Welcome', body: 'Hello' }, `/courses/${CODE}/manage/content`),
    { status: 422, action: `/admin/courses/${CODE}/activities`, field: 'section_id', values: { title: 'Welcome' }, message: /no longer in this course/ });
});

test('a rule without its department says to choose one; the API answers the same in JSON', async () => {
  const action = `/admin/courses/${CODE}/rules`;
  expectFormPage(await post(action, { kind: 'department', department_id: '0', job_role_id: '0', due_days: '14' }, `/courses/${CODE}/manage/rules`),
    { status: 422, action, field: 'department_id', values: { due_days: '14' }, message: /Choose the department/ });
  const r = await api(server, 'POST', `/api/v1/courses/${CODE}/rules`, { token: await adminToken(server), body: { kind: 'department', department_id: 0 } });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'department_id', show(r));
  assert.doesNotMatch(r.json.error.message, /with id/, show(r));
});

test('a copy onto a code already taken keeps the new title', async () => {
  const action = `/admin/courses/${CODE}/copy`;
  expectFormPage(await post(action, { new_code: 'ECHO-2', title: 'Echo again' }, `/courses/${CODE}`),
    { status: 409, action, field: 'new_code', values: { new_code: 'ECHO-2', title: 'Echo again' } });
});

test('sign-in help text too long; forgot password without a name', async () => {
  const long = 'x'.repeat(2100);
  expectFormPage(await post('/admin/settings/signin-help', { contact_text: long }, '/admin/settings'),
    { status: 422, action: '/admin/settings/signin-help', field: 'contact_text', values: { contact_text: long } });
  const r = await page(server, 'POST', '/forgot-password', { form: { login: '' }, headers: { referer: `${server.url}/forgot-password` } });
  expectFormPage(r, { status: 422, action: '/forgot-password', field: 'login' });
});

test('passwords are never sent back; a form without a Referer shows the page above its address', async () => {
  const r = await page(server, 'POST', '/admin/users', { cookie, form: { _csrf: csrf, username: 'ann',
    email: 'ann@example', password: 'Secret-Words-Here-99' }, headers: { referer: `${server.url}/admin/users/new` } });
  const echo = echoOf(r);
  assert.equal(echo.values.username, 'ann');
  assert.ok(!('password' in echo.values) && !r.text.includes('Secret-Words-Here-99'), 'the password is not on the page');
  const org = await page(server, 'POST', '/admin/users/admin/profile', { cookie, form: { _csrf: csrf, country: 'Narnia' } });
  expectFormPage(org, { status: 422, action: '/admin/users/admin/profile', field: 'country', values: { country: 'Narnia' } });
  assert.match(org.text, /<h1[^>]*>[^<]*<small[^>]*>admin<\/small>/, 'the user page of the address above it');
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  const stopping = server;
  server = null;
  assertCleanShutdown(stopping, await stopping.stop());
});
