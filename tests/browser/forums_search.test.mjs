// In a browser, from an empty site (people and course made through the pages): a learner
// searches the discussions from the forum page, in this forum and in all of hers, and follows
// a result to the post; a post the instructor hid is not found by her.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, adminToken } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean } from '../lib/browser.mjs';
import { makePersonUI, makeCourseUI, enrolUI } from '../lib/site_pages.mjs';

const PW = 'Aspen-Search-Meadow-72';
const CODE = 'FIND-1';
let server, browser, lena, ian;

before(async () => {
  server = await startServer();
  await adminToken(server);
  browser = await launchBrowser();
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await makePersonUI(admin, 'lena', 'Lena', 'Learner', PW);
  await makePersonUI(admin, 'ian', 'Ian', 'Instructor', PW);
  await makeCourseUI(admin, CODE, 'Ladders');
  await enrolUI(admin, CODE, ['lena'], 'learner');
  await enrolUI(admin, CODE, ['ian'], 'instructor');
  [lena, ian] = await Promise.all([newPage(browser, server), newPage(browser, server)]);
  await signInUI(lena, 'lena', PW);
  await signInUI(ian, 'ian', PW);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function startThread(page, path, title, body) {
  await page.goto(path);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Text', { exact: true }).fill(body);
  await submit(page, () => page.getByRole('button', { name: 'Start the thread' }).click());
}

test('a learner finds posts by their words and opens them', { timeout: 180000 }, async () => {
  await startThread(ian, `/courses/${CODE}/forum`, 'Ladder angles', 'Keep the ladder at one in four.');
  await ian.getByLabel('Text', { exact: true }).fill('Stepladders are different: lock the spreaders.');
  await submit(ian, () => ian.getByRole('button', { name: 'Post the reply' }).click());
  await ian.getByLabel('Text', { exact: true }).fill('Secret ladder gossip');
  await submit(ian, () => ian.getByRole('button', { name: 'Post the reply' }).click());
  const gossip = ian.locator('article', { hasText: 'Secret ladder gossip' });
  await submit(ian, () => gossip.getByRole('button', { name: 'Hide' }).click());
  await startThread(lena, '/forum', 'Ladders in the canteen?', 'Someone left a ladder by the canteen door.');

  await lena.goto(`/courses/${CODE}/forum`);
  await lena.getByLabel('Search the discussions for').fill('ladder');
  await submit(lena, () => lena.getByRole('button', { name: 'Search', exact: true }).click());
  assert.equal(pathOf(lena), '/forum/search');
  await lena.getByText('Posts found: 1', { exact: true }).waitFor();
  assert.equal(await lena.getByText('Secret ladder gossip').count(), 0, 'a hidden post is not found');
  await expectClean(lena);

  await lena.getByLabel('In', { exact: true }).selectOption({ label: 'All my forums' });
  await submit(lena, () => lena.getByRole('button', { name: 'Search', exact: true }).click());
  await lena.getByText('Posts found: 2', { exact: true }).waitFor();
  await lena.getByLabel('Search the discussions for').fill('stepladd spread');
  await submit(lena, () => lena.getByRole('button', { name: 'Search', exact: true }).click());
  await lena.getByText('Posts found: 1', { exact: true }).waitFor();
  await submit(lena, () => lena.getByRole('link', { name: 'Ladder angles' }).click());
  assert.match(pathOf(lena), /^\/threads\/\d+$/);
  assert.match(new URL(lena.url()).hash, /^#post-\d+$/);
  await lena.locator(`${new URL(lena.url()).hash} .post-body`, { hasText: 'lock the spreaders' }).waitFor();

  await lena.goto('/forum/search?q=zebra');
  await lena.getByText('Nothing matches every word.').waitFor();
  await expectClean(lena);
});
