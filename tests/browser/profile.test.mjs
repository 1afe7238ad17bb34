// In a browser: a learner opens their profile from the navigation, changes name, time zone and
// language, sees a mistake kept at its field, sees where they are signed in, and signs out
// everywhere else, which ends their other browser's session at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createUser, api, show, signIn, assertCleanShutdown } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';

const PASSWORD = 'Quiet-Orchard-Lamp-62';
let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await createUser(server, { username: 'rosa', email: 'rosa@example.com', first_name: 'Rosa', last_name: 'Reed',
    roles: ['learner'], password: PASSWORD });
  await createUser(server, { username: 'bea', email: 'bea@example.com', roles: ['learner'], password: PASSWORD });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a learner edits their profile and signs out everywhere else', { timeout: 120000 }, async () => {
  const other = await signIn(server, 'rosa', PASSWORD); // another device, through the API
  const page = await newPage(browser, server);
  await signInUI(page, 'rosa', PASSWORD);
  await submit(page, () => mainNav(page).getByRole('link', { name: /Your profile/ }).click());
  assert.equal(pathOf(page), '/profile');
  await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), 'rosa@example.com');
  assert.deepEqual(await accessibilityProblems(page), []);

  // A mistake keeps what was typed and says what to fix at the field.
  await page.getByLabel('Last name', { exact: true }).fill('Rivers');
  await page.getByLabel('Email', { exact: true }).fill('rosa@example');
  await page.getByLabel('Time zone', { exact: true }).selectOption('Europe/Berlin');
  await submit(page, () => page.getByRole('button', { name: 'Save profile' }).click());
  assert.equal(await page.getByLabel('Last name', { exact: true }).inputValue(), 'Rivers');
  assert.equal(await page.getByLabel('Time zone', { exact: true }).inputValue(), 'Europe/Berlin');
  const email = page.getByLabel('Email', { exact: true });
  assert.match(await email.getAttribute('class'), /is-invalid/);

  await email.fill('rosa.rivers@example.com');
  await page.getByLabel('Language', { exact: true }).selectOption('en');
  await submit(page, () => page.getByRole('button', { name: 'Save profile' }).click());
  assert.equal(pathOf(page), '/profile', 'saved, the profile page again');
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor();
  assert.equal(await page.getByLabel('Last name', { exact: true }).inputValue(), 'Rivers');
  assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), 'rosa.rivers@example.com');
  assert.equal(await page.getByLabel('Time zone', { exact: true }).inputValue(), 'Europe/Berlin');
  assert.equal(await page.getByLabel('Language', { exact: true }).inputValue(), 'en');

  // Both sessions are listed; this one is marked.
  const sessions = page.getByRole('region', { name: 'Where you are signed in' });
  assert.equal(await sessions.getByRole('row').count(), 3, 'a header row and two sessions');
  await sessions.getByText('This browser').waitFor();
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: other })).status, 200);
  await submit(page, () => sessions.getByRole('button', { name: 'Sign out everywhere else' }).click());
  assert.equal(pathOf(page), '/profile');
  await page.getByRole('status').filter({ hasText: 'signed out everywhere else' }).waitFor();
  assert.equal(await sessions.getByRole('row').count(), 2, 'only this session is left');
  assert.equal((await api(server, 'GET', '/api/v1/me', { token: other })).status, 401, 'the other device is signed out');

  // The password change is one link away.
  await submit(page, () => page.getByRole('link', { name: 'Change password' }).click());
  assert.equal(pathOf(page), '/password');
  assert.deepEqual(page.consoleErrors, []);
});

test('a time zone the list does not offer, set elsewhere, is kept when the profile is saved', { timeout: 60000 }, async () => {
  const tok = await signIn(server, 'bea', PASSWORD);
  const set = await api(server, 'PATCH', '/api/v1/me', { token: tok, body: { timezone: 'Europe/Belfast' } });
  assert.equal(set.status, 200, show(set));
  const page = await newPage(browser, server);
  await signInUI(page, 'bea', PASSWORD);
  await page.goto('/profile');
  assert.equal(await page.getByLabel('Time zone', { exact: true }).inputValue(), 'Europe/Belfast');
  await submit(page, () => page.getByRole('button', { name: 'Save profile' }).click());
  const me = await api(server, 'GET', '/api/v1/me', { token: tok });
  assert.equal(me.json.timezone, 'Europe/Belfast');
  await page.context().close();
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  if (browser) { await browser.close(); browser = null; }
  const stopping = server;
  server = null;
  assertCleanShutdown(stopping, await stopping.stop());
});
