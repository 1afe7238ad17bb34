// In a browser, from an empty site (people and courses made through the pages): a learner
// reports another learner's post with a reason (an empty reason is refused at the field); the
// instructor finds the count on the forum page, opens Reported posts, follows the report to the
// post, deletes it (a note stays for moderators, nothing for learners) and resolves the report.
// The instructor then moves a thread to the other course they teach and deletes another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, adminToken } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean } from '../lib/browser.mjs';
import { makePersonUI, makeCourseUI, enrolUI } from '../lib/site_pages.mjs';

const PW = 'Maple-Moderate-Harbour-64';
let server, browser, lena, omar, ian;

before(async () => {
  server = await startServer();
  await adminToken(server);
  browser = await launchBrowser();
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await makePersonUI(admin, 'lena', 'Lena', 'Learner', PW);
  await makePersonUI(admin, 'omar', 'Omar', 'Learner', PW);
  await makePersonUI(admin, 'ian', 'Ian', 'Instructor', PW);
  await makeCourseUI(admin, 'MOD-1', 'Warehouse safety');
  await makeCourseUI(admin, 'MOD-2', 'Loading bays');
  await enrolUI(admin, 'MOD-1', ['lena', 'omar'], 'learner');
  await enrolUI(admin, 'MOD-1', ['ian'], 'instructor');
  await enrolUI(admin, 'MOD-2', ['ian'], 'instructor');
  [lena, omar, ian] = await Promise.all([newPage(browser, server), newPage(browser, server), newPage(browser, server)]);
  await signInUI(lena, 'lena', PW);
  await signInUI(omar, 'omar', PW);
  await signInUI(ian, 'ian', PW);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function startThread(page, code, title, body) {
  await page.goto(`/courses/${code}/forum`);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Text', { exact: true }).fill(body);
  await submit(page, () => page.getByRole('button', { name: 'Start the thread' }).click());
}

test('a learner reports a post; the instructor deletes it and resolves the report', { timeout: 180000 }, async () => {
  await startThread(omar, 'MOD-1', 'Lunch', 'Buy cheap watches at my site');
  const thread = pathOf(omar);
  await lena.goto(thread);
  const post = lena.locator('article', { hasText: 'cheap watches' });
  await post.getByText('Report', { exact: true }).click();
  // An empty reason: the browser asks for it before sending (the server refuses it too, at the field).
  await post.getByRole('button', { name: 'Report it to the moderators' }).click();
  assert.equal(await post.getByLabel('What is wrong with it').evaluate((el) => el.validity.valueMissing), true);
  assert.equal(pathOf(lena), thread);
  await post.getByLabel('What is wrong with it').fill('Advertising, not about safety');
  await submit(lena, () => post.getByRole('button', { name: 'Report it to the moderators' }).click());
  await lena.getByText('Thank you: the moderators have your report.').waitFor();
  await expectClean(lena);

  await ian.goto('/courses/MOD-1/forum');
  assert.match(await ian.getByRole('row', { name: /Lunch/ }).innerText(), /1 reported/);
  await ian.getByRole('link', { name: 'Reported posts (1)' }).click();
  await ian.waitForURL('**/courses/MOD-1/forum/reports');
  const row = ian.getByRole('row', { name: /Advertising, not about safety/ });
  assert.match(await row.innerText(), /Lena Test/);
  await expectClean(ian);
  await submit(ian, () => row.getByRole('link', { name: 'Lunch' }).click());
  assert.equal(pathOf(ian), thread);
  const bad = ian.locator('article', { hasText: 'cheap watches' });
  await bad.getByText('Delete', { exact: true }).click();
  await submit(ian, () => bad.getByRole('button', { name: 'Delete this post for good' }).click());
  await ian.getByText('This post was deleted.').waitFor();
  assert.equal(await ian.getByText('cheap watches').count(), 0);
  await expectClean(ian);
  await ian.goto('/courses/MOD-1/forum/reports');
  await ian.getByText('No post here is waiting for a moderator.').waitFor();

  await lena.goto(thread);
  assert.equal(await lena.getByText('This post was deleted.').count(), 0, 'learners see nothing of it');
  assert.equal(await lena.getByText('cheap watches').count(), 0);
});

test('a report resolved by hand; a thread moved to another course and one deleted', { timeout: 180000 }, async () => {
  await startThread(lena, 'MOD-1', 'Bay doors', 'Who opens the bay doors?');
  const thread = pathOf(lena);
  await omar.goto(thread);
  const post = omar.locator('article', { hasText: 'bay doors' });
  await post.getByText('Report', { exact: true }).click();
  await post.getByLabel('What is wrong with it').fill('Belongs to the loading bays course');
  await submit(omar, () => post.getByRole('button', { name: 'Report it to the moderators' }).click());
  await ian.goto('/courses/MOD-1/forum/reports');
  await submit(ian, () => ian.getByRole('button', { name: /^Resolved: Bay doors/ }).click());
  await ian.getByText('The report was resolved.').waitFor();
  await ian.getByText('No post here is waiting for a moderator.').waitFor();

  await ian.goto(thread);
  await submit(ian, () => ian.getByRole('link', { name: 'Move', exact: true }).click());
  assert.equal(pathOf(ian), `${thread}/move`);
  await expectClean(ian);
  assert.equal(await ian.locator('#to option[value="MOD-1"]').isDisabled(), true, 'not where it is');
  await ian.getByLabel('To the forum of').selectOption({ label: 'Loading bays (MOD-2)' });
  await submit(ian, () => ian.getByRole('button', { name: 'Move the thread' }).click());
  assert.equal(pathOf(ian), thread);
  await ian.getByText('The thread was moved.').waitFor();
  await ian.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: 'Loading bays' }).waitFor();
  await ian.goto('/courses/MOD-2/forum');
  await ian.getByRole('link', { name: 'Bay doors' }).waitFor();
  await ian.goto('/courses/MOD-1/forum');
  assert.equal(await ian.getByRole('link', { name: 'Bay doors' }).count(), 0);

  await startThread(omar, 'MOD-1', 'Off topic', 'Anyone for football?');
  const other = pathOf(omar);
  await ian.goto(other);
  await ian.getByText('Delete the thread', { exact: true }).click();
  await submit(ian, () => ian.getByRole('button', { name: 'Delete the thread for good' }).click());
  assert.equal(pathOf(ian), '/courses/MOD-1/forum');
  await ian.getByText('The thread was deleted.').waitFor();
  assert.equal(await ian.getByRole('link', { name: 'Off topic' }).count(), 0);
  const gone = await omar.goto(other);
  assert.equal(gone.status(), 404);
});
