// In a browser: the administrator uploads a CSV of people, reads the preview with its errors,
// commits the valid rows and finds the new people in the users list; then sets a person's
// department and manager on the user page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, adminToken, api, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, accessibilityProblems } from '../lib/browser.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const admin = await adminToken(server);
  await api(server, 'POST', '/api/v1/departments', { token: admin, body: { name: 'Warehouse', idnumber: 'WH' } });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const CSV = [
  'username,firstname,lastname,email,department,manager,badge_colour',
  'nora.p,Nora,Park,nora@example.org,WH,,blue',
  'omar.q,Omar,Quinn,omar@example.org,Warehouse,nora.p,red',
  'pat.r,Pat,Reed,not-an-email,WH,,green',
  'quinn.s,Quinn,Shaw,quinn@example.org,Nowhere,,blue',
].join('\n') + '\n';

test('upload a CSV, read the preview and its errors, commit the valid rows, find the new people', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/users');
  await page.getByRole('link', { name: 'Upload users' }).click();
  await page.waitForURL('**/admin/user-imports');
  await page.getByRole('heading', { name: 'Upload users', level: 1 }).waitFor();
  await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await page.getByLabel('Mode').selectOption('upsert');
  await submit(page, () => page.getByRole('button', { name: 'Upload and preview' }).click());
  assert.match(pathOf(page), /^\/admin\/user-imports\/[0-9a-f]{32}$/);
  await page.getByRole('heading', { name: 'Preview: people.csv' }).waitFor();

  const summary = (await page.locator('#import-summary').innerText()).replace(/\s+/g, ' ');
  assert.match(summary, /Rows: 4/);
  assert.match(summary, /Create: 2/);
  assert.match(summary, /Error: 2/);
  const note = await page.getByRole('note').innerText();
  assert.match(note, /badge_colour/, 'the unknown column is reported');
  // Each error names its line and column.
  const rows = page.locator('#import-rows tbody tr');
  assert.equal(await rows.count(), 4);
  const line4 = rows.filter({ has: page.getByRole('cell', { name: '4', exact: true }) });
  assert.match(await line4.innerText(), /error[\s\S]*email[\s\S]*not an email address/);
  const line5 = rows.filter({ has: page.getByRole('cell', { name: '5', exact: true }) });
  assert.match(await line5.innerText(), /department[\s\S]*Nowhere/);
  // With errors, only the valid rows can be committed.
  assert.equal(await page.getByRole('button', { name: 'Commit all rows' }).count(), 0);
  await page.getByRole('link', { name: 'Show only the rows with errors' }).click();
  await page.waitForURL(/only=errors/);
  assert.equal(await page.locator('#import-rows tbody tr').count(), 2);
  await submit(page, () => page.getByRole('button', { name: 'Commit only the valid rows' }).click());
  // The commit runs as a background job: the page follows it (a progress bar while it runs),
  // then shows the result.
  await page.getByRole('heading', { name: /^(Writing|Uploaded): people\.csv$/ }).waitFor();
  await page.getByRole('heading', { name: 'Uploaded: people.csv' }).waitFor({ timeout: 60000 });
  const written = await page.locator('#import-written').innerText();
  assert.match(written, /Create: 2/);
  assert.match(await page.getByRole('status').first().innerText(), /written/i);

  // The new people are in the users list, with their department.
  await page.getByRole('link', { name: 'Go to the users' }).click();
  await page.waitForURL('**/admin/users');
  await page.getByLabel('Search').fill('omar');
  await Promise.all([page.waitForURL(/[?&]q=omar/), page.getByLabel('Search').press('Enter')]);
  const omar = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'omar.q', exact: true }) });
  await omar.waitFor();
  assert.match(await omar.innerText(), /Omar Quinn[\s\S]*Warehouse/);
  await page.goto('/admin/users?q=pat.r');
  assert.equal(await page.getByRole('link', { name: 'pat.r', exact: true }).count(), 0, 'the row with an error was not written');

  // The user page shows and edits the organisation fields.
  await page.goto('/admin/users/omar.q');
  assert.match(await page.locator('#user-org').innerText(), /Warehouse[\s\S]*nora\.p/);
  await page.getByLabel('ID number', { exact: true }).fill('WH-0042');
  await page.getByLabel('City').fill('Porto');
  await submit(page, () => page.getByRole('button', { name: 'Save organisation and profile' }).click());
  assert.equal(pathOf(page), '/admin/users/omar.q');
  assert.match(await page.locator('#user-org').innerText(), /WH-0042/);
  // A manager loop is refused on the page with the reason.
  await page.goto('/admin/users/nora.p');
  await page.getByLabel('Line manager').fill('omar.q');
  await submit(page, () => page.getByRole('button', { name: 'Save organisation and profile' }).click());
  assert.match(await page.getByRole('alert').first().innerText(), /loop/);
  assert.deepEqual(page.consoleErrors, [], 'no console errors');
  await page.context().close();
});

