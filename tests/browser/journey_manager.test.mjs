// The manager's journey, from an empty site, by clicking only. An administrator first sets up a
// small organisation through the pages: a manager with two reports, a course of one page with
// the reports enrolled, and one report completes the page. The manager then signs in, sees the
// team on the dashboard, follows it to the team, opens a report's page and sees their progress,
// and finds no way into the administrators' pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, changePasswordUI, signOutUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';

let server;
let browser;
const ADMIN_PW = 'Granite-Orchard-Lantern-81';
const PW = 'Amber-Falcon-Ridge-24';

before(async () => {
  server = await startServer();
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
const go = (page, name) => submit(page, () => mainNav(page).getByRole('link', { name, exact: true }).click());
const click = (page, role, name) => submit(page, () => page.getByRole(role, { name, exact: true }).click());

/** Signs in with the password the administrator gave and expects the dashboard. */
async function signIn(page, username, password) {
  await signInUI(page, username, password);
  assert.equal(pathOf(page), '/', `${username} lands on the dashboard`);
}

test('the administrator sets up a team and a course through the pages', { timeout: 180000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', server.adminPassword);
  await changePasswordUI(page, server.adminPassword, ADMIN_PW);

  for (const [username, first, last, role, manager] of [
    ['kim.lee', 'Kim', 'Lee', 'Manager', ''],
    ['zoe.adams', 'Zoe', 'Adams', 'Learner', 'kim.lee'],
    ['amy.young', 'Amy', 'Young', 'Learner', 'kim.lee'],
    ['ian.hill', 'Ian', 'Hill', 'Learner', ''],
  ]) {
    await go(page, 'Users');
    await click(page, 'link', 'New user');
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Email', { exact: true }).fill(`${username}@example.com`);
    await page.getByLabel('First name', { exact: true }).fill(first);
    await page.getByLabel('Last name', { exact: true }).fill(last);
    await page.getByRole('checkbox', { name: role, exact: true }).check();
    await page.getByLabel('Password', { exact: true }).fill(PW);
    await click(page, 'button', 'Create user');
    await page.getByRole('heading', { level: 1, name: new RegExp(username) }).waitFor();
    if (manager) {
      const org = page.getByRole('region', { name: 'Organisation and profile' });
      await org.getByLabel('Line manager', { exact: true }).fill(manager);
      await submit(page, () => org.getByRole('button').click());
      await page.locator('#user-org').getByRole('link', { name: manager }).waitFor();
    }
  }

  await go(page, 'Manage courses');
  await click(page, 'link', 'New course');
  await page.getByLabel('Code', { exact: true }).fill('FIRE-1');
  await page.getByLabel('Title', { exact: true }).fill('Fire safety');
  await click(page, 'button', 'Create course');
  const tab = (name) => submit(page, () => page.getByRole('navigation', { name: 'Course management' }).getByRole('link', { name, exact: true }).click());
  await tab('Content');
  await page.getByLabel('Section title', { exact: true }).last().fill('The basics');
  await click(page, 'button', 'Add section');
  await page.getByLabel('Section', { exact: true }).selectOption({ label: 'The basics' });
  await page.getByLabel('Kind of activity').selectOption({ label: 'Page' });
  await page.locator('#act-title').fill('Fire exits');
  await page.getByLabel('Page text or description (Markdown)').fill('Know the **two** nearest exits.');
  await click(page, 'button', 'Add activity');
  await tab('Participants');
  await page.getByLabel('Usernames', { exact: true }).fill('zoe.adams amy.young ian.hill');
  await click(page, 'button', 'Enrol');
  await page.getByRole('cell', { name: /Amy Young/ }).waitFor();
  await tab('Settings');
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Published' });
  await click(page, 'button', 'Save');
  await page.getByText('Published').first().waitFor();
  await signOutUI(page);
  await page.context().close();
});

test('a report completes the course by reading its page', { timeout: 60000 }, async () => {
  const page = await newPage(browser, server);
  await signIn(page, 'zoe.adams', PW);
  await click(page, 'link', 'Fire safety');
  await click(page, 'link', 'Fire exits');
  await page.getByText('Know the two nearest exits.').waitFor();
  // A page is done once read: the course's only page completes the course.
  await page.getByRole('heading', { level: 1, name: /Fire exits/ }).getByText('Done').waitFor();
  await go(page, 'Dashboard');
  await page.getByRole('region', { name: 'My training' }).getByText('Recently completed').waitFor();
  await signOutUI(page);
  await page.context().close();
});

test('the manager sees the team, a report and their progress, and no administration', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signIn(page, 'kim.lee', PW);
  const team = page.getByRole('region', { name: 'My team' });
  await team.getByText('People in your team: 2').waitFor();
  await expectAccessible(page);

  const nav = mainNav(page);
  for (const name of ['Settings', 'Audit log', 'Manage courses']) {
    assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 0, `a manager is offered no "${name}"`);
  }

  await submit(page, () => team.getByRole('link', { name: 'See your team' }).click());
  const listed = await page.locator('table tbody tr a[href^="/admin/users/"]').allInnerTexts();
  assert.deepEqual(listed.sort(), ['amy.young', 'zoe.adams'], 'only the team, not everyone');
  assert.equal(await page.getByRole('link', { name: 'New user' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Upload users' }).count(), 0);
  assert.equal(await page.getByLabel('With the people selected').count(), 0, 'no bulk actions');
  assert.equal(await page.getByRole('navigation', { name: 'Organisation' }).count(), 0, 'no organisation pages');
  await expectAccessible(page);

  await click(page, 'link', 'zoe.adams');
  await page.getByRole('heading', { level: 1, name: /Zoe Adams/ }).waitFor();
  const training = page.getByRole('region', { name: 'Training' });
  const fire = training.getByRole('row', { name: /Fire safety/ });
  await fire.getByText('Completed').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Unlock' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Set temporary password' }).count(), 0);
  await expectAccessible(page);

  await page.goBack();
  await click(page, 'link', 'amy.young');
  await page.getByRole('region', { name: 'Training' }).getByRole('row', { name: /Fire safety/ }).getByText('0%').waitFor();

  // An administrators' page, reached anyway, says in words that it is not for them.
  const resp = await page.goto('/admin/settings');
  assert.equal(resp.status(), 403);
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.match(await page.locator('main').innerText(), /You do not have permission to do this/);
  // And someone outside the team is not shown.
  assert.equal((await page.goto('/admin/users/ian.hill')).status(), 404);
  assert.match(await page.locator('main').innerText(), /There is no user 'ian\.hill'/);
  await signOutUI(page);
});
