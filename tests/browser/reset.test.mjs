// In a browser, with a local SMTP sink: "Forgot your password?" from the sign-in page, the
// link read from the message, a new password, signing in with it; the used link refused;
// "Cannot sign in?"; and "log in as" with its banner and the way back, audited, and its end
// when the administrator behind it is suspended.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD, assertCleanShutdown } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav } from '../lib/browser.mjs';
import { startSmtpSink, linkIn } from '../lib/smtp.mjs';

let server;
let browser;
let sink;
let admin;
const PW = 'Cobalt-River-Stone-19';
const NEW_PW = 'Juniper-Atlas-Ember-63';
before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  browser = await launchBrowser();
  admin = await adminToken(server);
  const r = await api(server, 'PATCH', '/api/v1/settings/mail', {
    token: admin, body: { smtp_host: '127.0.0.1', smtp_port: sink.port, from_address: 'training@example.org', site_url: server.url },
  });
  assert.equal(r.status, 200, show(r));
  await api(server, 'PATCH', '/api/v1/settings/signin-help', { token: admin, body: { contact_text: 'The training team\nextension 4321' } });
  await createUser(server, { username: 'leo', email: 'leo@example.org', first_name: 'Leo', last_name: 'Lyon', roles: ['learner'], password: PW }, admin);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (sink) await sink.stop();
});

let usedLink;

test('forgot password end to end: the link from the message, a new password, sign in', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await page.goto('/signin');
  await submit(page, () => page.getByRole('link', { name: 'Forgot your password?' }).click());
  assert.equal(pathOf(page), '/forgot-password');
  await page.getByLabel('Username or email address').fill('leo@example.org');
  await submit(page, () => page.getByRole('button', { name: 'Send me a link' }).click());
  const status = page.getByRole('status');
  await status.first().waitFor();
  assert.match(await status.first().innerText(), /If an account matches/);

  const msg = await sink.waitFor((m) => (m.to || '').includes('leo@example.org'), { what: 'the reset message' });
  const link = linkIn(msg);
  assert.ok(link, msg.text);
  usedLink = link.url;

  await page.goto(link.url);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  // A password the policy refuses first: the page says why and keeps the link.
  await page.getByLabel('New password', { exact: true }).fill('leo-leo-leo-leo');
  await page.getByLabel('Confirm new password').fill('leo-leo-leo-leo');
  await submit(page, () => page.getByRole('button', { name: 'Save the password' }).click());
  await page.getByRole('alert').first().waitFor();
  assert.match(await page.getByRole('alert').first().innerText(), /username/);

  await page.getByLabel('New password', { exact: true }).fill(NEW_PW);
  await page.getByLabel('Confirm new password').fill(NEW_PW);
  await submit(page, () => page.getByRole('button', { name: 'Save the password' }).click());
  assert.equal(pathOf(page), '/signin', `after saving, the sign-in page; got ${page.url()}`);
  assert.match(await page.locator('main').innerText(), /new password is saved/);

  await signInUI(page, 'leo', NEW_PW);
  assert.equal(pathOf(page), '/', `signed in with the new password; got ${page.url()}`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('the used link shows that it no longer works, with a way to ask again', { timeout: 60000 }, async () => {
  const page = await newPage(browser, server);
  await page.goto(usedLink);
  await page.getByRole('heading', { name: 'This link does not work any more' }).waitFor();
  assert.equal(await page.getByLabel('New password', { exact: true }).count(), 0);
  await submit(page, () => page.getByRole('link', { name: 'Ask for a new link' }).click());
  assert.equal(pathOf(page), '/forgot-password');
  await page.context().close();
});

test('"Cannot sign in?" tells what to do and whom to contact', { timeout: 60000 }, async () => {
  const page = await newPage(browser, server);
  await page.goto('/signin');
  await submit(page, () => page.getByRole('link', { name: 'Cannot sign in?' }).click());
  assert.equal(pathOf(page), '/signin-help');
  await page.getByRole('heading', { name: 'Whom to contact' }).waitFor();
  const contact = await page.locator('#signin-help-contact').innerText();
  assert.match(contact, /The training team\s*\n\s*extension 4321/);
  await page.getByRole('link', { name: 'Forgot your password?' }).waitFor();
  await page.context().close();
});

test('log in as: the banner on every page, then back to the administrator; audited', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/users/leo');
  await page.getByRole('button', { name: 'Send reset link' }).waitFor();
  await submit(page, () => page.getByRole('button', { name: 'Log in as this user' }).click());
  assert.equal(pathOf(page), '/');
  const banner = page.getByRole('complementary', { name: 'Logged in as someone else' });
  await banner.waitFor();
  assert.match(await banner.innerText(), /You are signed in as Leo Lyon on behalf of \S+/);
  assert.match(await mainNav(page).innerText(), /Leo Lyon/);
  // On another page too; and the learner's rights, not the administrator's.
  await page.goto('/password');
  await banner.waitFor();
  const forbidden = await page.goto('/admin/users');
  assert.equal(forbidden.status(), 403);
  await banner.waitFor();
  const shot = `/tmp/lectern-impersonation-banner-${process.pid}.png`;
  await page.goto('/');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`# screenshot: ${shot}`);

  await submit(page, () => banner.getByRole('button', { name: 'return to your account' }).click());
  assert.equal(pathOf(page), '/admin/users/leo');
  assert.equal(await page.getByRole('complementary', { name: 'Logged in as someone else' }).count(), 0);
  await page.getByRole('button', { name: 'Log in as this user' }).waitFor();

  // The administrator page offers no "log in as" for an administrator.
  await page.goto('/admin/users/admin');
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Log in as this user' }).count(), 0);
  assert.deepEqual(page.consoleErrors.filter((e) => !/403/.test(e)), []);
  await page.context().close();

  const audit = await api(server, 'GET', '/api/v1/audit?limit=30', { token: admin });
  const actions = audit.json.items.map((e) => e.action);
  assert.ok(actions.includes('auth.impersonate_start'), actions.join(', '));
  assert.ok(actions.includes('auth.impersonate_end'), actions.join(', '));
});

