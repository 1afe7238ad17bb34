// In a browser: an administrator opens Upload events from the rooms page, uploads a file whose
// second row falls in the hour the clocks go forward, reads the error by line and column with
// no button to write, uploads the corrected file, writes it, and finds the event on the
// course's session page, which the upload made. The people, the course and the room are set
// up through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, signInUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';

const CODE = 'LIFT-3';
let server;
let browser;
let dir;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  await createUser(server, { username: 'ivan', email: 'ivan@example.com', first_name: 'Ivan', roles: ['instructor'], password: 'Amber-Falcon-Ridge-24' }, admin);
  const call = async (method, p, body) => {
    const r = await api(server, method, p, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${show(r)}`);
    return r.json;
  };
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Safe lifting', kind: 'classroom', status: 'published' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'ivan', role: 'instructor' });
  await call('POST', '/api/v1/rooms', { name: 'Loading bay', site: 'Depot', capacity: 8 });
  browser = await launchBrowser();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-events-'));
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function expectClean(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

const HEAD = 'course,title,start,end,timezone,room,seats,trainers\n';
const ROW = `${CODE},Lifting practice,2031-05-06 09:00,2031-05-06 12:00,Europe/London,Loading bay,8,ivan\n`;

test('upload events: a located error first, then the corrected file written', { timeout: 120000 }, async () => {
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await mainNav(admin).getByRole('link', { name: 'Rooms', exact: true }).click();
  await admin.getByRole('link', { name: 'Upload events' }).click();
  await admin.getByRole('heading', { name: 'Upload events', level: 1 }).waitFor();
  await expectClean(admin);

  const bad = path.join(dir, 'bad.csv');
  fs.writeFileSync(bad, HEAD + ROW + `${CODE},Early start,2031-03-30 01:30,2031-03-30 04:00,Europe/London,Loading bay,8,ivan\n`);
  await admin.getByLabel('CSV file').setInputFiles(bad);
  await submit(admin, () => admin.getByRole('button', { name: 'Preview' }).click());
  const errorRow = admin.getByRole('row', { name: /Early start/ });
  assert.match(await errorRow.innerText(), /^3\b[\s\S]*start: 2031-03-30 01:30 does not exist in Europe\/London/);
  assert.equal(await admin.getByRole('button', { name: 'Write these events' }).count(), 0, 'nothing to write while a row is wrong');
  await expectClean(admin);

  const good = path.join(dir, 'good.csv');
  fs.writeFileSync(good, HEAD + ROW);
  await admin.getByLabel('CSV file').setInputFiles(good);
  await submit(admin, () => admin.getByRole('button', { name: 'Preview' }).click());
  assert.match(await admin.locator('#import-summary').innerText(), /^1 to create/);
  await submit(admin, () => admin.getByRole('button', { name: 'Write these events' }).click());
  await admin.getByText('The events were planned; each is on its course\'s session page.').waitFor();
  await admin.getByRole('heading', { name: 'Rooms', level: 1 }).waitFor();

  // The course had no session: the upload made one, and the event is on it.
  await admin.goto(`/courses/${CODE}`);
  await submit(admin, () => admin.getByRole('link', { name: 'Safe lifting', exact: true }).last().click());
  await admin.getByRole('region', { name: /Lifting practice/ }).waitFor();
  assert.match(await admin.getByRole('region', { name: /Lifting practice/ }).innerText(), /Loading bay/);
});
