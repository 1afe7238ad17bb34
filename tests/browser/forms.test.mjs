// In a browser: a form sent with a mistake comes back as it was typed, with the error at the
// field and a summary that links to it (src/web/form.c, static/js/form-errors.js); a form's
// address opened as a page leads to the page the form lives on; a good form redirects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, adminToken, createUser, api, show, ADMIN_PASSWORD, assertCleanShutdown } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI } from '../lib/browser.mjs';

let server;
let browser;
let page;
let admin;
const CODE = 'FORMS-1';
let quizId;
let questionId;
const call = async (method, path, body) => {
  const r = await api(server, method, path, { token: admin, body });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
  return r.json;
};
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await adminToken(server);
  await createUser(server, { username: 'lena', email: 'lena@example.com', first_name: 'Lena', last_name: 'L', roles: ['learner'], password: 'Amber-Falcon-Ridge-24' });
  await call('POST', '/api/v1/departments', { name: 'Sales' });
  await call('POST', '/api/v1/job-roles', { name: 'Driver' });
  await call('POST', '/api/v1/profile-fields', { shortname: 'shoe', name: 'Shoe size', type: 'text' });
  await call('POST', '/api/v1/categories', { name: 'Safety' });
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Forms course', status: 'published' });
  await call('POST', `/api/v1/courses/${CODE}/questions/import`, { data: '::Exit:: Where is the exit? {=left ~right}\n' });
  const bank = await call('GET', `/api/v1/courses/${CODE}/questions?per_page=10`);
  questionId = bank.questions[0].id;
  const section = await call('POST', `/api/v1/courses/${CODE}/sections`, { title: 'Assessment' });
  const act = await call('POST', `/api/v1/courses/${CODE}/activities`, { section_id: section.id, kind: 'quiz', title: 'Exit quiz' });
  quizId = act.activity.id;
  page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** The field is marked invalid, described by a text holding the message, and the summary at
 *  the top links to it. */
async function expectErrorAt(field, message) {
  await assert.doesNotReject(field.waitFor(), 'the field is on the page again');
  assert.match(await field.getAttribute('class'), /\bis-invalid\b/, 'the field is marked invalid');
  const describedBy = ((await field.getAttribute('aria-describedby')) || '').split(' ').filter(Boolean);
  const selector = describedBy.map((id) => `[id="${id}"].invalid-feedback`).join(', ');
  assert.ok(selector, 'the field is described by its error');
  const feedback = page.locator(selector).first();
  assert.match(await feedback.innerText(), message, 'the error is next to the field');
  assert.match(await feedback.getAttribute('class'), /\binvalid-feedback\b/);
  assert.ok(await feedback.isVisible(), 'the error text is shown');
  const summary = page.locator('#error-summary');
  assert.match(await summary.innerText(), message, 'the summary says what to fix');
  const href = await summary.getByRole('link').getAttribute('href');
  assert.equal(href, `#${await field.getAttribute('id')}`, 'the summary links to the field');
}

/** Fills labelled fields (text or select), sends with the named button. */
async function fillAndSend(scope, values, button) {
  for (const [label, value] of Object.entries(values)) {
    const field = scope.getByLabel(label, { exact: true });
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await submit(page, () => scope.getByRole('button', { name: button, exact: true }).click());
}

async function expectValues(scope, values) {
  for (const [label, value] of Object.entries(values)) {
    assert.equal(await scope.getByLabel(label, { exact: true }).inputValue(), value, `${label} kept`);
  }
}

test('new user: a bad email comes back with every typed value and the error at Email', { timeout: 60000 }, async () => {
  await page.goto('/admin/users/new');
  const typed = { Username: 'nora', Email: 'nora@example', 'First name': 'Nora', 'Last name': 'North' };
  await page.getByRole('checkbox', { name: 'Manager', exact: true }).check();
  await page.getByLabel('Password', { exact: true }).fill('Some-Secret-Words-11');
  await fillAndSend(page, typed, 'Create user');
  await expectValues(page, typed);
  assert.ok(await page.getByRole('checkbox', { name: 'Manager', exact: true }).isChecked(), 'the ticked role is kept');
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'a password is never sent back');
  await expectErrorAt(page.getByLabel('Email', { exact: true }), /email/i);
  assert.deepEqual(page.consoleErrors, []);

  // Fixed (the password typed again), it is created and the browser is sent to the user's page.
  await page.getByLabel('Password', { exact: true }).fill('Some-Secret-Words-11');
  await fillAndSend(page, { Email: 'nora@example.com' }, 'Create user');
  assert.equal(pathOf(page), '/admin/users/nora');
  assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), 'nora@example.com');
  assert.equal(await page.getByLabel('First name', { exact: true }).inputValue(), 'Nora');
  assert.ok(await page.getByRole('checkbox', { name: 'Manager', exact: true }).isChecked());
});