test('log in as ends when its administrator is suspended: the next page is the sign-in page saying why', { timeout: 120000 }, async () => {
  await createUser(server, { username: 'hana', email: 'hana@example.org', first_name: 'Hana', last_name: 'Help', roles: ['admin'], password: PW }, admin);
  const page = await newPage(browser, server);
  await signInUI(page, 'hana', PW);
  await page.goto('/admin/users/leo');
  await submit(page, () => page.getByRole('button', { name: 'Log in as this user' }).click());
  await page.getByRole('complementary', { name: 'Logged in as someone else' }).waitFor();

  const r = await api(server, 'POST', '/api/v1/users/hana/suspend', { token: admin });
  assert.equal(r.status, 200, show(r));
  const landed = await page.goto('/profile');
  assert.equal(landed.status(), 200, 'a page, not an error');
  assert.equal(pathOf(page), '/signin');
  await page.getByText('The "log in as" session has ended because the administrator who started it is suspended.').waitFor();
  await page.getByLabel('Username').waitFor();
  // Signed out: the next page asks for a sign-in again, without the message.
  await page.goto('/profile');
  assert.equal(pathOf(page), '/signin');
  assert.equal(await page.getByText('The "log in as" session has ended').count(), 0);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('the administrator types a temporary password on the support page', { timeout: 60000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/users/leo');
  await page.getByLabel(/Temporary password/).fill('Temporary-Lantern-2024');
  await submit(page, () => page.getByRole('button', { name: 'Set temporary password' }).click());
  assert.match(await page.getByRole('status').first().innerText(), /temporary password is set/);
  await page.getByText('Must change password').first().waitFor();
  await page.context().close();
  const user = await newPage(browser, server);
  await signInUI(user, 'leo', 'Temporary-Lantern-2024');
  assert.equal(pathOf(user), '/password', 'the user must choose a new password first');
  await user.context().close();
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  if (browser) { await browser.close(); browser = null; }
  assertCleanShutdown(server, await server.stop());
});
