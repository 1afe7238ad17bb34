// In a browser, from an empty site (people and course made through the pages): a learner
// starts a thread with a photo attached, and a file whose bytes do not match its name is
// refused with the text she typed kept. The instructor sees the photo under the post, quotes
// the post with its Quote link (no script needed: the page fills the reply box) and replies;
// the quotation shows as a quotation. The photo opens for the course's people.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, adminToken } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean } from '../lib/browser.mjs';
import { makePersonUI, makeCourseUI, enrolUI } from '../lib/site_pages.mjs';

const PW = 'Cedar-Quote-Window-29';
const CODE = 'POST-1';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
let server, browser, lena, ian;

before(async () => {
  server = await startServer();
  await adminToken(server);
  browser = await launchBrowser();
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await makePersonUI(admin, 'lena', 'Lena', 'Learner', PW);
  await makePersonUI(admin, 'ian', 'Ian', 'Instructor', PW);
  await makeCourseUI(admin, CODE, 'Posting well');
  await enrolUI(admin, CODE, ['lena'], 'learner');
  await enrolUI(admin, CODE, ['ian'], 'instructor');
  lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  ian = await newPage(browser, server);
  await signInUI(ian, 'ian', PW);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a file attached to a post, a bad file refused, a post quoted', { timeout: 180000 }, async () => {
  await lena.goto(`/courses/${CODE}/forum`);
  await lena.getByLabel('Title', { exact: true }).fill('Rack damage');
  await lena.getByLabel('Text', { exact: true }).fill('Is this bent?\nSee the photo.');
  await lena.getByLabel('Attach a file (optional)').setInputFiles({ name: 'rack.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') });
  await submit(lena, () => lena.getByRole('button', { name: 'Start the thread' }).click());
  await lena.getByRole('alert').first().waitFor();
  assert.match(await lena.getByRole('alert').first().innerText(), /file/i);
  assert.equal(await lena.getByLabel('Text', { exact: true }).inputValue(), 'Is this bent?\nSee the photo.', 'the text is kept');
  assert.equal(await lena.getByLabel('Title', { exact: true }).inputValue(), 'Rack damage');
  await lena.getByLabel('Attach a file (optional)').setInputFiles({ name: 'rack.png', mimeType: 'image/png', buffer: PNG });
  await submit(lena, () => lena.getByRole('button', { name: 'Start the thread' }).click());
  assert.match(pathOf(lena), /^\/threads\/\d+$/);
  const link = lena.getByRole('link', { name: 'rack.png' });
  await link.waitFor();
  await expectClean(lena);

  await ian.goto(`/courses/${CODE}/forum`);
  await submit(ian, () => ian.getByRole('link', { name: 'Rack damage' }).click());
  const href = await ian.getByRole('link', { name: 'rack.png' }).getAttribute('href');
  const photo = await ian.request.get(href);
  assert.equal(photo.status(), 200);
  assert.equal(photo.headers()['content-type'], 'image/png');
  await submit(ian, () => ian.getByRole('link', { name: /^Quote: Lena Test/ }).click());
  const box = ian.getByLabel('Text', { exact: true });
  assert.equal(await box.inputValue(), '> **Lena Test** wrote:\n>\n> Is this bent?\n> See the photo.\n\n');
  await box.press('End');
  await box.pressSequentially('Yes: take it out of use.');
  await submit(ian, () => ian.getByRole('button', { name: 'Post the reply' }).click());
  const answer = ian.locator('article', { hasText: 'take it out of use' });
  await answer.locator('blockquote', { hasText: 'Is this bent?' }).waitFor();
  await expectClean(ian);

  const outsider = await newPage(browser, server);
  const refused = await outsider.request.get(href, { maxRedirects: 0 });
  assert.notEqual(refused.status(), 200, 'not for someone signed out');
});
