// In a browser: an administrator sets a programme's reminders on its page (and is told which
// field to fix when the days are not a list of numbers, keeping what was typed), follows the
// link to the messages, rewrites the "due soon" reminder's text with a preview rendered from
// sample data, is refused a text that does not render, saves, and goes back to the built-in
// text. The programme and its course are set up through the API: they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean } from '../lib/browser.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  const call = async (method, path, body) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  await call('POST', '/api/v1/courses', { code: 'FIRE-1', title: 'Fire safety', status: 'published' });
  await call('POST', '/api/v1/programmes', { code: 'FIRE', title: 'Fire wardens', sets: [{ courses: ['FIRE-1'] }], due: { days_after_assignment: 30 } });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a programme\'s reminders set on its page; a reminder\'s text rewritten with a preview, then reset', { timeout: 180000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto(`${server.url}/admin/programmes/FIRE`);
  const reminders = page.getByRole('region', { name: 'Reminders' });
  assert.equal(await reminders.getByLabel('Days before the due date').inputValue(), '14,7,1');
  assert.equal(await reminders.getByLabel('Tell the line manager after days overdue').inputValue(), '7');
  assert.equal(await reminders.getByLabel('Send a notice when the due date has passed').isChecked(), true);
  assert.equal(await reminders.getByLabel('Days before a certification expires').inputValue(), '60,30');

  // Days that are not numbers: the same page, the error at the field, the text kept.
  await reminders.getByLabel('Days before the due date').fill('10, soon');
  await submit(page, () => reminders.getByRole('button', { name: 'Save reminders' }).click());
  const summary = page.locator('#error-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /Give the days before the due date as up to 10 different numbers/);
  assert.equal(await page.getByLabel('Days before the due date').inputValue(), '10, soon');

  // The expiry warnings' days, refused the same way, the text kept.
  await page.getByLabel('Days before the due date').fill('10, 3');
  await page.getByLabel('Days before a certification expires').fill('45, never');
  await submit(page, () => page.getByRole('button', { name: 'Save reminders' }).click());
  assert.match(await page.locator('#error-summary').innerText(), /Give the days before a certification expires/);
  assert.equal(await page.getByLabel('Days before a certification expires').inputValue(), '45, never');
  await page.getByLabel('Days before a certification expires').fill('10, 45');
  await page.getByLabel('Tell the line manager after days overdue').fill('5');
  await page.getByLabel('Send a notice when the due date has passed').uncheck();
  await submit(page, () => page.getByRole('button', { name: 'Save reminders' }).click());
  await page.getByText('The reminders were saved.').waitFor();
  assert.equal(pathOf(page), '/admin/programmes/FIRE');
  assert.equal(await page.getByLabel('Days before the due date').inputValue(), '10,3');
  assert.equal(await page.getByLabel('Tell the line manager after days overdue').inputValue(), '5');
  assert.equal(await page.getByLabel('Send a notice when the due date has passed').isChecked(), false);
  assert.equal(await page.getByLabel('Days before a certification expires').inputValue(), '45,10');
  await expectClean(page);

  // The messages, from the reminders' section.
  await submit(page, () => page.getByRole('link', { name: 'Edit the messages\' texts' }).click());
  assert.equal(pathOf(page), '/admin/messages');
  await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
  await expectClean(page);
  await submit(page, () => page.getByRole('link', { name: 'Programme due soon (to the person)' }).click());
  assert.equal(pathOf(page), '/admin/messages/programme_due_soon');
  await page.getByText('This message uses the built-in text.').waitFor();
  assert.match(await page.locator('#preview-subject').innerText(), /^Training due soon: Induction/);
  assert.match(await page.locator('#preview-text').innerText(), /Hello Sam,[\s\S]*Induction \(IND\)[\s\S]*Due: 2027-01-31/);
  await expectClean(page);

  // A new text, previewed before saving: nothing is saved yet.
  const text = 'Subject: {{{programme_title}}} is due in {{{days}}} days\n\nDear {{{first_name}}}, please finish {{{programme_title}}} by {{{due}}}.\n';
  await page.getByLabel('Text', { exact: true }).fill(text);
  await submit(page, () => page.getByRole('button', { name: 'Preview' }).click());
  assert.equal(await page.locator('#preview-subject').innerText(), 'Induction is due in 7 days');
  assert.equal((await page.locator('#preview-text').innerText()).trim(), 'Dear Sam, please finish Induction by 2027-01-31.');
  assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), text);
  await page.getByText('This message uses the built-in text.').waitFor();

  // A text that does not render is refused at the editor, as typed.
  const broken = 'Subject: {{#days}} unclosed\n\nHello';
  await page.getByLabel('Text', { exact: true }).fill(broken);
  await submit(page, () => page.getByRole('button', { name: 'Save', exact: true }).click());
  await page.locator('#error-summary').waitFor();
  assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), broken);
  await page.getByText('This message uses the built-in text.').waitFor();

  await page.getByLabel('Text', { exact: true }).fill(text);
  await submit(page, () => page.getByRole('button', { name: 'Save', exact: true }).click());
  await page.getByText('The message\'s text was saved; messages from now on use it.').waitFor();
  await page.getByText('This message uses your text.').waitFor();
  assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), text);
  await submit(page, () => page.getByRole('link', { name: 'Messages' }).click());
  assert.match(await page.locator('#messages').innerText(), /Programme due soon \(to the person\)\s*Rewritten/);
  await page.goto(`${server.url}/admin/messages/programme_due_soon`);

  await submit(page, () => page.getByRole('button', { name: 'Go back to the built-in text' }).click());
  await page.getByText('The message is back to its built-in text.').waitFor();
  await page.getByText('This message uses the built-in text.').waitFor();
  assert.match(await page.getByLabel('Text', { exact: true }).inputValue(), /^Subject: \{\{\{t\.mail_msg\.programme_due_soon_subject\}\}\}/);
  await expectClean(page);
});
