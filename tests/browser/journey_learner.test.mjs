// The learner's journey, from an empty site and by clicking only: the administrator signs in
// with the one-time password and builds two published courses through the pages (one open to
// self-enrolment with a policy, a page, a link, a file and a quiz; one that needs approval).
// The learner then finds them in the catalogue, enrols, asks to join the other (which the
// administrator approves), works through every activity, takes the quiz (autosaved, resumed
// after a reload, submitted, reviewed), sees the course complete on the dashboard, and changes
// their time zone. The only address typed is /signin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, changePasswordUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';

let server;
let browser;
let admin;
let lena;
const ADMIN_PW = 'Quiet-Harbour-Lantern-71';
const PW = 'Amber-Falcon-Ridge-24';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function expectClean(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

const tab = async (page, code, name, path) => {
  await page.getByRole('navigation', { name: 'Course management' }).getByRole('link', { name, exact: true }).click();
  await page.waitForURL(`**/courses/${code}/${path}`);
};

/** Creates a published course from "Manage courses"; lands on its overview. */
async function newCourse(code, title, summary, { approval = false, policy = '' } = {}) {
  await mainNav(admin).getByRole('link', { name: 'Manage courses', exact: true }).click();
  await admin.getByRole('link', { name: 'New course' }).click();
  await admin.getByLabel('Code', { exact: true }).fill(code);
  await admin.getByLabel('Title', { exact: true }).fill(title);
  await admin.getByLabel('Summary', { exact: true }).fill(summary);
  await admin.getByLabel('Status', { exact: true }).selectOption('published');
  await admin.getByLabel('Learners may enrol themselves').check();
  if (approval) await admin.getByLabel(/^Self-enrolment needs approval/).check();
  if (policy) await admin.getByLabel('Course policy', { exact: true }).fill(policy);
  await submit(admin, () => admin.getByRole('button', { name: 'Create course' }).click());
  assert.equal(pathOf(admin), `/courses/${code}/manage`, await admin.locator('.alert').allInnerTexts().then(String));
}

test('the administrator builds two courses through the pages', { timeout: 120000 }, async () => {
  admin = await newPage(browser, server);
  await signInUI(admin, 'admin', server.adminPassword);
  await changePasswordUI(admin, server.adminPassword, ADMIN_PW);
  await admin.getByRole('link', { name: 'New user' }).first().click();
  await admin.getByLabel('Username', { exact: true }).fill('lena');
  await admin.getByLabel('Email', { exact: true }).fill('lena@example.com');
  await admin.getByLabel('First name', { exact: true }).fill('Lena');
  await admin.getByLabel('Last name', { exact: true }).fill('Larsen');
  await admin.getByRole('checkbox', { name: 'Learner', exact: true }).check();
  await admin.getByLabel('Password', { exact: true }).fill(PW);
  await submit(admin, () => admin.getByRole('button', { name: 'Create user' }).click());

  await newCourse('SAFE-1', 'Site safety', 'Hard hats, helmets and exits.', { policy: 'Wear a **helmet** on site.' });
  await tab(admin, 'SAFE-1', 'Content', 'manage/content');
  await admin.getByLabel('Section title', { exact: true }).last().fill('Week one');
  await submit(admin, () => admin.getByRole('button', { name: 'Add section' }).click());
  const add = async (kind, title, fill) => {
    await admin.getByLabel('Kind of activity').selectOption(kind);
    await admin.locator('#act-title').fill(title);
    if (fill) await fill();
    await submit(admin, () => admin.getByRole('button', { name: 'Add activity' }).click());
    assert.equal(pathOf(admin), '/courses/SAFE-1/manage/content', `${kind}: ${await admin.locator('.alert').allInnerTexts()}`);
  };
  await add('page', 'Welcome', () => admin.getByLabel('Page text or description (Markdown)').fill('Read **this** first.'));
  await add('link', 'Regulations', () => admin.getByLabel('Link address (for a link)').fill(`${server.url}/signin-help`));
  await add('file', 'Handbook', async () => {
    await admin.getByLabel('File (for a file: PDF, video, document)').setInputFiles({ name: 'handbook.pdf', mimeType: 'application/pdf', buffer: PDF });
    await admin.getByLabel('Learners may mark it done').check();
  });
  await add('quiz', 'Safety quiz');

  await tab(admin, 'SAFE-1', 'Question bank', 'questions');
  const questions = [
    ['Single choice', 'Exit', 'Which door is the fire exit?', async () => {
      await admin.getByLabel('Answer 1', { exact: true }).fill('Door A');
      await admin.getByLabel('Grade (%) 1', { exact: true }).fill('100');
      await admin.getByLabel('Answer 2', { exact: true }).fill('Door B');
    }],
    ['True or false', 'Lift', 'Use the lift in a fire.', () => admin.getByLabel('The statement is').selectOption('false')],
  ];
  for (const [type, title, text, fill] of questions) {
    await admin.getByRole('link', { name: 'New question' }).click();
    await admin.getByRole('link', { name: type, exact: true }).click();
    await admin.getByLabel('Name', { exact: true }).fill(title);
    await admin.getByLabel('Question text').fill(text);
    await fill();
    await submit(admin, () => admin.getByRole('button', { name: 'Create question' }).click());
    assert.equal(pathOf(admin), '/courses/SAFE-1/questions', `${type}: ${await admin.locator('.alert').allInnerTexts()}`);
  }
  await tab(admin, 'SAFE-1', 'Quizzes and results', 'manage/quizzes');
  await admin.getByRole('link', { name: 'Quiz settings: Safety quiz' }).click();
  await admin.getByLabel('Exit', { exact: true }).check();
  await admin.getByLabel('Lift', { exact: true }).check();
  await admin.getByLabel('Passing grade (%)').fill('50');
  await submit(admin, () => admin.getByRole('button', { name: 'Save settings' }).click());
  assert.match(await admin.locator('#quiz-summary').innerText(), /2 · 2 points/);

  await newCourse('LEAD-1', 'Leading teams', 'For new team leads.', { approval: true });
  await expectClean(admin);
});

test('the learner finds courses in the catalogue, enrols and asks to join', { timeout: 60000 }, async () => {
  lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await mainNav(lena).getByRole('link', { name: 'Courses', exact: true }).click();
  await lena.getByRole('link', { name: 'Site safety' }).waitFor();
  await lena.getByRole('link', { name: 'Leading teams' }).waitFor();
  await lena.getByLabel('Search courses').fill('helmets');
  await submit(lena, () => lena.getByRole('button', { name: 'Search', exact: true }).click());
  assert.equal(await lena.getByRole('link', { name: 'Leading teams' }).count(), 0, 'the search leaves out other courses');
  await expectClean(lena);
  await lena.getByRole('link', { name: 'Site safety' }).click();
  await submit(lena, () => lena.getByRole('button', { name: 'Enrol me' }).click());
  await lena.getByText('Enrolled', { exact: true }).first().waitFor();

  await lena.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: 'Course catalogue' }).click();
  await lena.getByRole('link', { name: 'Leading teams' }).click();
  await submit(lena, () => lena.getByRole('button', { name: 'Ask to join' }).click());
  await lena.locator('#enrol-pending').waitFor();
  await expectClean(lena);
});

