// The instructor's journey, from an empty site and by clicking only: the administrator signs in
// with the one-time password, makes an instructor, two learners and a course and makes the
// instructor its instructor. The instructor then finds the course from the dashboard, builds its
// content, writes questions, makes the quiz, enrols the learners, grades an essay a learner
// submitted, reads the results, gives a learner an override and changes due dates. The only
// address typed is /signin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, changePasswordUI, mainNav, signOutUI, accessibilityProblems } from '../lib/browser.mjs';

let server;
let browser;
let admin;
let ivan;
const ADMIN_PW = 'Quiet-Harbour-Lantern-71';
const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'FIRE-1';
const TITLE = 'Fire safety';
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

const tab = async (page, name, path) => {
  await page.getByRole('navigation', { name: 'Course management' }).getByRole('link', { name, exact: true }).click();
  await page.waitForURL(`**/courses/${CODE}/${path}`);
};

test('the administrator sets the site up by clicking', { timeout: 90000 }, async () => {
  assert.ok(server.adminPassword, 'the first start shows a one-time password');
  admin = await newPage(browser, server);
  await signInUI(admin, 'admin', server.adminPassword);
  await changePasswordUI(admin, server.adminPassword, ADMIN_PW);

  for (const [username, role] of [['ivan', 'Instructor'], ['lena', 'Learner'], ['omar', 'Learner']]) {
    await admin.getByRole('link', { name: 'New user' }).first().click();
    await admin.getByLabel('Username', { exact: true }).fill(username);
    await admin.getByLabel('Email', { exact: true }).fill(`${username}@example.com`);
    await admin.getByLabel('First name', { exact: true }).fill(username[0].toUpperCase() + username.slice(1));
    await admin.getByLabel('Last name', { exact: true }).fill('Person');
    await admin.getByRole('checkbox', { name: role, exact: true }).check();
    await admin.getByLabel('Password', { exact: true }).fill(PW);
    await submit(admin, () => admin.getByRole('button', { name: 'Create user' }).click());
    await mainNav(admin).getByRole('link', { name: 'Dashboard', exact: true }).click();
  }

  await mainNav(admin).getByRole('link', { name: 'Manage courses', exact: true }).click();
  await admin.getByRole('link', { name: 'New course' }).click();
  await admin.getByLabel('Code', { exact: true }).fill(CODE);
  await admin.getByLabel('Title', { exact: true }).fill(TITLE);
  await submit(admin, () => admin.getByRole('button', { name: 'Create course' }).click());
  assert.equal(pathOf(admin), `/courses/${CODE}/manage`);

  await tab(admin, 'Settings', 'manage/settings');
  await admin.getByLabel('Status', { exact: true }).selectOption('published');
  await submit(admin, () => admin.getByRole('button', { name: 'Save', exact: true }).click());

  await tab(admin, 'Participants', 'manage/participants');
  await admin.getByLabel('Usernames', { exact: true }).fill('ivan');
  await admin.getByLabel('Course role', { exact: true }).selectOption({ label: 'Instructor' });
  await submit(admin, () => admin.getByRole('button', { name: 'Enrol', exact: true }).click());
  await admin.getByRole('cell', { name: /ivan Ivan Person/ }).waitFor();
  await expectClean(admin);
});

test('the instructor finds the course from the dashboard and builds its content', { timeout: 90000 }, async () => {
  ivan = await newPage(browser, server);
  await signInUI(ivan, 'ivan', PW);
  const teach = ivan.getByRole('region', { name: 'Courses I teach' });
  await teach.getByRole('link', { name: TITLE, exact: true }).click();
  await ivan.waitForURL(`**/courses/${CODE}`);
  await ivan.getByRole('link', { name: 'Manage course', exact: true }).click();
  await ivan.waitForURL(`**/courses/${CODE}/manage`);

  await tab(ivan, 'Content', 'manage/content');
  await ivan.getByLabel('Section title', { exact: true }).last().fill('Before the drill');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Add section' }).click());
  const kinds = await ivan.getByLabel('Kind of activity').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(kinds, ['page', 'file', 'link', 'quiz', 'session']);
  const add = async (kind, title, fill) => {
    await ivan.getByLabel('Kind of activity').selectOption(kind);
    await ivan.locator('#act-title').fill(title);
    if (fill) await fill();
    await submit(ivan, () => ivan.getByRole('button', { name: 'Add activity' }).click());
    assert.equal(pathOf(ivan), `/courses/${CODE}/manage/content`, `${kind} added: ${await ivan.locator('.alert').allInnerTexts()}`);
  };
  await add('page', 'Welcome', () => ivan.getByLabel('Page text or description (Markdown)').fill('Read **this** first.'));
  await add('file', 'Floor plan', () => ivan.getByLabel('File (for a file: PDF, video, document)').setInputFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: PDF }));
  await add('link', 'Regulations', () => ivan.getByLabel('Link address (for a link)').fill('https://example.com/rules'));
  await add('quiz', 'Drill quiz');
  const titles = () => ivan.getByRole('list', { name: 'Activities of Before the drill' }).getByRole('link').allInnerTexts();
  assert.deepEqual(await titles(), ['Welcome', 'Floor plan', 'Regulations', 'Drill quiz']);
  await submit(ivan, () => ivan.getByRole('button', { name: 'Move down: Welcome' }).click());
  await submit(ivan, () => ivan.getByRole('button', { name: 'Move up: Drill quiz' }).click());
  assert.deepEqual(await titles(), ['Floor plan', 'Welcome', 'Drill quiz', 'Regulations']);
  await expectClean(ivan);
});