test("the preview's options: a weak password and a missing department turn into a sign-in link and a new department", { timeout: 120000 }, async () => {
  const csv = 'username,password,firstname,lastname,email,department\n'
    + 'rosa.t,Password1,Rosa,Tate,rosa@example.org,Warehouse / Night shift\n';
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/user-imports');
  // The upload form offers both options unticked.
  assert.equal(await page.getByLabel('Create the departments the file names that do not exist yet').isChecked(), false);
  await page.getByLabel('CSV file').setInputFiles({ name: 'moodle.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await submit(page, () => page.getByRole('button', { name: 'Upload and preview' }).click());
  await page.getByRole('heading', { name: 'Preview: moodle.csv' }).waitFor();
  const row = page.locator('#import-rows tbody tr').first();
  assert.match(await row.innerText(), /password[\s\S]*option to create such accounts without a password/);
  assert.match(await row.innerText(), /department[\s\S]*option to create missing departments/);
  // The preview shows the options as checkboxes; ticking them previews the same file again.
  const weak = page.getByLabel('Create accounts whose password from the file is too weak without a password, and send them a sign-in link');
  const depts = page.getByLabel('Create the departments the file names that do not exist yet');
  assert.equal(await weak.isChecked(), false);
  await weak.check();
  await depts.check();
  await submit(page, () => page.getByRole('button', { name: 'Preview again with these options' }).click());
  await page.getByRole('heading', { name: 'Preview: moodle.csv' }).waitFor();
  assert.equal(await weak.isChecked(), true, 'the options are kept with the upload');
  assert.equal(await depts.isChecked(), true);
  assert.match(await page.locator('#import-new-departments').innerText(), /Warehouse \/ Night shift/);
  assert.match(await page.locator('#import-rows tbody tr').first().innerText(), /create[\s\S]*sign-in link is sent instead/);
  assert.deepEqual(await accessibilityProblems(page), []);
  await submit(page, () => page.getByRole('button', { name: 'Commit all rows' }).click());
  await page.getByRole('heading', { name: 'Uploaded: moodle.csv' }).waitFor({ timeout: 60000 });
  const admin = await adminToken(server);
  const rosa = (await api(server, 'GET', '/api/v1/users/rosa.t', { token: admin })).json.user;
  assert.equal(rosa.department.name, 'Night shift');
  assert.deepEqual(page.consoleErrors, [], 'no console errors');
  await page.context().close();
});

test('a file with passwords commits in the background with a progress bar', { timeout: 180000 }, async () => {
  const lines = ['username,password,firstname,lastname,email'];
  for (let i = 1; i <= 40; i++) lines.push(`bar${i},Copper-Meadow-Kite-${i},Bar,Person${i},bar${i}@example.org`);
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/user-imports');
  await page.getByLabel('CSV file').setInputFiles({ name: 'passwords.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
  await submit(page, () => page.getByRole('button', { name: 'Upload and preview' }).click());
  await page.getByRole('heading', { name: 'Preview: passwords.csv' }).waitFor();
  await submit(page, () => page.getByRole('button', { name: 'Commit all rows' }).click());
  await page.getByRole('heading', { name: /^(Writing|Uploaded): passwords\.csv$/ }).waitFor();
  if (/^Writing/.test(await page.getByRole('heading', { level: 1 }).innerText())) {
    // Still running: the bar says how far it is, for assistive technology too.
    const bar = page.getByRole('progressbar');
    if (await bar.count()) {
      assert.equal(await bar.getAttribute('aria-valuemin'), '0');
      assert.equal(await bar.getAttribute('aria-valuemax'), '100');
      assert.match(await bar.getAttribute('aria-valuenow') ?? '', /^\d+$/);
      assert.ok(await bar.getAttribute('aria-labelledby'), 'the bar has a text label');
      assert.match(await page.locator('#import-progress-label').innerText(), /Waiting|Hashing|Writing/);
      assert.equal(await page.getByRole('link', { name: 'Refresh' }).count(), 1, 'a way to refresh without JavaScript');
    }
  }
  // The script reloads the page once the job is done.
  await page.getByRole('heading', { name: 'Uploaded: passwords.csv' }).waitFor({ timeout: 120000 });
  assert.match(await page.locator('#import-written').innerText(), /Create: 40/);
  assert.equal(await page.getByRole('progressbar').count(), 0);
  await page.goto('/admin/users?q=bar40');
  await page.getByRole('link', { name: 'bar40', exact: true }).waitFor();
  assert.deepEqual(page.consoleErrors, [], 'no console errors');
  await page.context().close();
});

test('the organisation pages and the preview pass the accessibility checks', { timeout: 120000 }, async () => {
  const admin = await adminToken(server);
  await api(server, 'POST', '/api/v1/job-roles', { token: admin, body: { name: 'Picker' } });
  await api(server, 'POST', '/api/v1/profile-fields', { token: admin, body: { shortname: 'shift', name: 'Shift', type: 'menu', options: 'Early\nLate' } });
  await api(server, 'POST', '/api/v1/profile-fields', { token: admin, body: { shortname: 'forklift', name: 'Forklift licence', type: 'checkbox' } });
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/user-imports');
  await page.getByLabel('CSV file').setInputFiles({ name: 'again.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await submit(page, () => page.getByRole('button', { name: 'Upload and preview' }).click());
  const preview = new URL(page.url()).pathname;
  for (const path of [preview, '/admin/user-imports', '/admin/departments', '/admin/job-roles', '/admin/profile-fields',
    '/admin/users/omar.q']) {
    await page.goto(path);
    assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${path}`);
  }
  // The custom fields are on the user page and save from there.
  await page.getByLabel('Shift').selectOption('Late');
  await page.getByLabel('Forklift licence').check();
  await submit(page, () => page.getByRole('button', { name: 'Save organisation and profile' }).click());
  const r = await api(server, 'GET', '/api/v1/users/omar.q', { token: admin });
  assert.deepEqual(r.json.profile, { shift: 'Late', forklift: '1' });
  assert.deepEqual(page.consoleErrors, [], 'no console errors');
  await page.context().close();
});