test('new user without a password: the page with the one-time password shows the real user', { timeout: 60000 }, async () => {
  await page.goto('/admin/users/new');
  await fillAndSend(page, { Username: 'otto', Email: 'otto@example.com', 'First name': 'Otto', 'Last name': 'Oak' }, 'Create user');
  await page.locator('#one-time-password').waitFor();
  assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), 'otto@example.com');
  assert.equal(await page.getByLabel('Last name', { exact: true }).inputValue(), 'Oak');
  await page.getByRole('heading', { name: 'Sign-in support' }).waitFor();
  await page.getByRole('heading', { name: 'Organisation and profile' }).waitFor();
});

/** The form whose action is the address, on the current page. */
const formAt = (action) => page.locator(`form[action="${action}"]`);

test('department: a name already taken comes back typed, with the error at the name', { timeout: 60000 }, async () => {
  await page.goto('/admin/departments');
  const form = formAt('/admin/departments');
  await fillAndSend(form, { Name: 'Sales', 'ID number': 'D-77' }, 'Add');
  await expectValues(formAt('/admin/departments'), { Name: 'Sales', 'ID number': 'D-77' });
  await expectErrorAt(formAt('/admin/departments').getByLabel('Name', { exact: true }), /Sales/);
  await fillAndSend(formAt('/admin/departments'), { Name: 'Support' }, 'Add');
  assert.equal(pathOf(page), '/admin/departments', 'a good one redirects back to the list');
  await page.getByRole('cell', { name: /Support/ }).first().waitFor();
});

test('job role: a name already taken comes back typed, with the error at the name', { timeout: 60000 }, async () => {
  await page.goto('/admin/job-roles');
  await fillAndSend(formAt('/admin/job-roles'), { Name: 'Driver', 'ID number': 'J-9' }, 'Add');
  await expectValues(formAt('/admin/job-roles'), { Name: 'Driver', 'ID number': 'J-9' });
  await expectErrorAt(formAt('/admin/job-roles').getByLabel('Name', { exact: true }), /Driver/);
});

test('profile field: a short name already taken comes back typed, with the error at it', { timeout: 60000 }, async () => {
  await page.goto('/admin/profile-fields');
  const form = formAt('/admin/profile-fields');
  await form.getByLabel('Required', { exact: true }).check();
  await fillAndSend(form, { 'Short name': 'shoe', Name: 'Shoe size (EU)' }, 'Add');
  const again = formAt('/admin/profile-fields');
  await expectValues(again, { 'Short name': 'shoe', Name: 'Shoe size (EU)' });
  assert.ok(await again.getByLabel('Required', { exact: true }).isChecked(), 'the ticked box stays ticked');
  await expectErrorAt(again.getByLabel('Short name', { exact: true }), /shoe/);
});

