// In a browser: a manager opens Reports, runs the ready-made completion by department, reads
// the chart (an SVG with its values written out) and the table with its totals, and downloads
// the CSV; then builds a report of their own: enrolments, two columns, filtered to overdue, and
// sees only their reporting line. The people, courses and enrolments are set up through the API:
// they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, expectClean } from '../lib/browser.mjs';

const PW = 'Copper-Lantern-Field-31';
let server;
let browser;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  const call = async (token, method, path, body) => {
    const r = await api(server, method, path, { token, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  const ops = (await call(admin, 'POST', '/api/v1/departments', { name: 'Operations' })).department.id;
  const depot = (await call(admin, 'POST', '/api/v1/departments', { name: 'Depot', parent_id: ops })).department.id;
  const hr = (await call(admin, 'POST', '/api/v1/departments', { name: 'People team' })).department.id;
  await call(admin, 'POST', '/api/v1/courses', { code: 'FORK-1', title: 'Forklift safety', status: 'published' });
  const section = (await call(admin, 'POST', '/api/v1/courses/FORK-1/sections', { title: 'One' })).id;
  const page = (await call(admin, 'POST', '/api/v1/courses/FORK-1/activities', { section_id: section, kind: 'page', title: 'Read', body: 'x' })).activity.id;
  await createUser(server, { username: 'max', first_name: 'Max', last_name: 'Manager', roles: ['manager'], password: PW }, admin);
  for (const [username, dept, manager] of [['ana', ops, 'max'], ['ben', depot, 'max'], ['cy', hr, null]]) {
    await createUser(server, { username, first_name: username, last_name: 'Worker', roles: ['learner'], password: PW }, admin);
    await call(admin, 'PATCH', `/api/v1/users/${username}/profile`, manager ? { department_id: dept, manager } : { department_id: dept });
    await call(admin, 'POST', '/api/v1/courses/FORK-1/enrolments', { username, role: 'learner', due: '2020-06-30' });
  }
  const ana = (await call(null, 'POST', '/api/v1/sessions', { username: 'ana', password: PW })).token;
  await call(ana, 'GET', `/api/v1/courses/FORK-1/activities/${page}`);
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test("a manager reads completion by department with its chart, downloads it, and builds a report of their own", { timeout: 180000 }, async () => {
  const max = await newPage(browser, server);
  await signInUI(max, 'max', PW);
  await submit(max, () => mainNav(max).getByRole('link', { name: 'Reports' }).click());
  await expectClean(max);
  await submit(max, () => max.getByRole('link', { name: 'Completion by department' }).click());
  assert.equal(pathOf(max), '/reports/builder');
  const table = max.locator('#report-table');
  const rows = Object.fromEntries((await table.locator('tbody tr').allInnerTexts()).map((t) => t.split('\t')).map((c) => [c[0].trim(), c.slice(1).map((x) => x.trim())]));
  assert.deepEqual(rows['Operations'], ['2', '50.0%'], 'Operations holds the Depot under it');
  assert.deepEqual(rows['Operations / Depot'], ['1', '0.0%']);
  assert.equal(rows['People team'], undefined, 'nobody outside the reporting line');
  assert.match(await table.locator('tfoot').innerText(), /Total\s+2\s+50\.0%/);
  const chart = max.locator('svg.report-chart');
  assert.match(await chart.locator('title').textContent(), /Completion rate by Department/);
  assert.ok((await chart.locator('text.chart-value').allTextContents()).includes('50.0%'), 'values written on the chart');
  await expectClean(max);

  const [download] = await Promise.all([max.waitForEvent('download'), max.getByRole('link', { name: 'Download CSV' }).click()]);
  const csv = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  assert.match(csv, /^department,count,completion_rate\r\n/);
  assert.match(csv, /Operations,2,50\r\n/);
  // The browser turns the link into a download and reports the page's request as aborted.
  max.consoleErrors = max.consoleErrors.filter((e) => !/reports\/export.*ERR_ABORTED/.test(e));

  // A report of their own: overdue enrolments, username and course.
  await submit(max, () => max.getByRole('link', { name: 'Reports', exact: true }).first().click());
  await submit(max, () => max.getByRole('link', { name: 'Build a report' }).click());
  await max.getByLabel('Source').selectOption({ label: 'Enrolments' });
  await submit(max, () => max.getByRole('button', { name: 'Choose' }).click());
  await max.getByLabel('Username').check();
  await max.getByLabel('Course', { exact: true }).check();
  await max.getByLabel('Only with status').selectOption({ label: 'Overdue' });
  await submit(max, () => max.getByRole('button', { name: 'Run the report' }).click());
  const mine = await max.locator('#report-table tbody tr').allInnerTexts();
  assert.deepEqual(mine.map((t) => t.split('\t')[0].trim()), ['ben'], 'ana completed; cy is not in the line');
  await expectClean(max);
});
