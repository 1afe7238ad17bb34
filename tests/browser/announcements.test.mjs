// In a browser: an administrator announces to one department through the announcements page
// (first to a department nobody is in, which the form refuses naming the field and keeping the
// text); a learner in a department under it sees the announcement on the dashboard and one
// outside does not; the administrator sees who has seen it; an urgent announcement shows as a
// banner on every page until the learner dismisses it. The people and departments are set up
// through the API: they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, expectClean } from '../lib/browser.mjs';

const PW = 'Copper-Lantern-Field-31';
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
  const ops = (await call('POST', '/api/v1/departments', { name: 'Operations' })).department.id;
  const depot = (await call('POST', '/api/v1/departments', { name: 'Depot', parent_id: ops })).department.id;
  await call('POST', '/api/v1/departments', { name: 'Archive room' });
  for (const [username, dept] of [['lena', depot], ['omar', 0]]) {
    await createUser(server, { username, email: `${username}@example.com`, first_name: username[0].toUpperCase() + username.slice(1), roles: ['learner'], password: PW }, admin);
    if (dept) await call('PATCH', `/api/v1/users/${username}/profile`, { department_id: dept });
  }
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function announce(page, { title, text, department, importance = 'Information' }) {
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Text', { exact: true }).fill(text);
  await page.getByLabel('For', { exact: true }).selectOption({ label: 'A department' });
  await page.getByLabel('Department (and the departments under it)').selectOption({ label: department });
  await page.getByLabel('Importance').selectOption({ label: importance });
  await submit(page, () => page.getByRole('button', { name: 'Publish' }).click());
}

test('an administrator announces to one department; only its people see it; an urgent one is a banner until dismissed', { timeout: 180000 }, async () => {
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await submit(admin, () => mainNav(admin).getByRole('link', { name: 'Announcements', exact: true }).click());
  await expectClean(admin);

  // A department nobody is in: refused at the field, with the text kept.
  await announce(admin, { title: 'Depot moves on Monday', text: 'The **depot** moves to Hall B.', department: 'Archive room' });
  await admin.getByRole('alert').filter({ hasText: 'Nobody is in this audience' }).waitFor();
  assert.equal(await admin.getByLabel('Title', { exact: true }).inputValue(), 'Depot moves on Monday');

  await announce(admin, { title: 'Depot moves on Monday', text: 'The **depot** moves to Hall B.', department: 'Operations' });
  assert.match(pathOf(admin), /^\/announcements\/\d+$/);
  const address = pathOf(admin);
  await admin.getByText('The announcement was published.').waitFor();
  assert.match(await admin.locator('#seen-count').innerText(), /Seen by 0 of 1/);
  await expectClean(admin);

  // Lena works in the Depot, under Operations: on her dashboard.
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  const news = lena.getByRole('region', { name: 'Announcements' });
  await news.getByText('Depot moves on Monday').waitFor();
  assert.equal(await news.locator('strong', { hasText: 'depot' }).count(), 1, 'the Markdown is rendered');
  await expectClean(lena);

  // Omar is in no department: nothing.
  const omar = await newPage(browser, server);
  await signInUI(omar, 'omar', PW);
  assert.equal(await omar.getByText('Depot moves on Monday').count(), 0);

  // The administrator sees that Lena has seen it.
  await admin.goto(address);
  assert.match(await admin.locator('#seen-count').innerText(), /Seen by 1 of 1/);
  await admin.getByText('(lena)').waitFor();

  // An urgent one: a banner on every page of Lena's until she dismisses it.
  await admin.goto('/announcements');
  await announce(admin, { title: 'Fire drill at noon', text: 'Leave by the nearest exit.', department: 'Operations', importance: 'Urgent' });
  const banner = (page) => page.getByRole('complementary', { name: 'Urgent announcement' });
  await lena.goto('/courses');
  await banner(lena).getByText('Fire drill at noon').waitFor();
  await expectClean(lena);
  await lena.goto('/plan');
  await banner(lena).getByText('Fire drill at noon').waitFor();
  await submit(lena, () => banner(lena).getByRole('button', { name: 'Dismiss' }).click());
  assert.equal(pathOf(lena), '/plan', 'back on the page she was reading');
  assert.equal(await banner(lena).count(), 0);
  await lena.goto('/');
  assert.equal(await banner(lena).count(), 0, 'dismissed for good');
  await omar.goto('/');
  assert.equal(await banner(omar).count(), 0, 'not for people outside the department');
});
