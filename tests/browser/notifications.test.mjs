// In a browser: a learner follows the bell to their notifications, chooses to receive
// announcements in Lectern instead of by e-mail; an administrator announces to the whole site
// with an e-mail, through the announcements page; the learner's bell shows 1, the line leads to
// the announcements, and marking it read empties the bell. Then the administrator rewrites the
// announcement's message from Settings, previews it with sample data, saves it and goes back to
// the built-in text. The learner's account is set up through the API: it is other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean, mainNav } from '../lib/browser.mjs';

const PW = 'Bell-Ringer-Password-7';
let server;
let browser;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  await createUser(server, { username: 'lena', first_name: 'Lena', last_name: 'Learner', email: 'lena@example.org', roles: ['learner'], password: PW }, admin);
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a learner turns announcements to Lectern, the bell shows one, they open it and mark it read', { timeout: 180000 }, async () => {
  const learner = await newPage(browser, server);
  await signInUI(learner, 'lena', PW);
  assert.equal(await learner.locator('#nav-bell-count').count(), 0, 'nothing unread yet');
  await submit(learner, () => learner.getByRole('link', { name: 'Notifications' }).click());
  assert.equal(pathOf(learner), '/notifications');
  await learner.getByText('Nothing here yet.').waitFor();
  await expectClean(learner);
  await submit(learner, () => learner.getByRole('link', { name: 'Choose which ones.' }).click());
  assert.equal(pathOf(learner), '/notifications/preferences');
  assert.equal(await learner.getByLabel('Announcement', { exact: true }).inputValue(), 'email');
  assert.equal(await learner.locator('#password_reset').innerText(), 'E-mail only');
  await learner.getByLabel('Announcement', { exact: true }).selectOption({ label: 'In Lectern' });
  await submit(learner, () => learner.getByRole('button', { name: 'Save choices' }).click());
  await learner.getByText('Your choices were saved.').waitFor();
  assert.equal(await learner.getByLabel('Announcement', { exact: true }).inputValue(), 'inapp');
  await expectClean(learner);

  // The administrator announces to everyone, with an e-mail, on the announcements page.
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await submit(admin, () => admin.getByRole('link', { name: 'Announcements' }).click());
  await admin.getByLabel('Title').fill('Fire drill on Friday');
  await admin.getByLabel('Text', { exact: true }).fill('Meet at the car park at 10:00.');
  await admin.getByLabel('Also email it to everyone it is for').check();
  await submit(admin, () => admin.getByRole('button', { name: 'Publish' }).click());
  await admin.getByText('Fire drill on Friday').first().waitFor();

  // The e-mail fan-out runs in the background: the bell rings on a later page.
  let count = 0;
  for (let i = 0; i < 60 && count === 0; i++) {
    await learner.goto('/');
    count = await learner.locator('#nav-bell-count').count();
    if (!count) await learner.waitForTimeout(250);
  }
  assert.equal(await learner.locator('#nav-bell-count').innerText(), '1');
  await submit(learner, () => learner.getByRole('link', { name: /Notifications/ }).click());
  assert.equal(pathOf(learner), '/notifications');
  await learner.getByText('Unread: 1').waitFor();
  await expectClean(learner);
  const line = learner.getByRole('link', { name: 'Announcement: Fire drill on Friday' });
  await submit(learner, () => line.click());
  assert.equal(pathOf(learner), '/announcements');
  await learner.getByText('Meet at the car park at 10:00.').first().waitFor();
  await learner.goBack();
  await learner.reload();
  await submit(learner, () => learner.getByRole('button', { name: 'Mark read: Announcement: Fire drill on Friday' }).click());
  await learner.getByText('Marked read.').waitFor();
  await learner.getByText('You have read them all.').waitFor();
  assert.equal(await learner.locator('#nav-bell-count').count(), 0, 'the bell is empty again');
  await expectClean(learner);
});

test('an administrator rewrites the announcement\'s message with a preview, then goes back to the built-in text', { timeout: 180000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await submit(page, () => mainNav(page).getByRole('link', { name: 'Settings' }).click());
  await submit(page, () => page.getByRole('link', { name: 'Messages', exact: true }).click());
  assert.equal(pathOf(page), '/admin/messages');
  await submit(page, () => page.getByRole('link', { name: 'Announcement', exact: true }).click());
  assert.equal(pathOf(page), '/admin/messages/announcement');
  await page.getByText('Sent to: the announcement\'s audience').waitFor();
  assert.equal(await page.locator('#preview-line').innerText(), 'Announcement: New first aid room');
  await expectClean(page);

  const text = 'Subject: News: {{{title}}}\n\nDear {{{first_name}}},\n\n{{{body}}}\n';
  await page.getByLabel('Text', { exact: true }).fill(text);
  await page.getByLabel('Line in Lectern').fill('News for {{{first_name}}}: {{{title}}}');
  await submit(page, () => page.getByRole('button', { name: 'Preview' }).click());
  assert.equal(await page.locator('#preview-subject').innerText(), 'News: New first aid room');
  assert.match(await page.locator('#preview-text').innerText(), /Dear Sam,\s+The first aid room has moved/);
  assert.equal(await page.locator('#preview-line').innerText(), 'News for Sam: New first aid room');
  await page.getByText('This message uses the built-in text.').waitFor();

  // A line that does not render: refused at its field, as typed.
  await page.getByLabel('Line in Lectern').fill('News: {{#title}}');
  await submit(page, () => page.getByRole('button', { name: 'Save', exact: true }).click());
  await page.locator('#error-summary').waitFor();
  assert.equal(await page.getByLabel('Line in Lectern').inputValue(), 'News: {{#title}}');
  assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), text);
  await page.getByText('This message uses the built-in text.').waitFor();

  await page.getByLabel('Line in Lectern').fill('News for {{{first_name}}}: {{{title}}}');
  await submit(page, () => page.getByRole('button', { name: 'Save', exact: true }).click());
  await page.getByText('This message uses your text.').waitFor();
  assert.equal(await page.getByLabel('Line in Lectern').inputValue(), 'News for {{{first_name}}}: {{{title}}}');
  await submit(page, () => page.getByRole('button', { name: 'Go back to the built-in text' }).click());
  await page.getByText('The message is back to its built-in text.').waitFor();
  assert.match(await page.getByLabel('Text', { exact: true }).inputValue(), /^Subject: \{\{\{t\.mail_msg\.announcement_subject\}\}\}/);
  assert.equal(await page.getByLabel('Line in Lectern').inputValue(), '{{{t.mail_msg.announcement_subject}}}: {{{title}}}');
  await expectClean(page);
});
