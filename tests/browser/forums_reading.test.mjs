// In a browser, from an empty site: the administrator makes a learner and an instructor and a
// course through the pages. The learner starts two threads; the instructor replies. The
// learner's forum page shows how many posts are new in each thread; following a thread opens
// it at the first unread post, marked new, and afterwards the forum shows nothing unread.
// After more replies, "Mark all read" clears every thread at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, adminToken } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean } from '../lib/browser.mjs';
import { makePersonUI, makeCourseUI, enrolUI } from '../lib/site_pages.mjs';

const PW = 'Birch-Reading-Lamp-83';
const CODE = 'READ-1';
let server, browser, lena, ian;

before(async () => {
  server = await startServer();
  await adminToken(server); // the administrator's own password, as every suite sets it
  browser = await launchBrowser();
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await makePersonUI(admin, 'lena', 'Lena', 'Learner', PW);
  await makePersonUI(admin, 'ian', 'Ian', 'Instructor', PW);
  await makeCourseUI(admin, CODE, 'Reading rooms');
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

async function startThread(page, title, body) {
  await page.goto(`/courses/${CODE}/forum`);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Text', { exact: true }).fill(body);
  await submit(page, () => page.getByRole('button', { name: 'Start the thread' }).click());
}
async function replyTo(page, title, body) {
  await page.goto(`/courses/${CODE}/forum`);
  await submit(page, () => page.getByRole('link', { name: title }).click());
  await page.getByLabel('Text', { exact: true }).fill(body);
  await submit(page, () => page.getByRole('button', { name: 'Post the reply' }).click());
}
const row = (page, title) => page.getByRole('row', { name: new RegExp(title) });

test('unread posts are counted, opened at the first one, and marked read', { timeout: 180000 }, async () => {
  await startThread(lena, 'Lighting', 'Is the lighting enough?');
  await startThread(lena, 'Noise', 'Too loud in room 2.');
  await replyTo(ian, 'Lighting', 'We add lamps on Monday.');
  await replyTo(ian, 'Lighting', 'Lamps are in.');

  await lena.goto(`/courses/${CODE}/forum`);
  assert.match(await row(lena, 'Lighting').innerText(), /2 new/);
  assert.doesNotMatch(await row(lena, 'Noise').innerText(), /new/, 'her own thread has nothing new');
  await expectClean(lena);
  await submit(lena, () => lena.getByRole('link', { name: 'Lighting' }).click());
  assert.match(pathOf(lena), /^\/threads\/\d+$/);
  assert.equal(new URL(lena.url()).hash, '#unread');
  const fresh = lena.locator('article', { has: lena.locator('.badge', { hasText: 'new' }) });
  assert.deepEqual(await fresh.locator('.post-body').allInnerTexts(), ['We add lamps on Monday.', 'Lamps are in.']);
  await expectClean(lena);
  await lena.getByRole('link', { name: 'Discussions' }).last().click();
  await lena.waitForURL(`**/courses/${CODE}/forum`);
  assert.doesNotMatch(await row(lena, 'Lighting').innerText(), /new/);
  assert.equal(await lena.getByRole('button', { name: 'Mark all read' }).count(), 0, 'nothing to mark');

  await replyTo(ian, 'Lighting', 'Any better?');
  await replyTo(ian, 'Noise', 'Doors will be closed.');
  await lena.reload();
  assert.match(await row(lena, 'Lighting').innerText(), /1 new/);
  assert.match(await row(lena, 'Noise').innerText(), /1 new/);
  await submit(lena, () => lena.getByRole('button', { name: 'Mark all read' }).click());
  assert.equal(pathOf(lena), `/courses/${CODE}/forum`);
  await lena.getByText('Every thread here is marked read.').waitFor();
  assert.equal(await lena.getByText(/\d+ new/).count(), 0);
  await expectClean(lena);
});
