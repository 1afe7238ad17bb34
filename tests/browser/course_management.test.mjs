// In a browser, from an empty site: the administrator makes people, creates a draft course and
// finds it in the administrators' course list, builds its content on the content tab with one
// activity of every kind offered (reordered and moved between sections), enrols people by hand
// and by a CSV upload with a preview, writes one question of every type through the forms,
// makes the quiz with the picker and publishes the course. A learner then takes the quiz.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, adminToken } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';

let server;
let browser;
let admin;
const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'SAFE-1';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
before(async () => {
  server = await startServer();
  await adminToken(server); // the administrator's own password, as every suite sets it
  browser = await launchBrowser();
  admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function expectAccessible(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

const tab = async (name, path) => {
  await admin.getByRole('navigation', { name: 'Course management' }).getByRole('link', { name, exact: true }).click();
  await admin.waitForURL(`**/courses/${CODE}/${path}`);
};
const titlesIn = (section) => admin.getByRole('list', { name: `Activities of ${section}` }).getByRole('link').allInnerTexts();

test('the administrator makes the people', { timeout: 60000 }, async () => {
  for (const [username, role] of [['lena', 'Learner'], ['omar', 'Learner'], ['ivan', 'Instructor']]) {
    await admin.goto('/admin/users/new');
    await admin.getByLabel('Username', { exact: true }).fill(username);
    await admin.getByLabel('Email', { exact: true }).fill(`${username}@example.com`);
    await admin.getByLabel('First name', { exact: true }).fill(username);
    await admin.getByLabel('Last name', { exact: true }).fill('Person');
    await admin.getByRole('checkbox', { name: role, exact: true }).check();
    await admin.getByLabel('Password', { exact: true }).fill(PW);
    await submit(admin, () => admin.getByRole('button', { name: 'Create user' }).click());
  }
});

test('a new draft course is found in the course list and, on request, in the catalogue', { timeout: 60000 }, async () => {
  await mainNav(admin).getByRole('link', { name: 'Manage courses', exact: true }).click();
  await admin.waitForURL('**/admin/courses');
  await admin.getByRole('link', { name: 'New course' }).click();
  await admin.getByLabel('Code', { exact: true }).fill(CODE);
  await admin.getByLabel('Title', { exact: true }).fill('Site safety');
  await submit(admin, () => admin.getByRole('button', { name: 'Create course' }).click());
  assert.equal(pathOf(admin), `/courses/${CODE}/manage`);
  await expectAccessible(admin);

  await mainNav(admin).getByRole('link', { name: 'Manage courses', exact: true }).click();
  await admin.getByLabel('Status', { exact: true }).selectOption({ label: 'Draft' });
  await submit(admin, () => admin.getByRole('button', { name: 'Filter', exact: true }).click());
  const row = admin.getByRole('row', { name: /Site safety/ });
  await row.getByText('Draft').waitFor();
  assert.equal(await admin.getByRole('columnheader', { name: 'Title' }).getAttribute('aria-sort'), 'ascending');
  await submit(admin, () => admin.getByRole('link', { name: 'Title', exact: true }).click());
  assert.equal(await admin.getByRole('columnheader', { name: 'Title' }).getAttribute('aria-sort'), 'descending');
  assert.match(admin.url(), /status=draft/, 'sorting keeps the filter');
  await expectAccessible(admin);

  await admin.goto('/courses');
  assert.equal(await admin.getByRole('link', { name: 'Site safety' }).count(), 0, 'the catalogue hides drafts');
  await admin.getByLabel('Show drafts and archived courses').check();
  await submit(admin, () => admin.getByRole('button', { name: 'Search', exact: true }).click());
  await admin.getByRole('link', { name: 'Site safety' }).click();
  await admin.waitForURL(`**/courses/${CODE}`);
  assert.equal(await admin.getByText('ask your training administrator').count(), 0);
  await admin.getByRole('link', { name: 'Manage course', exact: true }).click();
  await admin.waitForURL(`**/courses/${CODE}/manage`);
});

test('content: sections, an activity of every kind offered, reordered and moved', { timeout: 90000 }, async () => {
  await tab('Content', 'manage/content');
  for (const title of ['Week one', 'Week two']) {
    await admin.getByLabel('Section title', { exact: true }).last().fill(title);
    await submit(admin, () => admin.getByRole('button', { name: 'Add section' }).click());
  }
  const kinds = await admin.getByLabel('Kind of activity').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(kinds, ['page', 'file', 'link', 'quiz', 'session'], 'the kinds come from the kinds table');
  const add = async (kind, title, fill, section = 'Week one') => {
    await admin.getByLabel('Section', { exact: true }).selectOption({ label: section });
    await admin.getByLabel('Kind of activity').selectOption(kind);
    await admin.locator('#act-title').fill(title);
    if (fill) await fill();
    await submit(admin, () => admin.getByRole('button', { name: 'Add activity' }).click());
    assert.equal(pathOf(admin), `/courses/${CODE}/manage/content`, `${kind} added`);
  };
  await add('page', 'Welcome', () => admin.getByLabel('Page text or description (Markdown)').fill('Read **this** first.'));
  await add('file', 'Handbook', () => admin.getByLabel('File (for a file: PDF, video, document)').setInputFiles({ name: 'handbook.pdf', mimeType: 'application/pdf', buffer: PDF }));
  await add('link', 'Regulations', () => admin.getByLabel('Link address (for a link)').fill('https://example.com/rules'), 'Week two');
  await add('quiz', 'Safety quiz');
  assert.deepEqual(await titlesIn('Week one'), ['Welcome', 'Handbook', 'Safety quiz']);

  await submit(admin, () => admin.getByRole('button', { name: 'Move up: Handbook' }).click());
  assert.deepEqual(await titlesIn('Week one'), ['Handbook', 'Welcome', 'Safety quiz']);
  await admin.getByLabel('Move to section: Safety quiz').selectOption({ label: 'Week two' });
  await submit(admin, () => admin.getByRole('button', { name: 'Move: Safety quiz' }).click());
  assert.deepEqual(await titlesIn('Week one'), ['Handbook', 'Welcome']);
  assert.deepEqual(await titlesIn('Week two'), ['Regulations', 'Safety quiz']);
  await expectAccessible(admin);
});

test('participants: by hand, then a CSV upload previewed and committed', { timeout: 60000 }, async () => {
  await tab('Participants', 'manage/participants');
  await admin.getByLabel('Usernames', { exact: true }).fill('lena');
  await submit(admin, () => admin.getByRole('button', { name: 'Enrol', exact: true }).click());
  await admin.getByRole('cell', { name: /lena/ }).waitFor();

  const csv = Buffer.from('username,role\nomar,learner\nivan,instructor\n');
  await admin.getByLabel('CSV file of enrolments').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: csv });
  await submit(admin, () => admin.getByRole('button', { name: 'Preview' }).click());
  assert.match(await admin.locator('#upload-summary').innerText(), /^2 to enrol/);
  assert.equal(await admin.getByRole('cell', { name: /omar Person/ }).count(), 0, 'a preview writes nothing');
  await expectAccessible(admin);
  await submit(admin, () => admin.getByRole('button', { name: 'Enrol these people' }).click());
  assert.equal(pathOf(admin), `/courses/${CODE}/manage/participants`);
  await admin.getByRole('cell', { name: /omar Person/ }).waitFor();
  await admin.getByRole('cell', { name: /ivan Person/ }).waitFor();
});

// One question of every type, each through its own form.
const QUESTIONS = [
  ['Single choice', 'Exit', 'Which door is the fire exit?', async (p) => {
    await p.getByLabel('Answer 1', { exact: true }).fill('Door A');
    await p.getByLabel('Grade (%) 1', { exact: true }).fill('100');
    await p.getByLabel('Answer 2', { exact: true }).fill('Door B');
  }],
  ['Multiple answer', 'Kit', 'What belongs in a first aid kit?', async (p) => {
    await p.getByLabel('Answer 1', { exact: true }).fill('Plasters');
    await p.getByLabel('Grade (%) 1', { exact: true }).fill('50');
    await p.getByLabel('Answer 2', { exact: true }).fill('Gloves');
    await p.getByLabel('Grade (%) 2', { exact: true }).fill('50');
    assert.ok(await p.getByLabel('Answer 3', { exact: true }).isHidden(), 'empty rows wait behind "Add an answer"');
    await p.getByRole('button', { name: 'Add an answer' }).click();
    await p.getByLabel('Answer 3', { exact: true }).fill('Matches');
    await p.getByLabel('Grade (%) 3', { exact: true }).fill('-100');
  }],
  ['True or false', 'Lift', 'Use the lift in a fire.', (p) => p.getByLabel('The statement is').selectOption('false')],
  ['Short answer', 'Assembly', 'Where do we meet?', (p) => p.getByLabel('Answer 1', { exact: true }).fill('car park')],
  ['Numerical', 'Floors', 'How many floors has the building?', async (p) => {
    await p.getByLabel('Correct number 1', { exact: true }).fill('4');
    await p.getByLabel('Margin 1', { exact: true }).fill('0');
  }],
  ['Matching', 'Extinguishers', 'Match each extinguisher with its fire.', async (p) => {
    await p.getByLabel('Item 1', { exact: true }).fill('Water');
    await p.getByLabel('Matches 1', { exact: true }).fill('Paper');
    await p.getByLabel('Item 2', { exact: true }).fill('CO2');
    await p.getByLabel('Matches 2', { exact: true }).fill('Electrical');
  }],
  ['Essay', 'Drill', 'Describe the last drill.', null],
  ['Description', 'Intro', 'Read each question carefully.', null],
];

test('the question bank: one question of every type through the forms', { timeout: 120000 }, async () => {
  await tab('Question bank', 'questions');
  let first = true;
  for (const [type, title, text, fill] of QUESTIONS) {
    await admin.getByRole('link', { name: 'New question' }).click();
    await admin.getByRole('link', { name: type, exact: true }).click();
    await admin.getByRole('heading', { name: `New question: ${type}` }).waitFor();
    await admin.getByLabel('Name', { exact: true }).fill(title);
    await admin.getByLabel('Question text').fill(text);
    if (first) await admin.getByLabel('Or a new category').fill('Safety/Fire');
    else await admin.getByLabel('Category', { exact: true }).selectOption('Safety/Fire');
    if (fill) await fill(admin);
    if (first) await expectAccessible(admin);
    await submit(admin, () => admin.getByRole('button', { name: 'Create question' }).click());
    assert.equal(pathOf(admin), `/courses/${CODE}/questions`, `${type}: ${await admin.locator('.alert').allInnerTexts()}`);
    await admin.getByRole('link', { name: title, exact: true }).waitFor();
    first = false;
  }

  // A refused form comes back with what was written and says what to fix.
  await admin.getByRole('link', { name: 'New question' }).click();
  await admin.getByRole('link', { name: 'Single choice', exact: true }).click();
  await admin.getByLabel('Question text').fill('Which is right?');
  await admin.getByLabel('Answer 1', { exact: true }).fill('This one');
  await admin.getByLabel('Answer 2', { exact: true }).fill('That one');
  await submit(admin, () => admin.getByRole('button', { name: 'Create question' }).click());
  assert.equal(await admin.getByLabel('Answer 2', { exact: true }).inputValue(), 'That one');
  await admin.getByRole('alert').first().waitFor();

  // An existing question opens in its form with its answers.
  await admin.goto(`/courses/${CODE}/questions`);
  await admin.getByRole('link', { name: 'Kit', exact: true }).click();
  await admin.getByRole('link', { name: 'Edit with the form' }).click();
  assert.equal(await admin.getByLabel('Answer 3', { exact: true }).inputValue(), 'Matches');
  assert.equal(await admin.getByLabel('Grade (%) 3', { exact: true }).inputValue(), '-100');
});

test('the quiz from the picker, then the course is published', { timeout: 90000 }, async () => {
  await admin.goto(`/courses/${CODE}/manage`);
  await tab('Quizzes and results', 'manage/quizzes');
  await admin.getByRole('link', { name: 'Settings: Safety quiz' }).click();
  await admin.getByRole('heading', { name: /Quiz settings/ }).waitFor();
  const picker = admin.locator('#quiz-picker');
  assert.equal(await picker.getByText(/#\d/).count(), 0, 'no ids are shown');
  await admin.getByLabel('Find questions').fill('floors');
  assert.ok(await admin.getByLabel('Exit', { exact: true }).isHidden(), 'the search hides other rows');
  await admin.getByLabel('Floors', { exact: true }).check();
  await admin.getByLabel('Find questions').fill('');
  await admin.getByLabel('Lift', { exact: true }).check();
  await admin.getByLabel('Exit', { exact: true }).check();
  await admin.getByLabel('Points for Exit').fill('2');
  // The order is the rows' order: bring Exit to the top.
  for (let i = 0; i < 10; i++) await admin.getByRole('button', { name: 'Move up: Exit' }).click();
  const order = await picker.locator('tbody tr').evaluateAll((rows) => rows.filter((r) => r.querySelector('input[type=checkbox]').checked).map((r) => r.querySelector('label').textContent.trim()));
  assert.equal(order[0], 'Exit');
  await expectAccessible(admin);
  await submit(admin, () => admin.getByRole('button', { name: 'Save settings' }).click());
  assert.match(await admin.locator('#quiz-summary').innerText(), /3 · 4 points/);

  await admin.goto(`/courses/${CODE}/quizzes/${pathOf(admin).split('/').pop()}/settings`);
  const saved = await picker.locator('tbody tr').evaluateAll((rows) => rows.filter((r) => r.querySelector('input[type=checkbox]').checked).map((r) => r.querySelector('label').textContent.trim()));
  assert.deepEqual(saved, order, 'the settings page shows the quiz in its order');
  assert.equal(await admin.getByLabel('Points for Exit').inputValue(), '2');

  await admin.goto(`/courses/${CODE}/manage/settings`);
  await admin.getByLabel('Status', { exact: true }).selectOption('published');
  await submit(admin, () => admin.getByRole('button', { name: 'Save', exact: true }).click());
  assert.equal(pathOf(admin), `/courses/${CODE}/manage/settings`);
  await admin.getByText('Published').first().waitFor();
});

test('a learner sees only the learner\'s page and takes the quiz', { timeout: 90000 }, async () => {
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await lena.goto(`/courses/${CODE}`);
  await lena.getByRole('heading', { name: /Site safety/ }).waitFor();
  assert.equal(await lena.getByRole('link', { name: 'Manage course', exact: true }).count(), 0);
  assert.equal(await lena.getByRole('button', { name: 'Add activity' }).count(), 0);
  assert.equal((await lena.goto(`/courses/${CODE}/manage`)).status(), 403);
  await lena.goto(`/courses/${CODE}`);
  await lena.getByRole('link', { name: 'Safety quiz' }).click();
  await lena.getByRole('heading', { name: 'Safety quiz', level: 1 }).waitFor();
  await submit(lena, () => lena.getByRole('button', { name: 'Start the quiz' }).click());
  const question = (title) => lena.getByRole('group', { name: new RegExp(title) });
  await question('Exit').getByLabel('Door A').check();
  await question('Lift').getByLabel(/^false$/i).check();
  await question('Floors').getByRole('textbox').fill('4');
  lena.once('dialog', (d) => d.accept()); // "Submit the attempt? ..."
  await submit(lena, () => lena.getByRole('button', { name: 'Submit' }).click());
  await lena.getByRole('heading', { name: 'Your attempt' }).waitFor();
  await lena.goto(`/courses/${CODE}`);
  await lena.getByRole('link', { name: 'Safety quiz' }).click();
  assert.match(await lena.locator('#quiz-grade').innerText(), /100%/);
  await expectAccessible(lena);
});
