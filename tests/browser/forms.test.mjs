// In a browser: a form sent with a mistake comes back as it was typed, with the error at the
// field and a summary that links to it (src/web/form.c, static/js/form-errors.js); a form's
// address opened as a page leads to the page the form lives on; a good form redirects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, adminToken, createUser, api, show, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI } from '../lib/browser.mjs';

let server;
let browser;
let page;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await adminToken(server);
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
  const describedBy = (await field.getAttribute('aria-describedby')) || '';
  const feedback = page.locator(`[id="${describedBy.split(' ')[0]}"]`);
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
