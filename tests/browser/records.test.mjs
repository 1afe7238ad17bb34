// In a browser: a learner opens My record and sees the course she completed; she records a
// first-aid course she did elsewhere with its certificate as evidence (first with hours the
// form refuses at the field, keeping what she typed); her line manager sees it waiting on My
// team, opens her training record from there, downloads the evidence and approves the entry, after
// which it counts in her training hours; the record prints without navigation or forms. The
// people and the course are set up through the API: they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, expectClean } from '../lib/browser.mjs';

const PW = 'Copper-Lantern-Field-31';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
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
  await call(admin, 'POST', '/api/v1/courses', { code: 'SAFE-1', title: 'Safety basics', status: 'published', duration_minutes: 120 });
  const section = (await call(admin, 'POST', '/api/v1/courses/SAFE-1/sections', { title: 'Part one' })).id;
  const page = (await call(admin, 'POST', '/api/v1/courses/SAFE-1/activities', { section_id: section, kind: 'page', title: 'Read me', body: 'Text' })).activity.id;
  await createUser(server, { username: 'max', first_name: 'Max', last_name: 'Manager', roles: ['manager'], password: PW }, admin);
  await createUser(server, { username: 'lena', first_name: 'Lena', last_name: 'Learner', roles: ['learner'], password: PW }, admin);
  await call(admin, 'PATCH', '/api/v1/users/lena/profile', { manager: 'max' });
  await call(admin, 'POST', '/api/v1/courses/SAFE-1/enrolments', { username: 'lena', role: 'learner' });
  const lena = (await call(null, 'POST', '/api/v1/sessions', { username: 'lena', password: PW })).token;
  await call(lena, 'GET', `/api/v1/courses/SAFE-1/activities/${page}`);
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test("a learner records training done elsewhere; her manager approves it from her training record", { timeout: 180000 }, async () => {
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await submit(lena, () => mainNav(lena).getByRole('link', { name: 'My record' }).click());
  assert.equal(pathOf(lena), '/record');
  const course = lena.locator('#record-courses tbody tr', { hasText: 'Safety basics' });
  assert.match(await course.innerText(), /Complete/);
  assert.match(await lena.locator('#record-hours').innerText(), /^2\.0/);
  await expectClean(lena);

  const fill = async (hours) => {
    // The form folds away under its heading; after an error it is shown open.
    if (!(await lena.locator('#external-form').evaluate((d) => d.open))) await lena.getByText('Record training done elsewhere').click();
    await lena.getByLabel('Training', { exact: true }).fill('First aid at work');
    await lena.getByLabel('Provider').fill('Red Cross');
    await lena.getByLabel('Date', { exact: true }).fill('2026-03-02');
    await lena.getByLabel('Hours', { exact: true }).fill(hours);
    await lena.getByLabel('Evidence').setInputFiles({ name: 'first-aid.pdf', mimeType: 'application/pdf', buffer: PDF });
    await submit(lena, () => lena.getByRole('button', { name: 'Record it' }).click());
  };
  await fill('a day');
  await lena.getByRole('alert').filter({ hasText: 'Give the hours as a number' }).waitFor();
  assert.equal(await lena.getByLabel('Training', { exact: true }).inputValue(), 'First aid at work', 'what she typed is kept');
  await fill('6.5');
  await lena.getByText('It counts once your line manager').waitFor();
  const entry = lena.locator('#record-external tbody tr', { hasText: 'First aid at work' });
  assert.match(await entry.innerText(), /Awaiting approval/);
  assert.equal(await entry.getByRole('button', { name: 'Approve' }).count(), 0, 'not hers to approve');
  assert.match(await lena.locator('#record-hours').innerText(), /^2\.0/, 'it does not count yet');

  const max = await newPage(browser, server);
  await signInUI(max, 'max', PW);
  await submit(max, () => mainNav(max).getByRole('link', { name: 'My team' }).click());
  assert.match(await max.locator('#team-waiting').innerText(), /External training to approve: 1/);
  const member = max.locator('#team tbody tr', { hasText: 'Lena Learner' });
  assert.match(await member.innerText(), /1 \/ 1 completed/);
  await expectClean(max);
  await submit(max, () => member.getByRole('link', { name: 'Lena Learner' }).click());
  assert.equal(pathOf(max), '/users/lena/record');
  const row = max.locator('#record-external tbody tr', { hasText: 'First aid at work' });
  const evidence = await max.request.get(await row.getByRole('link', { name: 'first-aid.pdf' }).getAttribute('href'));
  assert.equal(evidence.status(), 200);
  assert.equal(evidence.headers()['content-type'], 'application/pdf');
  assert.ok((await evidence.body()).equals(PDF), 'the evidence as uploaded');
  await expectClean(max);
  await submit(max, () => row.getByRole('button', { name: 'Approve' }).click());
  await max.getByText('it now counts in the training record').waitFor();
  assert.match(await max.locator('#record-external tbody tr', { hasText: 'First aid at work' }).innerText(), /Approved/);
  assert.match(await max.locator('#record-hours').innerText(), /^8\.5/);

  await lena.reload();
  assert.match(await lena.locator('#record-hours').innerText(), /^8\.5/);
  await lena.emulateMedia({ media: 'print' });
  assert.equal(await lena.locator('nav.navbar').isVisible(), false, 'no navigation on paper');
  assert.equal(await lena.getByRole('button', { name: 'Print' }).isVisible(), false);
  assert.equal(await lena.locator('#record-courses').isVisible(), true);
});