test('the administrator approves the request by clicking', { timeout: 60000 }, async () => {
  await mainNav(admin).getByRole('link', { name: 'Requests', exact: true }).click();
  const row = admin.getByRole('row', { name: /Leading teams/ });
  await submit(admin, () => row.getByRole('button', { name: 'Approve' }).click());
  assert.equal(await admin.getByRole('row', { name: /Lena Larsen/ }).count(), 0);

  await mainNav(lena).getByRole('link', { name: 'Courses', exact: true }).click();
  await lena.getByRole('link', { name: 'Leading teams' }).click();
  await lena.getByText('Enrolled', { exact: true }).first().waitFor();
});

test('the learner acknowledges the policy and works through every activity', { timeout: 90000 }, async () => {
  await mainNav(lena).getByRole('link', { name: 'Dashboard', exact: true }).click();
  await lena.getByRole('link', { name: 'Site safety', exact: true }).first().click();
  await lena.getByRole('heading', { name: 'Course policy' }).waitFor();
  await submit(lena, () => lena.getByRole('button', { name: 'I have read and accept the policy' }).click());
  assert.equal(await lena.getByRole('heading', { name: 'Course policy' }).count(), 0);
  const progress = async () => Number(await lena.locator('#course-progress').getAttribute('value'));
  assert.equal(await progress(), 0);

  await lena.getByRole('link', { name: 'Welcome', exact: true }).click();
  await lena.getByText('Done', { exact: true }).first().waitFor();
  await lena.getByRole('link', { name: 'Back to the course' }).click();
  assert.equal(await progress(), 25);

  // The link points elsewhere (here a public page of the same site, so no network is needed).
  await lena.getByRole('link', { name: 'Regulations', exact: true }).click();
  await submit(lena, () => lena.getByRole('link', { name: 'Open the link' }).click());
  assert.equal(pathOf(lena), '/signin-help');
  await lena.goBack();
  await lena.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: 'Site safety' }).click();
  assert.equal(await progress(), 50);

  await lena.getByRole('link', { name: 'Handbook', exact: true }).click();
  await submit(lena, () => lena.getByRole('button', { name: 'Mark as done' }).click());
  assert.equal(pathOf(lena), '/courses/SAFE-1');
  assert.equal(await progress(), 75);
  await expectClean(lena);
});

