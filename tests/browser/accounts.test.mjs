// In a browser: the administrator's first sign-in, creating a learner, the learner's first sign-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, assertCleanShutdown } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, changePasswordUI, signOutUI, mainNav } from '../lib/browser.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

let learnerOtp;

test('the administrator signs in with the one-time password and must change it', { timeout: 120000 }, async () => {
  assert.ok(server.adminPassword, `no one-time password on stdout\n${server.output()}`);
  const page = await newPage(browser, server);
  await page.goto('/');
  assert.equal(pathOf(page), '/signin', 'an anonymous visit lands on the sign-in page');
  await signInUI(page, 'admin', server.adminPassword);
  assert.equal(pathOf(page), '/password');
  // Every other page sends the administrator back to the change.
  await page.goto('/admin/users');
  assert.equal(pathOf(page), '/password');
  await changePasswordUI(page, server.adminPassword, ADMIN_PASSWORD);
  server.adminPasswordChanged = true;

  const nav = mainNav(page);
  for (const name of ['Dashboard', 'Users', 'Settings', 'Audit log']) {
    await nav.getByRole('link', { name, exact: true }).waitFor();
  }
  await nav.getByRole('button', { name: 'Sign out' }).waitFor();

  // Create a learner without a password.
  await nav.getByRole('link', { name: 'Users', exact: true }).click();
  await page.waitForURL('**/admin/users');
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.getByLabel('Search').waitFor();
  await page.getByRole('link', { name: 'New user' }).click();
  await page.waitForURL('**/admin/users/new');
  await page.getByLabel('Username', { exact: true }).fill('lucy');
  await page.getByLabel('Email', { exact: true }).fill('lucy@example.com');
  await page.getByLabel('First name', { exact: true }).fill('Lucy');
  await page.getByLabel('Last name', { exact: true }).fill('Learner');
  for (const role of ['Administrator', 'Manager', 'Instructor', 'Learner']) {
    await page.getByRole('checkbox', { name: role, exact: true }).waitFor();
  }
  await page.getByRole('checkbox', { name: 'Learner', exact: true }).check();
  await submit(page, () => page.getByRole('button', { name: 'Create user' }).click());
  const otpEl = page.locator('#one-time-password');
  await otpEl.waitFor();
  learnerOtp = (await otpEl.innerText()).trim();
  assert.match(learnerOtp, /^\S{12,}$/, `one-time password: ${JSON.stringify(learnerOtp)}`);

  // The new user appears in the list and the search finds her.
  await page.goto('/admin/users');
  await page.getByLabel('Search').fill('lucy');
  await Promise.all([page.waitForURL(/[?&]q=lucy/), page.getByLabel('Search').press('Enter')]);
  await page.getByRole('cell', { name: 'lucy', exact: true }).or(page.getByRole('link', { name: 'lucy', exact: true })).first().waitFor();

  await signOutUI(page);
  assert.deepEqual(page.consoleErrors, [], 'no console errors (CSP violations, script errors)');
  await page.context().close();
});

test('the new learner signs in, changes the one-time password, sees the dashboard, signs out', { timeout: 120000 }, async () => {
  assert.ok(learnerOtp, 'the previous test created the learner');
  const page = await newPage(browser, server);
  await signInUI(page, 'lucy', learnerOtp);
  assert.equal(pathOf(page), '/password');
  await changePasswordUI(page, learnerOtp, 'Paper-Moon-Island-77');
  const h1 = (await page.getByRole('heading', { level: 1 }).first().innerText()).trim();
  assert.ok(h1.length > 0, 'the dashboard has a heading');

  // A learner's navigation has no administration links, and the pages refuse her.
  const nav = mainNav(page);
  await nav.getByRole('link', { name: 'Dashboard', exact: true }).waitFor();
  for (const name of ['Users', 'Settings', 'Audit log']) {
    assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 0, `a learner sees no "${name}" link`);
  }
  const resp = await page.goto('/admin/users');
  assert.equal(resp.status(), 403, 'a learner gets 403 on /admin/users');
  await page.goto('/');

  const shot = `/tmp/lectern-dashboard-learner-${process.pid}.png`;
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`# screenshot: ${shot}`);
  await signOutUI(page);
  assert.deepEqual(page.consoleErrors, [], 'no console errors (CSP violations, script errors)');
  await page.context().close();
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  if (browser) { await browser.close(); browser = null; }
  assertCleanShutdown(server, await server.stop());
});
