// The administrator's journey, from an empty site, by clicking only: the first sign-in with the
// one-time password, the site's name and time zone, the organisation, people made by hand and by
// an upload, a course built and published, enrolments by hand and by rule, the users list filtered,
// sorted and acted on, helping someone sign in, the audit log and the dashboard's numbers. After
// the sign-in page no address is typed: every step starts from a link or a button on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectSignInFailed, changePasswordUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';

let server;
let browser;
let page;
const ADMIN_PW = 'Granite-Orchard-Lantern-81';
const PW = 'Amber-Falcon-Ridge-24';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await newPage(browser, server);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function expectAccessible() {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

/** Follows a link of the site navigation. */
async function go(name) {
  await submit(page, () => mainNav(page).getByRole('link', { name, exact: true }).click());
}
const click = (role, name) => submit(page, () => page.getByRole(role, { name, exact: true }).click());
const flash = (text) => page.getByRole('status').filter({ hasText: text }).waitFor();
/** What a person reads is words: no raw translation key (such as "people.manager_help") and no
 *  template tag in the page's main part. */
const KEYS = Object.keys(JSON.parse(fs.readFileSync(path.join(repoRoot, 'locale', 'en.json'), 'utf8')));
async function expectWords() {
  const text = await page.locator('main').innerText();
  const raw = KEYS.filter((k) => new RegExp(`(^|[^\\w.])${k.replace(/\./g, '\\.')}($|[^\\w.])`).test(text));
  assert.deepEqual(raw, [], `raw translation keys on ${page.url()}`);
  assert.ok(!text.includes('{{'), `a template tag on ${page.url()}`);
}

/** Opens a person's page from the users list: search, then the username's link. */
async function openUser(username) {
  await go('Users');
  await page.getByLabel('Search').fill(username);
  await submit(page, () => page.getByLabel('Search').press('Enter'));
  await click('link', username);
  await page.getByRole('heading', { level: 1, name: new RegExp(username) }).waitFor();
}

test('the first sign-in with the one-time password, then a password of their own', { timeout: 60000 }, async () => {
  assert.ok(server.adminPassword, 'the first start shows a one-time password');
  await signInUI(page, 'admin', server.adminPassword);
  await changePasswordUI(page, server.adminPassword, ADMIN_PW);
});

test('the site name and time zone', { timeout: 60000 }, async () => {
  await go('Settings');
  await page.getByLabel('Site name').fill('Acme Academy');
  await page.getByLabel('Time zone').fill('Europe/Berlin');
  await submit(page, () => page.getByRole('region', { name: 'Branding' }).getByRole('button', { name: 'Save' }).click());
  await mainNav(page).getByRole('link', { name: 'Acme Academy' }).waitFor();
  assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/Berlin');
  await expectWords();
});

test('a department tree and job roles', { timeout: 60000 }, async () => {
  await go('Users');
  await click('link', 'Departments');
  for (const [name, idnumber, parent] of [['Head office', 'HQ', null], ['Sales', 'SALES', 'Head office'], ['Support', 'SUP', 'Head office']]) {
    await page.getByLabel('Name', { exact: true }).first().fill(name);
    await page.getByLabel('ID number', { exact: true }).first().fill(idnumber);
    if (parent) await page.getByLabel('Inside', { exact: true }).first().selectOption({ label: parent });
    await click('button', 'Add');
    await page.getByRole('cell', { name: new RegExp(`^${name}`) }).first().waitFor();
  }
  await page.getByRole('cell', { name: /Head office \/ Sales/ }).waitFor();
  await expectWords();
  await expectAccessible();

  await submit(page, () => page.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: 'Users' }).click());
  await click('link', 'Job roles');
  for (const [name, idnumber] of [['Sales rep', 'REP'], ['Team lead', 'LEAD']]) {
    await page.getByLabel('Name', { exact: true }).first().fill(name);
    await page.getByLabel('ID number', { exact: true }).first().fill(idnumber);
    await click('button', 'Add');
    await page.getByRole('cell', { name, exact: true }).waitFor();
  }
  await expectWords();
});