test('the learner takes the quiz: autosave, resume after a reload, submit, review', { timeout: 90000 }, async () => {
  await lena.getByRole('link', { name: 'Safety quiz', exact: true }).click();
  await submit(lena, () => lena.getByRole('button', { name: 'Start the quiz' }).click());
  assert.match(pathOf(lena), /^\/attempts\/\d+$/);
  const question = (title) => lena.getByRole('group', { name: new RegExp(title) });
  const saved = lena.waitForResponse((r) => r.url().endsWith('/answers') && r.request().method() === 'PUT' && r.status() === 200);
  await question('Exit').getByLabel('Door A').check();
  await saved;
  await lena.locator('#quiz-save-status', { hasText: /^Saved at \d\d:\d\d:\d\d$/ }).waitFor();
  await lena.reload();
  assert.ok(await question('Exit').getByLabel('Door A').isChecked(), 'the saved answer is there after a reload');
  await question('Lift').getByLabel(/^false$/i).check();
  lena.once('dialog', (d) => d.accept());
  await submit(lena, () => lena.getByRole('button', { name: 'Submit' }).click());
  await lena.getByRole('heading', { name: 'Your attempt' }).waitFor();
  assert.match(await lena.locator('#attempt-score').innerText(), /100/);
  await expectClean(lena);
});

/** "7 Dec 2026, 14:05" → minutes since midnight. */
const clock = (text) => {
  const m = /(\d\d):(\d\d)/.exec(text);
  assert.ok(m, `a time in ${JSON.stringify(text)}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

test('the dashboard shows the course complete; times follow the learner\'s zone', { timeout: 60000 }, async () => {
  await mainNav(lena).getByRole('link', { name: 'Dashboard', exact: true }).click();
  const recent = lena.getByRole('list', { name: 'Recently completed' });
  await recent.getByRole('link', { name: 'Site safety' }).waitFor();
  const before = clock(await recent.locator('time').first().innerText());
  await expectClean(lena);

  await mainNav(lena).getByRole('link', { name: /Your profile/ }).click();
  await lena.getByLabel('Time zone', { exact: true }).selectOption('Asia/Tokyo');
  await lena.getByLabel('Language', { exact: true }).selectOption('en');
  await submit(lena, () => lena.getByRole('button', { name: 'Save profile' }).click());
  await lena.getByText('Your profile was saved.').waitFor();
  assert.equal(await lena.getByLabel('Time zone', { exact: true }).inputValue(), 'Asia/Tokyo');

  await mainNav(lena).getByRole('link', { name: 'Dashboard', exact: true }).click();
  const after = clock(await lena.getByRole('list', { name: 'Recently completed' }).locator('time').first().innerText());
  assert.equal((after - before + 24 * 60) % (24 * 60), 9 * 60, 'Tokyo is nine hours ahead of UTC');
  await expectClean(lena);
});