test('user edit and organisation: errors at the field, values kept', { timeout: 60000 }, async () => {
  await page.goto('/admin/users/lena');
  const edit = formAt('/admin/users/lena');
  await fillAndSend(edit, { 'First name': 'Lenora', Email: 'lena@nowhere' }, 'Save');
  await expectValues(formAt('/admin/users/lena'), { 'First name': 'Lenora', Email: 'lena@nowhere' });
  await expectErrorAt(formAt('/admin/users/lena').getByLabel('Email', { exact: true }), /email/i);

  await page.goto('/admin/users/lena');
  const org = formAt('/admin/users/lena/profile');
  await fillAndSend(org, { City: 'Leeds', 'Time zone': 'Europe/Atlantis' }, 'Save organisation and profile');
  await expectValues(formAt('/admin/users/lena/profile'), { City: 'Leeds', 'Time zone': 'Europe/Atlantis' });
  await expectErrorAt(formAt('/admin/users/lena/profile').getByLabel('Time zone', { exact: true }), /time zone/);
  await fillAndSend(formAt('/admin/users/lena/profile'), { 'Time zone': 'Europe/London' }, 'Save organisation and profile');
  assert.equal(pathOf(page), '/admin/users/lena', 'a good one redirects to the user page');
  assert.equal(await formAt('/admin/users/lena/profile').getByLabel('City', { exact: true }).inputValue(), 'Leeds');
});

test('settings and mail settings: errors at the field, values kept', { timeout: 60000 }, async () => {
  await page.goto('/admin/settings');
  await fillAndSend(formAt('/admin/settings'), { 'Site name': '   ' }, 'Save');
  await expectErrorAt(formAt('/admin/settings').getByLabel('Site name', { exact: true }), /name for the site/);

  await page.goto('/admin/settings');
  const mail = formAt('/admin/settings/mail');
  await fillAndSend(mail, { 'SMTP server': 'smtp.example.org', 'Site address': 'learn dot example' }, 'Save mail settings');
  await expectValues(formAt('/admin/settings/mail'), { 'SMTP server': 'smtp.example.org', 'Site address': 'learn dot example' });
  await expectErrorAt(formAt('/admin/settings/mail').getByLabel('Site address', { exact: true }), /address/);
});

test('new course and course settings: a code already taken, a bad date; values kept', { timeout: 60000 }, async () => {
  await page.goto('/admin/courses/new');
  await fillAndSend(formAt('/admin/courses'), { Code: CODE, Title: 'Another course', Summary: 'Kept words' }, 'Create course');
  await expectValues(formAt('/admin/courses'), { Code: CODE, Title: 'Another course', Summary: 'Kept words' });
  await expectErrorAt(formAt('/admin/courses').getByLabel('Code', { exact: true }), new RegExp(CODE));

  await page.goto(`/courses/${CODE}/manage/settings`);
  const settings = formAt(`/admin/courses/${CODE}`);
  await settings.getByLabel('Starts', { exact: true }).fill('2031-05-10');
  await settings.getByLabel('Ends', { exact: true }).fill('2031-05-01');
  await fillAndSend(settings, { Title: 'Forms course, renamed' }, 'Save');
  const again = formAt(`/admin/courses/${CODE}`);
  await expectValues(again, { Title: 'Forms course, renamed', 'Starts': '2031-05-10', 'Ends': '2031-05-01' });
  await expectErrorAt(again.getByLabel('Ends', { exact: true }), /end/i);
});

test('category: a name already taken comes back typed, with the error at the name', { timeout: 60000 }, async () => {
  await page.goto('/admin/categories');
  await fillAndSend(formAt('/admin/categories'), { Name: 'Safety' }, 'Add');
  await expectValues(formAt('/admin/categories'), { Name: 'Safety' });
  await expectErrorAt(formAt('/admin/categories').getByLabel('Name', { exact: true }), /Safety/);
});

test('enrolment: an unknown username comes back typed, with the error at the field', { timeout: 60000 }, async () => {
  await page.goto(`/courses/${CODE}/manage/participants`);
  const form = formAt(`/courses/${CODE}/enrolments`);
  await fillAndSend(form, { Usernames: 'lena\nnobody-here' }, 'Enrol');
  const again = formAt(`/courses/${CODE}/enrolments`);
  await expectValues(again, { Usernames: 'lena\nnobody-here' });
  await expectErrorAt(again.getByLabel('Usernames', { exact: true }), /nobody-here/);
});

