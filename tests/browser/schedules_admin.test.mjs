// In a browser: an administrator assigns a programme to a manager's reporting line, picking
// the manager by name, sees everyone below the manager assigned, and removes the rule through
// its confirm step, which says how many people it affects; and reads the schedule week by week,
// filtered by programme and job role, with a CSV of what it shows. People and courses are set up
// through the API: they are other tests' subject. Changes that affect people go through a
// confirm step: assigning a programme whose due date has passed, and removing a set someone is
// part-way through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean } from '../lib/browser.mjs';

const PW = 'Willow-Copper-Tide-83';
let server;
let browser;
let admin;

async function call(method, path, body) {
  const r = await api(server, method, path, { token: admin, body });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
  return r.json;
}

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  for (const [code, title] of [['FLR-1', 'Floor safety'], ['FLR-2', 'Forklifts']])
    await call('POST', '/api/v1/courses', { code, title, status: 'published' });
  for (const [username, first, roles] of [['bella', 'Bella', ['manager']], ['ivo', 'Ivo', ['manager']], ['jo', 'Jo', ['learner']]])
    await createUser(server, { username, email: `${username}@example.com`, first_name: first, last_name: 'Lund', roles, password: PW }, admin);
  await call('PATCH', '/api/v1/users/ivo/profile', { manager: 'bella' });
  await call('PATCH', '/api/v1/users/jo/profile', { manager: 'ivo' });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** A programme of one set of both courses, built on its pages. */
async function buildProgramme(page, code, title) {
  await page.goto(`${server.url}/admin/programmes`);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await submit(page, () => page.getByRole('button', { name: 'Add programme' }).click());
  await page.getByLabel('Floor safety (FLR-1)').check();
  await page.getByLabel('Forklifts (FLR-2)').check();
  await submit(page, () => page.getByRole('button', { name: 'Add set' }).click());
  await page.getByText('The course set was added.').waitFor();
}