const PEOPLE = [
  // username, first, last, role, department, job role, line manager
  ['mia.lead', 'Mia', 'Lead', 'Manager', 'Head office / Sales', 'Team lead', ''],
  ['ivan.teach', 'Ivan', 'Teach', 'Instructor', 'Head office', '', ''],
  ['lena.rep', 'Lena', 'Rep', 'Learner', 'Head office / Sales', 'Sales rep', 'mia.lead'],
  ['omar.rep', 'Omar', 'Rep', 'Learner', 'Head office / Support', '', 'mia.lead'],
];

test('people with their organisation and line manager', { timeout: 120000 }, async () => {
  for (const [username, first, last, role, department, jobRole, manager] of PEOPLE) {
    await go('Users');
    await click('link', 'New user');
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Email', { exact: true }).fill(`${username}@example.com`);
    await page.getByLabel('First name', { exact: true }).fill(first);
    await page.getByLabel('Last name', { exact: true }).fill(last);
    await page.getByRole('checkbox', { name: role, exact: true }).check();
    if (role !== 'Learner') await page.getByRole('checkbox', { name: 'Learner', exact: true }).check();
    await page.getByLabel('Password', { exact: true }).fill(PW);
    await click('button', 'Create user');
    await page.getByRole('heading', { level: 1, name: new RegExp(username) }).waitFor();
    await flash('The user was created.');
    await page.getByText('Active', { exact: true }).waitFor();

    const org = page.getByRole('region', { name: 'Organisation and profile' });
    await org.getByLabel('Department', { exact: true }).selectOption({ label: department });
    if (jobRole) await org.getByLabel('Job role', { exact: true }).selectOption({ label: jobRole });
    if (manager) {
      // The field suggests the managers by name: nobody has to look a username up.
      const offered = await org.locator('#org-manager-list option').evaluateAll((os) => os.map((o) => `${o.value} ${o.textContent}`));
      assert.deepEqual(offered, ['mia.lead Mia Lead']);
      await org.getByLabel('Line manager', { exact: true }).fill(manager);
    }
    await org.getByLabel('Phone', { exact: true }).fill('+49 30 1234567');
    await submit(page, () => org.getByRole('button').click());
    const facts = page.locator('#user-org');
    await facts.getByText(department.split(' / ').pop(), { exact: true }).waitFor();
    if (jobRole) await facts.getByText(jobRole, { exact: true }).waitFor();
    if (manager) await facts.getByRole('link', { name: manager }).waitFor();
    await expectWords();
  }
  await expectAccessible();
});

