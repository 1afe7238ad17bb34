// In a browser: an administrator writes a process document for managers through the pages
// (first with no text, which the form refuses keeping the title), edits it twice, compares the
// first and the last revision, restores the first and attaches a file; a manager reads it with
// its file while a learner does not find it. The people are set up through the API: they are
// other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, expectClean } from '../lib/browser.mjs';

const PW = 'Slate-Meadow-Lantern-74';
let server, browser;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  for (const [username, role] of [['mona', 'manager'], ['lena', 'learner']]) {
    await createUser(server, { username, email: `${username}@example.com`, first_name: username[0].toUpperCase() + username.slice(1), last_name: 'Test', roles: [role], password: PW }, admin);
  }
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function save(page, body, note) {
  await page.getByLabel('Text', { exact: true }).fill(body);
  if (note) await page.getByLabel('What changed').fill(note);
  await submit(page, () => page.getByRole('button', { name: 'Save' }).click());
}

test('an administrator writes, edits, compares and restores a page; a manager reads it, a learner cannot', { timeout: 180000 }, async () => {
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await submit(admin, () => mainNav(admin).getByRole('link', { name: 'Process documents' }).click());
  await expectClean(admin);
  await submit(admin, () => admin.getByRole('link', { name: 'New page' }).click());
  await expectClean(admin);
  await admin.getByLabel('Title').fill('Enrolment checklist');
  await admin.getByLabel('Who may read it (administrators always may)').selectOption({ label: 'Managers' });
  await admin.getByLabel('Text', { exact: true }).fill(' ');
  await submit(admin, () => admin.getByRole('button', { name: 'Save' }).click());
  await admin.getByRole('alert').filter({ hasText: "Write the page's text." }).waitFor();
  assert.equal(await admin.getByLabel('Title').inputValue(), 'Enrolment checklist', 'the title is kept');

  await save(admin, '1. Check the course is published\n2. Upload the list\n3. Tell the manager');
  assert.equal(pathOf(admin), '/docs/enrolment-checklist');
  await admin.locator('#doc-body').getByText('Upload the list').waitFor();
  await expectClean(admin);

  for (const [body, note] of [['1. Check the course is published\n2. Preview the list, then enrol\n3. Tell the manager', 'Preview first'],
    ['1. Check the course is published\n2. Preview the list, then enrol\n3. Tell the manager\n4. Mark the request done', 'Requests']]) {
    await submit(admin, () => admin.getByRole('link', { name: 'Edit' }).click());
    await save(admin, body, note);
  }
  assert.match(await admin.locator('#doc-meta').innerText(), /Revision 3/);

  await submit(admin, () => admin.getByRole('link', { name: 'Revisions' }).click());
  await expectClean(admin);
  await admin.getByLabel('From revision').selectOption('1');
  await admin.getByLabel('To revision').selectOption('3');
  await submit(admin, () => admin.getByRole('button', { name: 'Compare' }).click());
  const diff = admin.locator('#doc-diff');
  assert.equal(await diff.locator('.diff-del').count(), 1);
  assert.equal(await diff.locator('.diff-add').count(), 2);
  assert.match(await diff.locator('.diff-del').innerText(), /Upload the list/);
  await expectClean(admin);

  await submit(admin, () => admin.getByRole('link', { name: 'Revisions' }).click());
  await submit(admin, () => admin.getByRole('button', { name: 'Restore 1' }).click());
  await admin.getByText('The old revision was restored as a new one.').waitFor();
  assert.match(await admin.locator('#doc-meta').innerText(), /Revision 4/);
  await admin.locator('#doc-body').getByText('Upload the list').waitFor();

  // A file attached to the page, as course files are.
  await admin.getByLabel('Attach a file').setInputFiles({ name: 'form-a.txt', mimeType: 'text/plain', buffer: Buffer.from('Form A: name, course, due date\n') });
  await submit(admin, () => admin.getByRole('button', { name: 'Attach', exact: true }).click());
  await admin.getByText('The file was attached.').waitFor();
  await admin.locator('#doc-files').getByRole('link', { name: 'form-a.txt' }).waitFor();
  await expectClean(admin);

  // The manager reads it from the documents' list, with its file.
  const mona = await newPage(browser, server);
  await signInUI(mona, 'mona', PW);
  await submit(mona, () => mainNav(mona).getByRole('link', { name: 'Process documents' }).click());
  await submit(mona, () => mona.getByRole('link', { name: 'Enrolment checklist' }).click());
  await mona.locator('#doc-body').getByText('Upload the list').waitFor();
  assert.equal(await mona.getByRole('link', { name: 'Edit' }).count(), 0, 'only administrators write');
  const file = await mona.request.get(server.url + (await mona.locator('#doc-files').getByRole('link', { name: 'form-a.txt' }).getAttribute('href')));
  assert.equal(file.status(), 200);
  assert.match(await file.text(), /Form A/);
  await expectClean(mona);

  // The learner does not see it listed, and its address is not found.
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await submit(lena, () => mainNav(lena).getByRole('link', { name: 'Process documents' }).click());
  assert.equal(await lena.getByRole('link', { name: 'Enrolment checklist' }).count(), 0);
  const r = await lena.goto(server.url + '/docs/enrolment-checklist');
  assert.equal(r.status(), 404);
});