test('the instructor writes questions and makes the quiz with the picker', { timeout: 120000 }, async () => {
  await tab(ivan, 'Question bank', 'questions');
  const questions = [
    ['Single choice', 'Exit', 'Which door is the fire exit?', async () => {
      await ivan.getByLabel('Answer 1', { exact: true }).fill('Door A');
      await ivan.getByLabel('Grade (%) 1', { exact: true }).fill('100');
      await ivan.getByLabel('Answer 2', { exact: true }).fill('Door B');
    }],
    ['True or false', 'Lift', 'Use the lift in a fire.', () => ivan.getByLabel('The statement is').selectOption('false')],
    ['Essay', 'Drill', 'Describe the last drill.', null],
  ];
  let first = true;
  for (const [type, title, text, fill] of questions) {
    await ivan.getByRole('link', { name: 'New question' }).click();
    await ivan.getByRole('link', { name: type, exact: true }).click();
    await ivan.getByLabel('Name', { exact: true }).fill(title);
    await ivan.getByLabel('Question text').fill(text);
    if (first) await ivan.getByLabel('Or a new category').fill('Fire');
    else await ivan.getByLabel('Category', { exact: true }).selectOption('Fire');
    if (fill) await fill();
    await submit(ivan, () => ivan.getByRole('button', { name: 'Create question' }).click());
    assert.equal(pathOf(ivan), `/courses/${CODE}/questions`, `${type}: ${await ivan.locator('.alert').allInnerTexts()}`);
    await ivan.getByRole('link', { name: title, exact: true }).waitFor();
    first = false;
  }

  await tab(ivan, 'Quizzes and results', 'manage/quizzes');
  await ivan.getByRole('link', { name: 'Quiz settings: Drill quiz' }).click();
  for (const q of ['Exit', 'Lift', 'Drill']) await ivan.getByLabel(q, { exact: true }).check();
  await ivan.getByLabel('Points for Drill').fill('2');
  await ivan.getByLabel('Attempts allowed').fill('1');
  await ivan.getByLabel('Time limit (minutes)').fill('30');
  await ivan.getByLabel('Passing grade (%)').fill('50');
  await expectClean(ivan);
  await submit(ivan, () => ivan.getByRole('button', { name: 'Save settings' }).click());
  assert.match(await ivan.locator('#quiz-summary').innerText(), /3 · 4 points/);
});

test('the instructor enrols the learners by hand and by a CSV upload', { timeout: 60000 }, async () => {
  await mainNav(ivan).getByRole('link', { name: 'Dashboard', exact: true }).click();
  await ivan.getByRole('region', { name: 'Courses I teach' }).getByRole('link', { name: TITLE, exact: true }).click();
  await ivan.getByRole('link', { name: 'Manage course', exact: true }).click();
  await tab(ivan, 'Participants', 'manage/participants');
  await ivan.getByLabel('Usernames', { exact: true }).fill('lena');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Enrol', exact: true }).click());
  await ivan.getByRole('cell', { name: /lena Lena Person/ }).waitFor();

  await ivan.getByLabel('CSV file of enrolments').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from('username,role\nomar,learner\n') });
  await submit(ivan, () => ivan.getByRole('button', { name: 'Preview' }).click());
  assert.match(await ivan.locator('#upload-summary').innerText(), /^1 to enrol/);
  await submit(ivan, () => ivan.getByRole('button', { name: 'Enrol these people' }).click());
  await ivan.getByRole('cell', { name: /omar Omar Person/ }).waitFor();
  await expectClean(ivan);
});

