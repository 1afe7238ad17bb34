// In a browser, from an empty site (people and course made through the pages): the instructor
// makes the course's forum a questions-and-answers one and asks a question; a learner who has
// not answered sees only the question and a note, and after posting an answer sees the other
// learner's answer too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, adminToken } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean } from '../lib/browser.mjs';
import { makePersonUI, makeCourseUI, enrolUI } from '../lib/site_pages.mjs';

const PW = 'Willow-Answer-Lantern-41';
const CODE = 'QA-1';
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
  await makeCourseUI(admin, CODE, 'Hazard spotting');
  await enrolUI(admin, CODE, ['lena', 'omar'], 'learner');
  await enrolUI(admin, CODE, ['ian'], 'instructor');
  [lena, omar, ian] = await Promise.all([newPage(browser, server), newPage(browser, server), newPage(browser, server)]);
  await signInUI(lena, 'lena', PW);
  await signInUI(omar, 'omar', PW);
  await signInUI(ian, 'ian', PW);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function answer(page, thread, text) {
  await page.goto(thread);
  await page.getByLabel('Text', { exact: true }).fill(text);
  await submit(page, () => page.getByRole('button', { name: 'Post the reply' }).click());
}

test('in a questions-and-answers forum a learner answers before seeing the others', { timeout: 180000 }, async () => {
  await ian.goto(`/courses/${CODE}/forum`);
  await ian.getByLabel('Kind of forum').selectOption({ label: 'Questions and answers' });
  await submit(ian, () => ian.getByRole('button', { name: 'Save the kind' }).click());
  await ian.getByText('The forum\'s kind was saved.').waitFor();
  assert.equal(await ian.getByLabel('Kind of forum').inputValue(), 'qa');
  await expectClean(ian);
  await ian.getByLabel('Title', { exact: true }).fill('Name a hazard');
  await ian.getByLabel('Text', { exact: true }).fill('One you saw this week.');
  await submit(ian, () => ian.getByRole('button', { name: 'Start the thread' }).click());
  const thread = pathOf(ian);

  await answer(omar, thread, 'A wet floor by the dock.');
  await lena.goto(`/courses/${CODE}/forum`);
  await lena.getByText('Answer to see the replies').waitFor();
  await submit(lena, () => lena.getByRole('link', { name: 'Name a hazard' }).click());
  await lena.getByText('Post your own answer to see what the others replied.').waitFor();
  assert.equal(await lena.getByText('A wet floor by the dock.').count(), 0, 'Omar\'s answer is not shown yet');
  await expectClean(lena);
  await answer(lena, thread, 'A blocked fire exit.');
  await lena.locator('.post-body', { hasText: 'A wet floor by the dock.' }).waitFor();
  await lena.locator('.post-body', { hasText: 'A blocked fire exit.' }).waitFor();
  assert.equal(await lena.getByText('Post your own answer').count(), 0);
  await expectClean(lena);
});
