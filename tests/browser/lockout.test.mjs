// In a browser: five wrong passwords make an account wait, and the page says how long; the
// administrator sees "Locked" and unlocks it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, adminToken, createUser, ADMIN_PASSWORD, assertCleanShutdown } from '../lib/server.mjs';
import {
  launchBrowser, newPage, submit, pathOf, signInUI, expectSignInFailed, changePasswordUI, signOutUI,
} from '../lib/browser.mjs';

let server;
let browser;
const PW = 'Crystal-Fern-Trail-24';
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // The administrator's password change and the learner come through the API; this suite is about the lockout.
  const admin = await adminToken(server);
  await createUser(server, { username: 'leo', email: 'leo@example.com', first_name: 'Leo', last_name: 'Lyon', roles: ['learner'], password: PW }, admin);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('five wrong passwords each show the alert; then even the right password is told to wait a minute', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  for (let i = 1; i <= 5; i++) {
    await signInUI(page, 'leo', `Wrong-Password-${i}`);
    await expectSignInFailed(page);
    assert.notEqual(pathOf(page), '/', `attempt ${i} did not sign in`);
  }
  await signInUI(page, 'leo', PW);
  const alert = page.getByRole('alert').first();
  await alert.waitFor();
  assert.match((await alert.innerText()).trim(),
    /^Too many failed sign-ins\. Wait 1 minute and try again, or choose a new password with “Forgot your password\?”\.$/);
  await page.getByLabel('Username', { exact: true }).waitFor();
  assert.notEqual(pathOf(page), '/', 'not signed in while waiting');
  // The password field is not refilled after a failure.
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
  await page.context().close();
});

test('the administrator sees "Locked" on the user page, clicks "Unlock"; the user then signs in', { timeout: 120000 }, async () => {
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  assert.equal(pathOf(admin), '/');
  await admin.goto('/admin/users/leo');
  await admin.getByRole('heading', { level: 1 }).first().waitFor();
  await admin.getByText(/\bLocked\b/).first().waitFor();
  for (const name of ['Unlock', 'Suspend', 'Reset password']) await admin.getByRole('button', { name, exact: true }).waitFor();
  // The recent sign-ins table lists the refused attempts.
  const table = admin.getByRole('table');
  await table.first().waitFor();
  const rows = await table.first().getByRole('row').count();
  assert.ok(rows >= 7, `a header row and at least six attempts, got ${rows} rows`);

  await submit(admin, () => admin.getByRole('button', { name: 'Unlock', exact: true }).click());
  if (pathOf(admin) !== '/admin/users/leo') await admin.goto('/admin/users/leo');
  const stillLocked = await admin.getByText(/\bLocked\b/).allInnerTexts();
  assert.deepEqual(stillLocked, [], `no longer shown as locked; page ${admin.url()}:\n${await admin.locator('main').innerText()}`);

  const user = await newPage(browser, server);
  await signInUI(user, 'leo', PW);
  let current = PW;
  if (pathOf(user) === '/password') {
    current = 'Misty-Valley-Drum-88';
    await changePasswordUI(user, PW, current);
  }
  assert.equal(pathOf(user), '/');
  await user.getByRole('heading', { level: 1 }).first().waitFor();
  const shot = `/tmp/lectern-dashboard-after-unlock-${process.pid}.png`;
  await user.screenshot({ path: shot, fullPage: true });
  console.log(`# screenshot: ${shot}`);
  await signOutUI(user);

  // Suspend through the page: the user cannot sign in; reactivate: she can.
  await admin.goto('/admin/users/leo');
  await submit(admin, () => admin.getByRole('button', { name: 'Suspend', exact: true }).click());
  if (pathOf(admin) !== '/admin/users/leo') await admin.goto('/admin/users/leo');
  await admin.getByRole('button', { name: 'Reactivate', exact: true }).waitFor();
  await signInUI(user, 'leo', current);
  if (pathOf(user) !== '/') await expectSignInFailed(user);
  else assert.fail('a suspended user signed in');
  await submit(admin, () => admin.getByRole('button', { name: 'Reactivate', exact: true }).click());

  const shotAdmin = `/tmp/lectern-admin-user-page-${process.pid}.png`;
  if (pathOf(admin) !== '/admin/users/leo') await admin.goto('/admin/users/leo');
  await admin.screenshot({ path: shotAdmin, fullPage: true });
  console.log(`# screenshot: ${shotAdmin}`);
  assert.deepEqual(admin.consoleErrors, [], 'no console errors on the admin pages');
  await admin.context().close();
  await user.context().close();
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  if (browser) { await browser.close(); browser = null; }
  assertCleanShutdown(server, await server.stop());
});