test('more people from a CSV upload, previewed then committed', { timeout: 120000 }, async () => {
  await go('Users');
  await click('link', 'Upload users');
  const csv = [
    'username,firstname,lastname,email,department,job_role,manager,password',
    `pia.rep,Pia,Rep,pia.rep@example.com,SALES,REP,mia.lead,${PW}`,
    `tom.desk,Tom,Desk,tom.desk@example.com,SUP,,,${PW}`,
  ].join('\n') + '\n';
  await page.getByLabel('CSV file').setInputFiles({ name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await click('button', 'Upload and preview');
  await page.getByRole('heading', { name: 'Preview: staff.csv' }).waitFor();
  const summary = (await page.locator('#import-summary').innerText()).replace(/\s+/g, ' ');
  assert.match(summary, /Rows: 2/);
  assert.match(summary, /Create: 2/);
  await expectWords();
  await click('button', 'Commit all rows');
  await page.getByRole('heading', { name: 'Uploaded: staff.csv' }).waitFor({ timeout: 60000 });
  assert.match(await page.locator('#import-written').innerText(), /Create: 2/);
  await expectWords();
  await click('link', 'Go to the users');
  await page.getByRole('link', { name: 'pia.rep', exact: true }).waitFor();
  await page.getByRole('link', { name: 'tom.desk', exact: true }).waitFor();
});

test('a category and a course, found as a draft, built and published', { timeout: 120000 }, async () => {
  await go('Manage courses');
  await click('link', 'Course categories');
  await page.getByLabel('Name', { exact: true }).fill('Sales skills');
  await click('button', 'Add');
  await page.getByRole('listitem').filter({ hasText: 'Sales skills' }).waitFor();
  await expectWords();

  await go('Manage courses');
  await click('link', 'New course');
  await page.getByLabel('Code', { exact: true }).fill('SELL-1');
  await page.getByLabel('Title', { exact: true }).fill('Selling well');
  await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Sales skills' });
  await click('button', 'Create course');
  await flash('The course was saved.');

  await go('Manage courses');
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Draft' });
  await click('button', 'Filter');
  const row = page.getByRole('row', { name: /Selling well/ });
  await row.getByText('Draft').waitFor();
  await submit(page, () => row.getByRole('link', { name: /Selling well/ }).first().click());
  await expectWords();

  const tab = (name) => submit(page, () => page.getByRole('navigation', { name: 'Course management' }).getByRole('link', { name, exact: true }).click());
  await tab('Content');
  for (const title of ['Getting started', 'Closing the deal']) {
    await page.getByLabel('Section title', { exact: true }).last().fill(title);
    await click('button', 'Add section');
  }
  await page.getByLabel('Section', { exact: true }).selectOption({ label: 'Getting started' });
  await page.getByLabel('Kind of activity').selectOption({ label: 'Page' });
  await page.locator('#act-title').fill('Welcome');
  await page.getByLabel('Page text or description (Markdown)').fill('Listen **first**, then sell.');
  await click('button', 'Add activity');
  assert.deepEqual(await page.getByRole('list', { name: 'Activities of Getting started' }).getByRole('link').allInnerTexts(), ['Welcome']);
  await expectWords();

  await tab('Settings');
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Published' });
  await click('button', 'Save');
  await page.getByText('Published').first().waitFor();
  await expectWords();
});

test('enrolments by hand and by a rule', { timeout: 120000 }, async () => {
  const tab = (name) => submit(page, () => page.getByRole('navigation', { name: 'Course management' }).getByRole('link', { name, exact: true }).click());
  await tab('Participants');
  // By hand, choosing people from a search rather than typing their usernames.
  await click('link', 'Search people and enrol');
  await page.getByLabel('Search people by name, username or email').fill('Rep');
  await click('button', 'Search');
  await page.getByRole('checkbox', { name: 'Select lena.rep' }).check();
  await page.getByRole('checkbox', { name: 'Select omar.rep' }).check();
  await click('button', 'Enrol selected');
  await flash('The people chosen were enrolled.');
  await expectWords();
  assert.equal(pathOf(page), '/courses/SELL-1/manage/participants', 'back on the participants tab');
  await page.getByRole('cell', { name: /Lena Rep/ }).waitFor();
  await page.getByRole('cell', { name: /Omar Rep/ }).waitFor();
  // And the instructor, by username.
  await page.getByLabel('Usernames', { exact: true }).fill('ivan.teach');
  await page.getByLabel('Course role', { exact: true }).selectOption({ label: 'Instructor' });
  await click('button', 'Enrol');
  await page.getByRole('cell', { name: /Ivan Teach/ }).waitFor();
  await expectWords();

  await tab('Enrolment rules');
  await page.getByLabel('Enrol', { exact: true }).selectOption({ label: 'Everyone in a department (and its sub-departments)' });
  await page.getByLabel('Department', { exact: true }).selectOption({ label: 'Head office / Sales' });
  await click('button', 'Add rule');
  await page.getByRole('listitem').filter({ hasText: 'Everyone in the department (and its sub-departments): Sales' }).waitFor();
  await expectWords();
  await tab('Participants');
  await page.getByRole('cell', { name: /Pia Rep/ }).waitFor(); // in Sales: enrolled by the rule
  await page.getByRole('cell', { name: /Mia Lead/ }).waitFor();
  await expectAccessible();
});

/** The usernames in the users table, top to bottom. */
const listed = () => page.locator('table tbody tr a[href^="/admin/users/"]').allInnerTexts();

test('the users list filtered, sorted, and a bulk action', { timeout: 120000 }, async () => {
  await go('Users');
  await page.getByLabel('Department').selectOption({ label: 'Sales' });
  await page.getByLabel('Role').selectOption({ label: 'Learner' });
  await click('button', 'Apply');
  assert.deepEqual((await listed()).sort(), ['lena.rep', 'mia.lead', 'pia.rep']);
  await submit(page, () => page.getByRole('link', { name: 'Username', exact: true }).click());
  await submit(page, () => page.getByRole('link', { name: 'Username', exact: true }).click());
  assert.equal(await page.getByRole('columnheader', { name: 'Username' }).getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await listed(), ['pia.rep', 'mia.lead', 'lena.rep'], 'sorted by username, last first');
  assert.equal(await page.getByLabel('Department').inputValue() !== '', true, 'the filter stays when sorting');
  await expectWords();

  // The Support team joins the course: choose them, then the course from a list.
  await page.getByLabel('Department').selectOption({ label: 'Support' });
  await page.getByLabel('Role').selectOption({ label: 'Any' });
  await click('button', 'Apply');
  assert.deepEqual((await listed()).sort(), ['omar.rep', 'tom.desk']);
  await page.getByLabel('Select everyone on this page').check();
  await page.getByLabel('With the people selected').selectOption({ label: 'Enrol in a course' });
  await page.getByLabel('Course (to enrol)').selectOption({ label: 'Selling well (SELL-1)' });
  await click('button', 'Review');
  await page.getByText('Tom Desk (tom.desk)').waitFor();
  await expectWords();
  await click('button', 'Confirm');
  await flash('The people chosen are enrolled in the course');

  // Tom left: suspend him from the list.
  await go('Users');
  await page.getByRole('checkbox', { name: 'Select tom.desk' }).check();
  await page.getByLabel('With the people selected').selectOption({ label: 'Suspend' });
  await click('button', 'Review');
  await page.getByRole('heading', { name: 'Confirm the change' }).waitFor();
  assert.deepEqual((await page.getByRole('main').getByRole('listitem').allInnerTexts()).map((t) => t.trim()), ['Tom Desk (tom.desk)']);
  await expectWords();
  await click('button', 'Confirm');
  await flash('The people chosen are suspended');
  await page.getByLabel('Status').selectOption({ label: 'Suspended' });
  await click('button', 'Apply');
  assert.deepEqual(await listed(), ['tom.desk']);
  await click('link', 'tom.desk');
  await page.getByText('Suspended', { exact: true }).waitFor();
  await click('button', 'Reactivate');
  await flash('The account is active again.');
  await click('button', 'Suspend');
  await flash('The account is suspended');
  await page.getByText('Suspended', { exact: true }).waitFor();
  await expectAccessible();
});

test('helping someone who cannot sign in: unlock, a reset link, a temporary password', { timeout: 120000 }, async () => {
  // Lena types a wrong password five times and is locked out.
  const lena = await newPage(browser, server);
  for (let i = 0; i < 5; i++) {
    await signInUI(lena, 'lena.rep', 'not-her-password');
    await expectSignInFailed(lena);
  }
  await openUser('lena.rep');
  await page.getByText('Locked', { exact: true }).waitFor();
  await click('button', 'Unlock');
  await flash('The account is unlocked');
  await page.getByText('Not locked', { exact: true }).waitFor();

  await click('button', 'Send reset link');
  await flash('A reset link is on its way');
  await page.getByRole('region', { name: 'Passwords and access' }).getByText(/Password reset link · not used yet · by admin/).waitFor();
  await expectWords();

  await page.getByLabel('Temporary password (the user must change it at the next sign-in)').fill('Temporary-Pass-123');
  await click('button', 'Set temporary password');
  await flash('The temporary password is set');
  await expectWords();

  await signInUI(lena, 'lena.rep', 'Temporary-Pass-123');
  await changePasswordUI(lena, 'Temporary-Pass-123', PW);
  await lena.context().close();
});

test("the audit log filtered to one person, in words", { timeout: 60000 }, async () => {
  await go('Audit log');
  await page.getByLabel('Who did it').fill('lena.rep');
  await click('button', 'Apply');
  const words = await page.locator('table tbody tr td:nth-child(2)').allInnerTexts();
  assert.ok(words.length >= 2, JSON.stringify(words));
  assert.ok(words.every((w) => w.includes('Lena Rep')), JSON.stringify(words));
  assert.ok(words.some((w) => /signed in/.test(w)), JSON.stringify(words));
  assert.ok(words.some((w) => /password/.test(w)), JSON.stringify(words));
  await expectWords();
  await expectAccessible();
});

test("the dashboard's overview numbers", { timeout: 60000 }, async () => {
  await go('Dashboard');
  const card = page.getByRole('region', { name: 'Administration' });
  const figure = async (label) => (await card.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]').innerText()).trim();
  // admin, mia, ivan, lena, omar, pia (tom is suspended)
  assert.equal(await figure('Active people'), '6');
  assert.equal(await figure('Courses'), '1');
  assert.equal(await figure('Enrolment requests waiting'), '0');
  await card.getByText(/Lena Rep/).first().waitFor();
  await expectWords();
  await expectAccessible();
});