test('a reporting line assigned by the manager\'s name, and the rule removed after its confirm step', { timeout: 180000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await buildProgramme(page, 'FLR', 'Floor induction');

  await page.getByLabel('Assign to').selectOption({ label: "A manager's reporting line" });
  await page.getByLabel('Manager (for their reporting line)').selectOption({ label: 'Bella Lund (bella)' });
  await submit(page, () => page.getByRole('button', { name: 'Assign', exact: true }).click());
  await page.getByText('The programme was assigned.').waitFor();
  assert.match(await page.locator('#rules').innerText(), /A manager's reporting line: Bella Lund \(bella\)/);
  const rows = page.locator('#assignments tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await page.locator('#assignments').innerText(), /Ivo Lund[\s\S]*Jo Lund|Jo Lund[\s\S]*Ivo Lund/);
  await expectClean(page);

  await submit(page, () => page.locator('#rules').getByRole('link', { name: /Remove/ }).click());
  await page.getByRole('heading', { name: 'Remove an assignment rule', level: 1 }).waitFor();
  const message = await page.locator('#confirm-message').innerText();
  assert.match(message, /A manager's reporting line: Bella Lund \(bella\)/);
  assert.match(message, /People affected: 2/);
  assert.match(message, /history stay/);
  await expectClean(page);
  // Cancelling changes nothing.
  await submit(page, () => page.getByRole('link', { name: 'Cancel' }).click());
  assert.equal(pathOf(page), '/admin/programmes/FLR');
  assert.equal(await rows.count(), 2);
  await submit(page, () => page.locator('#rules').getByRole('link', { name: /Remove/ }).click());
  await submit(page, () => page.getByRole('button', { name: 'Remove the rule' }).click());
  assert.equal(pathOf(page), '/admin/programmes/FLR');
  await page.getByText('The assignment rule was removed.').waitFor();
  assert.equal(await page.locator('#rules').count(), 0);
  await page.getByText('Nobody is assigned in this state.').waitFor();
});

test('the schedule: due week by week, overdue, filtered by job role, and its CSV', { timeout: 180000 }, async () => {
  const role = (await call('POST', '/api/v1/job-roles', { name: 'Forklift driver' })).job_role.id;
  await call('PATCH', '/api/v1/users/jo/profile', { job_role_id: role });
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await buildProgramme(page, 'FLR-W', 'Forklift week');
  await page.locator('details summary').click();
  await page.getByLabel('Due days after assignment').fill('10');
  await submit(page, () => page.locator('#programme-save').click());
  await page.getByText('The programme was saved.').waitFor();
  await page.getByLabel('Assign to').selectOption({ label: 'A job role' });
  await page.getByLabel('Job role', { exact: true }).selectOption({ label: 'Forklift driver' });
  await submit(page, () => page.getByRole('button', { name: 'Assign', exact: true }).click());
  await page.getByText('The programme was assigned.').waitFor();

  await submit(page, () => page.getByRole('link', { name: "This programme's schedule, week by week" }).click());
  assert.equal(pathOf(page), '/admin/schedule');
  await page.getByRole('heading', { name: 'Schedule', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Programme', { exact: true }).inputValue(), 'FLR-W');
  const weeks = page.locator('#schedule-weeks-list');
  assert.match(await weeks.innerText(), /Week 1:[^\n]*\(0\)[\s\S]*Week 2:[^\n]*\(1\)[\s\S]*Jo Lund · Forklift week/);
  await page.getByText('Nobody is overdue.').waitFor();
  await expectClean(page);

  // Every programme, only the job role's people, four weeks ahead.
  await page.getByLabel('Programme', { exact: true }).selectOption({ label: 'Every programme' });
  await page.getByLabel('Job role', { exact: true }).selectOption({ label: 'Forklift driver' });
  await page.getByLabel('Weeks ahead').fill('4');
  await submit(page, () => page.getByRole('button', { name: 'Show' }).click());
  assert.equal(await page.locator('#schedule-weeks-list h3').count(), 4);
  assert.match(await weeks.innerText(), /Week 2:[^\n]*\(1\)[\s\S]*Jo Lund/);
  const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  assert.equal(href, `/admin/schedule.csv?job_role_id=${role}&weeks=4`);
  const csv = await page.request.get(`${server.url}${href}`);
  assert.equal(csv.status(), 200);
  const lines = (await csv.text()).trim().split('\r\n');
  assert.equal(lines.length, 2);
  assert.match(lines[1], /^due,2,.*,FLR-W,Forklift week,jo,Jo Lund,/);
});

test('confirm steps: assigning after the due date, removing a set someone is part-way through', { timeout: 180000 }, async () => {
  const role = (await call('POST', '/api/v1/job-roles', { name: 'Loader' })).job_role.id;
  await call('PATCH', '/api/v1/users/jo/profile', { job_role_id: role });
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto(`${server.url}/admin/programmes`);
  await page.getByLabel('Code', { exact: true }).fill('LATE');
  await page.getByLabel('Title', { exact: true }).fill('Late loading');
  await page.getByLabel('Due date', { exact: true }).fill('2020-01-31');
  await submit(page, () => page.getByRole('button', { name: 'Add programme' }).click());
  for (const label of ['Floor safety (FLR-1)', 'Forklifts (FLR-2)']) {
    await page.getByLabel(label).check();
    await submit(page, () => page.getByRole('button', { name: 'Add set' }).click());
    await page.getByText('The course set was added.').waitFor();
  }

  // The due date has passed: the assignment waits for a confirmation, then is made.
  await page.getByLabel('Assign to').selectOption({ label: 'A job role' });
  await page.getByLabel('Job role', { exact: true }).selectOption({ label: 'Loader' });
  await submit(page, () => page.getByRole('button', { name: 'Assign', exact: true }).click());
  await page.getByRole('heading', { name: 'Assign after the due date', level: 1 }).waitFor();
  const message = await page.locator('#confirm-message').innerText();
  assert.match(message, /2020-01-31, has passed[\s\S]*People affected: 1[\s\S]*shown as overdue/);
  await expectClean(page);
  await submit(page, () => page.getByRole('button', { name: 'Assign anyway' }).click());
  assert.equal(pathOf(page), '/admin/programmes/LATE');
  await page.getByText('The programme was assigned.').waitFor();
  assert.match(await page.locator('#assignments tbody tr').innerText(), /Jo Lund[\s\S]*Overdue/);

  // Jo completes the first set's course; removing the second set says it affects her.
  const jo = await signIn(server, 'jo', PW);
  const section = (await call('POST', '/api/v1/courses/FLR-1/sections', { title: 'One' })).id;
  const activity = (await call('POST', '/api/v1/courses/FLR-1/activities', { section_id: section, kind: 'page', title: 'Read', body: 'Text' })).activity.id;
  const viewed = await api(server, 'GET', `/api/v1/courses/FLR-1/activities/${activity}`, { token: jo });
  assert.equal(viewed.status, 200, show(viewed));
  await page.reload();
  assert.match(await page.locator('#assignments tbody tr').innerText(), /Jo Lund[\s\S]*1 \/ 2/);
  await submit(page, () => page.locator('#sets > li').nth(1).getByRole('button', { name: 'Remove this set' }).click());
  await page.getByRole('heading', { name: 'Remove a course set', level: 1 }).waitFor();
  assert.match(await page.locator('#confirm-message').innerText(), /People affected: 1[\s\S]*completes the programme/);
  await expectClean(page);
  await submit(page, () => page.getByRole('button', { name: 'Remove the set' }).click());
  await page.getByText('The course set was removed.').waitFor();
  assert.equal(await page.locator('#sets > li').count(), 1);
  assert.match(await page.locator('#assignments tbody tr').innerText(), /Jo Lund[\s\S]*Complete/);
});