test('question: a question GIFT cannot read comes back typed, with the error at it', { timeout: 60000 }, async () => {
  await page.goto(`/courses/${CODE}/questions/${questionId}`);
  const action = `/courses/${CODE}/questions/${questionId}`;
  const gift = '::Exit:: Where is the exit? {=left ~right';
  await formAt(action).getByRole('textbox').first().fill(gift);
  await submit(page, () => formAt(action).getByRole('button', { name: 'Save question' }).click());
  const field = formAt(action).getByRole('textbox').first();
  assert.equal(await field.inputValue(), gift);
  await expectErrorAt(field, /./);
});

test('quiz settings: a close before the open comes back with the error at it', { timeout: 60000 }, async () => {
  const action = `/courses/${CODE}/quizzes/${quizId}/settings`;
  await page.goto(action);
  const typed = { 'Time limit (minutes)': '25', Opens: '2031-05-10T09:00', Closes: '2031-05-01T09:00' };
  await fillAndSend(formAt(action), typed, 'Save settings');
  await expectValues(formAt(action), typed);
  await expectErrorAt(formAt(action).getByLabel('Closes', { exact: true }), /closes before it opens/);
});

test('password change: a wrong current password; nothing typed is sent back', { timeout: 60000 }, async () => {
  await page.goto('/password');
  await page.getByLabel('Current password', { exact: true }).fill('not-my-password-at-all');
  await page.getByLabel('New password', { exact: true }).fill('Brand-New-Lantern-55');
  await page.getByLabel('Confirm new password', { exact: true }).fill('Brand-New-Lantern-55');
  await submit(page, () => page.getByRole('button', { name: 'Change password' }).click());
  for (const label of ['Current password', 'New password', 'Confirm new password'])
    assert.equal(await page.getByLabel(label, { exact: true }).inputValue(), '', `${label} is empty`);
  await expectErrorAt(page.getByLabel('Current password', { exact: true }), /current password/i);
});

test('a field the form left empty is named by its label, not by its parameter', { timeout: 60000 }, async () => {
  const visitor = await newPage(browser, server);
  await visitor.goto('/forgot-password');
  await submit(visitor, () => visitor.getByRole('button', { name: 'Send me a link' }).click());
  const field = visitor.getByLabel('Username or email address', { exact: true });
  assert.match(await field.getAttribute('class'), /\bis-invalid\b/);
  const feedback = visitor.locator('.invalid-feedback');
  assert.equal(await feedback.innerText(), 'Username or email address is required');
  assert.equal(await visitor.locator('#error-summary a').innerText(), 'Username or email address is required');
  assert.deepEqual(visitor.consoleErrors, []);
  await visitor.context().close();
});

test("a form's address opened as a page leads to the page the form lives on", { timeout: 60000 }, async () => {
  // After a failed post the address bar shows the form's address; going there again is a GET.
  await page.goto('/admin/users/lena/profile');
  assert.equal(pathOf(page), '/admin/users/lena');
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.goto('/admin/settings/signin-help');
  assert.equal(pathOf(page), '/admin/settings');
  await page.goto(`/admin/courses/${CODE}/copy`);
  assert.equal(pathOf(page), `/courses/${CODE}`, 'an /admin/ address of a course leads to the course page');
  assert.doesNotMatch(await page.locator('body').innerText(), /is not allowed at this address/);
  // The API keeps its 405 with Allow.
  const r = await api(server, 'GET', '/api/v1/me/sessions/others', { token: admin });
  assert.equal(r.status, 405, show(r));
  assert.match(r.headers.allow, /DELETE/);
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  if (browser) { await browser.close(); browser = null; }
  const stopping = server;
  server = null;
  assertCleanShutdown(stopping, await stopping.stop());
});
