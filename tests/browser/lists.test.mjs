// In a browser: the dashboards of an instructor, a manager and an administrator; the users list
// sorted, filtered and acted on in bulk; the audit log filtered to one person and paged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, adminToken, createUser, api } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, signInUI, accessibilityProblems } from '../lib/browser.mjs';

let server;
let browser;
let admin;
const PW = 'Amber-Falcon-Ridge-24';
const post = (p, body) => api(server, 'POST', p, { token: admin, body });
const patch = (p, body) => api(server, 'PATCH', p, { token: admin, body });

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  const people = [
    ['zoe.adams', 'Zoe', 'Adams', ['learner']], ['amy.young', 'Amy', 'Young', ['learner']],
    ['max.brown', 'Max', 'Brown', ['instructor', 'learner']], ['kim.lee', 'Kim', 'Lee', ['manager', 'learner']],
    ['ian.hill', 'Ian', 'Hill', ['learner']],
  ];
  for (const [username, first, last, roles] of people) {
    await createUser(server, { username, email: `${username}@example.com`, first_name: first, last_name: last, roles, password: PW }, admin);
  }
  await patch('/api/v1/users/zoe.adams/profile', { manager: 'kim.lee' });
  await patch('/api/v1/users/amy.young/profile', { manager: 'kim.lee' });
  await post('/api/v1/courses', { code: 'TEACH-1', title: 'Teaching one', status: 'published' });
  await post('/api/v1/courses/TEACH-1/enrolments', { username: 'max.brown', role: 'instructor' });
  await post('/api/v1/courses/TEACH-1/enrolments', { username: 'zoe.adams', due: '2001-01-01' });
  await post('/api/v1/courses/TEACH-1/enrolments', { username: 'amy.young' });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function expectAccessible(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

/** The usernames in the users table, top to bottom. */
async function listed(page) {
  return page.locator('table tbody tr a[href^="/admin/users/"]').allInnerTexts();
}

test("the instructor's dashboard shows the courses they teach with their numbers, not as training", { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'max.brown', PW);
  const teaching = page.getByRole('region', { name: 'Courses I teach' });
  const row = teaching.getByRole('row', { name: /Teaching one/ });
  await row.waitFor();
  assert.deepEqual(await row.getByRole('cell').allInnerTexts(), ['2', '0', '1', '0']);
  assert.equal(await page.getByText('You are not teaching any course yet').count(), 0);
  const training = page.getByRole('region', { name: 'My training' });
  assert.equal(await training.getByRole('link', { name: 'Teaching one' }).count(), 0, 'a course taught is not under My training');
  await expectAccessible(page);
});

test("the manager's dashboard counts the team and leads to it", { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'kim.lee', PW);
  const team = page.getByRole('region', { name: 'My team' });
  await team.getByText('People in your team: 2').waitFor();
  await submit(page, () => team.getByRole('link', { name: 'See your team' }).click());
  assert.deepEqual((await listed(page)).sort(), ['amy.young', 'zoe.adams']);
  await expectAccessible(page);
});

test("the administrator's dashboard gives the site at a glance and recent activity in words", { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  const card = page.getByRole('region', { name: 'Administration' });
  const figure = async (label) => (await card.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]').innerText()).trim();
  assert.equal(await figure('Active people'), '6');
  assert.equal(await figure('Courses'), '1');
  assert.equal(await figure('Enrolment requests waiting'), '0');
  assert.equal(await figure('Messages that could not be sent'), '0');
  await card.getByText(/enrolled people in course TEACH-1/).first().waitFor();
  assert.equal(await card.getByText(/user\.|user:\d/).count(), 0, 'no raw audit codes');
  await expectAccessible(page);
});

test('the users list sorts by a header click, reverses on a second, and filters by role and status', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/users');
  await submit(page, () => page.getByRole('link', { name: 'Username' }).click());
  assert.match(page.url(), /sort=username&dir=asc/);
  assert.deepEqual(await listed(page), ['admin', 'amy.young', 'ian.hill', 'kim.lee', 'max.brown', 'zoe.adams']);
  assert.equal(await page.getByRole('columnheader', { name: 'Username' }).getAttribute('aria-sort'), 'ascending');
  await submit(page, () => page.getByRole('link', { name: 'Username' }).click());
  assert.match(page.url(), /dir=desc/);
  assert.deepEqual(await listed(page), ['zoe.adams', 'max.brown', 'kim.lee', 'ian.hill', 'amy.young', 'admin']);

  await page.getByLabel('Role').selectOption({ label: 'Learner' });
  await page.getByLabel('Status').selectOption({ label: 'Active' });
  await submit(page, () => page.getByRole('button', { name: 'Apply' }).click());
  assert.match(page.url(), /sort=username/, 'the sort stays with the filters');
  assert.deepEqual(await listed(page), ['zoe.adams', 'max.brown', 'kim.lee', 'ian.hill', 'amy.young'], 'the administrator is no learner');
  await page.getByLabel('Role').selectOption({ label: 'Instructor' });
  await submit(page, () => page.getByRole('button', { name: 'Apply' }).click());
  assert.deepEqual(await listed(page), ['max.brown']);
  // The address is the bookmark: opening it again shows the same list.
  const again = await newPage(browser, server);
  await signInUI(again, 'admin', ADMIN_PASSWORD);
  await again.goto(page.url());
  assert.deepEqual(await listed(again), ['max.brown']);
  await expectAccessible(page);
});

