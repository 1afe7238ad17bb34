// Automated accessibility checks (axe-core) on every page the foundation has, as a person
// with each role would reach them: no serious or critical violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, signInUI, accessibilityProblems, submit } from '../lib/browser.mjs';

let server;
let browser;
let page;

before(async () => {
  server = await startServer();
  const token = await adminToken(server);
  await createUser(server, { username: 'ada', email: 'ada@example.org', first_name: 'Ada', last_name: 'Byron',
    roles: ['learner'], password: 'Analytical-Engine-1843' }, token);
  browser = await launchBrowser();
  page = await newPage(browser, server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function check(path) {
  if (path) await page.goto(path);
  const problems = await accessibilityProblems(page);
  assert.deepEqual(problems, [], `accessibility problems on ${page.url()}`);
}

test('the sign-in page, also with an error shown', async () => {
  await check('/signin');
  await signInUI(page, 'admin', 'not-the-right-password');
  await check(null);
});

test('the administrator pages', async () => {
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  for (const path of ['/', '/admin/users', '/admin/users?q=ada', '/admin/users/new', '/admin/users/ada',
    '/admin/settings', '/admin/audit', '/password']) {
    await check(path);
  }
});

test('a form shown again with its error', async () => {
  await page.goto('/admin/users/new');
  await page.getByLabel('Username', { exact: true }).fill('ada');
  await page.getByLabel('Email', { exact: true }).fill('ada.again@example.org'); // the username is taken
  await submit(page, () => page.getByRole('button', { name: 'Create user' }).click());
  await page.getByRole('alert').first().waitFor();
  await check(null);
});