test('a learner takes the quiz by clicking, essay included', { timeout: 90000 }, async () => {
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await lena.getByRole('link', { name: TITLE, exact: true }).first().click();
  await lena.waitForURL(`**/courses/${CODE}`);
  await lena.getByRole('link', { name: 'Drill quiz' }).click();
  await submit(lena, () => lena.getByRole('button', { name: 'Start the quiz' }).click());
  const question = (title) => lena.getByRole('group', { name: new RegExp(title) });
  await question('Exit').getByLabel('Door A').check();
  await question('Lift').getByLabel(/^false$/i).check();
  await question('Drill').getByRole('textbox').fill('We left by door A in four minutes.');
  lena.once('dialog', (d) => d.accept());
  await submit(lena, () => lena.getByRole('button', { name: 'Submit' }).click());
  await lena.getByRole('heading', { name: 'Your attempt' }).waitFor();
  await signOutUI(lena);
  await lena.context().close();
});

test('the instructor grades the essay, reads the results and gives a learner an override', { timeout: 90000 }, async () => {
  await mainNav(ivan).getByRole('link', { name: 'Dashboard', exact: true }).click();
  const teach = ivan.getByRole('region', { name: 'Courses I teach' });
  await teach.getByRole('link', { name: '1', exact: true }).click(); // the attempt waiting for a grade
  await ivan.waitForURL(`**/courses/${CODE}/grading`);
  const item = ivan.locator('.grading-item').filter({ hasText: 'Lena Person' });
  await item.getByText('We left by door A in four minutes.').waitFor();
  await item.getByLabel(/^Mark/).fill('2');
  await item.getByLabel('Comment').fill('Clear and complete.');
  await expectClean(ivan);
  await submit(ivan, () => item.getByRole('button', { name: /^Save grade/ }).click());
  await ivan.locator('#grading-empty').waitFor();

  await tab(ivan, 'Quizzes and results', 'manage/quizzes');
  await ivan.getByRole('link', { name: 'Results: Drill quiz' }).click();
  const row = ivan.getByRole('row', { name: /Lena Person/ });
  await row.getByText('100%').waitFor();
  await expectClean(ivan);

  // The results page leads back to the quiz, where overrides are given.
  const crumbs = ivan.getByRole('navigation', { name: 'breadcrumb' });
  await crumbs.getByRole('link', { name: 'Drill quiz', exact: true }).click();
  await ivan.getByLabel('Learner', { exact: true }).selectOption({ label: 'Omar Person (omar)' });
  await ivan.getByLabel('Extra attempts').fill('1');
  await ivan.getByLabel('Extra minutes').fill('15');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Save override' }).click());
  await ivan.getByText('The override was saved.').waitFor();
});

test('the instructor sees progress and changes the learners\' due date from the enrolments list', { timeout: 60000 }, async () => {
  await ivan.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: TITLE, exact: true }).click();
  await ivan.getByRole('link', { name: 'Manage course', exact: true }).click();
  await tab(ivan, 'Participants', 'manage/participants');
  assert.match(await ivan.getByRole('row', { name: /lena Lena Person/ }).innerText(), /\b(2[5-9]|[3-9]\d|100)%/, 'the quiz moved Lena\'s progress');
  assert.match(await ivan.getByRole('row', { name: /omar Omar Person/ }).innerText(), /\b0%/);
  await ivan.getByRole('link', { name: 'Sort, filter and change due dates' }).click();
  await ivan.waitForURL(`**/courses/${CODE}/enrolments`);
  await ivan.getByLabel('Course role', { exact: true }).selectOption({ label: 'Learner' });
  await submit(ivan, () => ivan.getByRole('button', { name: 'Apply' }).click());
  await ivan.getByRole('checkbox', { name: 'Select lena' }).check();
  await ivan.getByRole('checkbox', { name: 'Select omar' }).check();
  await ivan.getByLabel('With the people selected').selectOption({ label: 'Change the due date' });
  await ivan.getByLabel('New due date').fill('2031-03-15');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Review' }).click());
  await submit(ivan, () => ivan.getByRole('button', { name: 'Confirm' }).click());
  await ivan.getByRole('link', { name: 'Back to participants' }).click();
  await ivan.waitForURL(`**/courses/${CODE}/manage/participants`);
  for (const who of [/lena Lena Person/, /omar Omar Person/]) {
    assert.match(await ivan.getByRole('row', { name: who }).innerText(), /15 Mar 2031/);
  }
  await expectClean(ivan);
});