test('a bulk suspend: tick people, review who is affected, confirm', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/users?sort=username');
  await page.getByRole('checkbox', { name: 'Select ian.hill' }).check();
  await page.getByRole('checkbox', { name: 'Select amy.young' }).check();
  await page.getByLabel('With the people selected').selectOption({ label: 'Suspend' });
  await submit(page, () => page.getByRole('button', { name: 'Review' }).click());
  await page.getByRole('heading', { name: 'Confirm the change' }).waitFor();
  const affected = page.getByRole('main').getByRole('listitem');
  assert.deepEqual((await affected.allInnerTexts()).map((t) => t.trim()).sort(), ['Amy Young (amy.young)', 'Ian Hill (ian.hill)']);
  await expectAccessible(page);
  await submit(page, () => page.getByRole('button', { name: 'Confirm' }).click());
  await page.getByRole('status').filter({ hasText: 'The people chosen are suspended' }).waitFor();
  await page.getByLabel('Status').selectOption({ label: 'Suspended' });
  await submit(page, () => page.getByRole('button', { name: 'Apply' }).click());
  assert.deepEqual(await listed(page), ['ian.hill', 'amy.young'], 'by name: Hill, then Young');
});

test('a bulk enrolment: select everyone on the page, name the course, confirm', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/users?role=manager&sort=username');
  await page.getByLabel('Select everyone on this page').check();
  assert.equal(await page.getByRole('checkbox', { name: 'Select kim.lee' }).isChecked(), true);
  await page.getByLabel('With the people selected').selectOption({ label: 'Enrol in a course' });
  await page.getByLabel('Course (to enrol)').selectOption({ label: 'Teaching one (TEACH-1)' });
  await submit(page, () => page.getByRole('button', { name: 'Review' }).click());
  await page.getByText('Kim Lee (kim.lee)').waitFor();
  await submit(page, () => page.getByRole('button', { name: 'Confirm' }).click());
  await page.getByRole('status').filter({ hasText: 'enrolled in the course' }).waitFor();
  const live = (await api(server, 'GET', '/api/v1/courses/TEACH-1/enrolments', { token: admin })).json.items.map((e) => e.username);
  assert.ok(live.includes('kim.lee'), JSON.stringify(live));
});

test('the audit log filtered to one person, in words, paged', { timeout: 120000 }, async () => {
  // Max signs in and out a few times: entries by one person.
  for (let i = 0; i < 4; i++) await api(server, 'POST', '/api/v1/sessions', { body: { username: 'max.brown', password: PW } });
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/audit?limit=3');
  await page.getByLabel('Who did it').fill('max.brown');
  await submit(page, () => page.getByRole('button', { name: 'Apply' }).click());
  const rows = page.locator('table tbody tr');
  const words = async () => rows.locator('td:nth-child(2)').allInnerTexts();
  const first = await words();
  assert.deepEqual(first, ['Max Brown signed in', 'Max Brown signed in', 'Max Brown signed in']);
  await expectAccessible(page);
  await submit(page, () => page.getByRole('link', { name: 'Older entries' }).click());
  const second = await words();
  assert.ok(second.length >= 1 && second.every((w) => w.startsWith('Max Brown')), JSON.stringify(second));
  assert.equal(await page.getByLabel('Who did it').inputValue(), 'max.brown', 'the filter stays');
  // The raw record is a click away.
  await rows.first().locator('summary').click();
  await rows.first().getByText('auth.signin').first().waitFor();
  await submit(page, () => page.getByRole('link', { name: 'Newer entries' }).click());
  assert.deepEqual(await words(), first);
});

test("a course's enrolments: sorted by due date, then a new due date for the people ticked", { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'max.brown', PW);
  // The instructor reaches the course's enrolments from the dashboard.
  await submit(page, () => page.getByRole('link', { name: /learners in Teaching one/ }).click());
  await page.getByRole('heading', { name: /Enrolments: Teaching one/ }).waitFor();
  await expectAccessible(page);
  await page.getByLabel('Course role').selectOption({ label: 'Learner' });
  await submit(page, () => page.getByRole('button', { name: 'Apply' }).click());
  await submit(page, () => page.getByRole('link', { name: 'Due' }).click());
  await submit(page, () => page.getByRole('link', { name: 'Due' }).click());
  assert.match(page.url(), /sort=due&dir=desc/);
  const people = async () => page.locator('table tbody tr td:nth-child(3)').allInnerTexts();
  assert.equal((await people())[0], 'zoe.adams', 'the one with a due date first, latest first');
  for (const u of await people()) await page.getByRole('checkbox', { name: `Select ${u}` }).check();
  await page.getByLabel('New due date').fill('2031-03-31');
  await submit(page, () => page.getByRole('button', { name: 'Review' }).click());
  await page.getByRole('heading', { name: 'Confirm the change to these enrolments' }).waitFor();
  await submit(page, () => page.getByRole('button', { name: 'Confirm' }).click());
  await page.getByRole('status').filter({ hasText: 'The due date is changed' }).waitFor();
  const rows = (await api(server, 'GET', '/api/v1/courses/TEACH-1/enrolments?role=learner', { token: admin })).json.items;
  assert.ok(rows.length >= 2 && rows.every((e) => e.due === '2031-03-31'), JSON.stringify(rows));
  await page.getByRole('row', { name: /zoe\.adams/ }).getByText('31 Mar 2031').waitFor(); // in the viewer's zone, in words
});
