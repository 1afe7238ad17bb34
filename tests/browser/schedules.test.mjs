// In a browser: an administrator builds a programme of two course sets on the programme pages
// (the second opening when the first is complete), is told which field to fix when a set has
// no course, and assigns the programme to a job role; a learner in that role finds it on My plan
// (in the navigation and on the dashboard) with the next course and the due date, and follows
// the link to the course. People and courses are set up through the API: they are other tests'
// subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, expectClean } from '../lib/browser.mjs';

const PW = 'Amber-Falcon-Ridge-24';
let server;
let browser;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  const call = async (method, path, body) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  for (const [code, title] of [['SAF-1', 'Safety basics'], ['SAF-2', 'Ladders'], ['SAF-3', 'Hazards']])
    await call('POST', '/api/v1/courses', { code, title, status: 'published' });
  const role = (await call('POST', '/api/v1/job-roles', { name: 'Warehouse operative' })).job_role.id;
  await createUser(server, { username: 'wendy', email: 'wendy@example.com', first_name: 'Wendy', last_name: 'Stone', roles: ['learner'], password: PW }, admin);
  await call('PATCH', '/api/v1/users/wendy/profile', { job_role_id: role });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a programme of two sets built by clicking, assigned to a job role, on the learner\'s plan', { timeout: 180000 }, async () => {
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await mainNav(admin).getByRole('link', { name: 'Programmes', exact: true }).click();
  await admin.getByRole('heading', { name: 'Programmes', level: 1 }).waitFor();
  await admin.getByLabel('Code', { exact: true }).fill('WH-IND');
  await admin.getByLabel('Title', { exact: true }).fill('Warehouse induction');
  await admin.getByLabel('Due date', { exact: true }).fill('2031-06-30');
  await submit(admin, () => admin.getByRole('button', { name: 'Add programme' }).click());
  assert.equal(pathOf(admin), '/admin/programmes/WH-IND');
  await admin.getByText('The programme was saved.').waitFor();
  await admin.getByRole('heading', { name: 'Warehouse induction', level: 1 }).waitFor();
  await expectClean(admin);

  // A set without a course is refused on the same page, at the field to fix.
  await submit(admin, () => admin.getByRole('button', { name: 'Add set' }).click());
  const summary = admin.locator('#error-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /Choose at least one course for the set/);
  assert.equal(pathOf(admin), '/admin/programmes/WH-IND/sets');

  // The first set: both of two courses; the second: one course, after the first.
  await admin.getByLabel('Safety basics (SAF-1)').check();
  await admin.getByLabel('Ladders (SAF-2)').check();
  await submit(admin, () => admin.getByRole('button', { name: 'Add set' }).click());
  await admin.getByText('The course set was added.').waitFor();
  await admin.getByLabel('Hazards (SAF-3)').check();
  await admin.getByLabel('Opens when the set before it is complete').check();
  await submit(admin, () => admin.getByRole('button', { name: 'Add set' }).click());
  const sets = admin.locator('#sets > li');
  assert.equal(await sets.count(), 2);
  assert.match(await sets.nth(0).innerText(), /All of these courses[\s\S]*Safety basics[\s\S]*Ladders/);
  assert.match(await sets.nth(1).innerText(), /opens when the set before it is complete[\s\S]*Hazards/);

  // Assigned to the job role: Wendy holds it, so she is assigned at once.
  await admin.getByLabel('Assign to').selectOption({ label: 'A job role' });
  await admin.getByLabel('Job role', { exact: true }).selectOption({ label: 'Warehouse operative' });
  await submit(admin, () => admin.getByRole('button', { name: 'Assign', exact: true }).click());
  await admin.getByText('The programme was assigned.').waitFor();
  assert.match(await admin.locator('#rules').innerText(), /A job role: Warehouse operative/);
  const row = admin.locator('#assignments tbody tr');
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /Wendy Stone[\s\S]*Assigned[\s\S]*30 Jun 2031[\s\S]*0 \/ 3/);
  await expectClean(admin);

  // Wendy finds it on her dashboard and on My plan, with the next course and the due date.
  const wendy = await newPage(browser, server);
  await signInUI(wendy, 'wendy', PW);
  const block = wendy.getByRole('region', { name: 'My plan' });
  assert.match(await block.innerText(), /Warehouse induction[\s\S]*due 30 Jun 2031[\s\S]*Next: Safety basics/);
  await mainNav(wendy).getByRole('link', { name: 'My plan', exact: true }).click();
  await wendy.getByRole('heading', { name: 'My plan', level: 1 }).waitFor();
  const item = wendy.locator('#plan > li');
  assert.equal(await item.count(), 1);
  assert.match(await item.innerText(), /Warehouse induction[\s\S]*Assigned[\s\S]*due 30 Jun 2031[\s\S]*0 \/ 3 courses done[\s\S]*Next: Safety basics/);
  await expectClean(wendy);
  await submit(wendy, () => item.getByRole('link', { name: 'Safety basics' }).click());
  assert.equal(pathOf(wendy), '/courses/SAF-1');
  await wendy.getByRole('heading', { name: 'Safety basics', level: 1 }).waitFor();
});
