// In a browser: the administrator schedules maintenance on the maintenance page (first checking
// what the window overlaps: a quiz that closes during it), the window's page lists it again;
// a learner sees the banner on every page; with read-only mode on (`lectern maintenance on
// --until` a few seconds ahead) the learner's post in her course's forum meets the maintenance
// page with nothing written, and once the mode has ended by itself the same post is made. A quiz's
// autosave refused by read-only mode keeps the answer in the page, says it will be saved when
// the site is back, and saves it then.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, poll, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';
import { onServer } from '../lib/cli.mjs';

const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'MAINT-1';
let server;
let browser;
let quizId;

// "2031-01-01T09:00" as a datetime-local field takes it (the site's zone is UTC).
const local = (ms) => new Date(ms).toISOString().slice(0, 16);
const startsAt = Date.now() + 2 * 3600 * 1000;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  await createUser(server, { username: 'lena', first_name: 'Lena', last_name: 'Learner', roles: ['learner'], password: PW }, admin);
  const call = async (method, path, body) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Data protection', status: 'published' });
  const section = (await call('POST', `/api/v1/courses/${CODE}/sections`, { title: 'Part one' })).id;
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'lena', role: 'learner' });
  await call('POST', `/api/v1/courses/${CODE}/questions/import`, { data: '::Exits::Where is the nearest exit? {=Left ~Right}\n' });
  const bank = await call('GET', `/api/v1/courses/${CODE}/questions?per_page=10`);
  quizId = (await call('POST', `/api/v1/courses/${CODE}/activities`, { section_id: section, kind: 'quiz', title: 'Data quiz' })).activity.id;
  await call('PUT', `/api/v1/courses/${CODE}/quizzes/${quizId}`, {
    close_at: new Date(startsAt + 30 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    question_ids: String(bank.questions[0].id), attempts_allowed: 0,
  });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function expectClean(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

test("maintenance scheduled on its page shows a banner; read-only mode refuses a learner's forum post and ends by itself", { timeout: 120000 }, async () => {
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await submit(admin, () => mainNav(admin).getByRole('link', { name: 'Maintenance', exact: true }).click());
  assert.equal(pathOf(admin), '/admin/maintenance');
  await admin.getByLabel('Starts', { exact: true }).fill(local(startsAt));
  await admin.getByLabel('Ends', { exact: true }).fill(local(startsAt + 3600 * 1000));
  await admin.getByLabel('Message').last().fill('Moving to a new server');
  await admin.getByLabel('What is affected').fill('Everything');
  // Before saving: what the window overlaps, with what was typed kept.
  await submit(admin, () => admin.getByRole('button', { name: 'Check what it overlaps' }).click());
  const overlaps = admin.locator('#overlaps');
  assert.match(await overlaps.innerText(), /Quiz closes[^]*Data quiz/);
  assert.equal(await admin.getByLabel('What is affected').inputValue(), 'Everything');
  await expectClean(admin);
  await submit(admin, () => admin.getByRole('button', { name: 'Schedule' }).click());
  assert.match(pathOf(admin), /^\/admin\/maintenance\/\d+$/);
  assert.match(await admin.locator('#overlaps').innerText(), /Data quiz/);
  assert.match(await admin.locator('#window').innerText(), /Moving to a new server/);
  await expectClean(admin);

  // The learner sees the banner, with the window in their own zone.
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  const banner = lena.locator('#maintenance-banner');
  assert.match(await banner.innerText(), /Maintenance is planned:[^]*Moving to a new server/);
  await lena.goto('/profile');
  assert.match(await banner.innerText(), /Moving to a new server/);
  await expectClean(lena);

  // Read-only mode for a few seconds: the learner's post in her course's forum is refused with
  // the maintenance page.
  const until = new Date(Date.now() + 6000).toISOString().replace(/\.\d+Z$/, 'Z');
  onServer(server)(['maintenance', 'on', '--until', until, '--message', 'Copying the database'], 0);
  await poll(async () => (await api(server, 'GET', '/api/v1/status')).json.status === 'read_only', { what: 'read-only mode' });
  await lena.goto(`/courses/${CODE}/forum`);
  const writePost = async () => {
    await lena.getByLabel('Title', { exact: true }).fill('Fire doors');
    await lena.getByLabel('Text', { exact: true }).fill('Are the fire doors on the second floor alarmed?');
  };
  await writePost();
  const [refused] = await Promise.all([
    lena.waitForNavigation({ waitUntil: 'load' }),
    lena.getByRole('button', { name: 'Start the thread' }).click(),
  ]);
  assert.equal(refused.status(), 503);
  assert.equal(await lena.getByRole('heading', { level: 1 }).innerText(), 'The site is in read-only mode');
  assert.match(await lena.locator('main').innerText(), /Copying the database/);
  assert.match(await lena.locator('#maintenance-banner').innerText(), /read-only/);
  await expectClean(lena);

  // It ends by itself; nothing was half-written, and the same post is then made.
  await poll(async () => (await api(server, 'GET', '/api/v1/status')).json.status === 'ok', { timeoutMs: 20000, what: 'read-only mode to end' });
  await lena.goto(`/courses/${CODE}/forum`);
  assert.equal(await lena.locator('#no-threads').count(), 1, 'the refused post left nothing behind');
  await writePost();
  await submit(lena, () => lena.getByRole('button', { name: 'Start the thread' }).click());
  assert.match(pathOf(lena), /^\/threads\/\d+$/);
  await lena.locator('article', { hasText: 'second floor alarmed' }).waitFor();
});

test('a quiz answer refused by read-only mode stays in the page and is saved when the site is back', { timeout: 120000 }, async () => {
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await lena.goto(`/courses/${CODE}/quizzes/${quizId}`);
  await submit(lena, () => lena.getByRole('button', { name: /Start/ }).click());
  assert.match(pathOf(lena), /^\/attempts\/\d+$/);

  const until = new Date(Date.now() + 6000).toISOString().replace(/\.\d+Z$/, 'Z');
  onServer(server)(['maintenance', 'on', '--until', until], 0);
  await poll(async () => (await api(server, 'GET', '/api/v1/status')).json.status === 'read_only', { what: 'read-only mode' });
  const refused = lena.waitForResponse((r) => r.url().endsWith('/answers') && r.status() === 503);
  await lena.getByRole('radio', { name: 'Left', exact: true }).check();
  await refused;
  await lena.locator('#quiz-save-status', { hasText: 'your answers will be saved when the site is back' }).waitFor();
  assert.equal(await lena.getByRole('radio', { name: 'Left', exact: true }).isChecked(), true);

  // When read-only mode has ended, the page sends the answer again by itself.
  const saved = lena.waitForResponse((r) => r.url().endsWith('/answers') && r.request().method() === 'PUT' && r.status() === 200, { timeout: 60000 });
  await saved;
  await lena.locator('#quiz-save-status', { hasText: /^Saved at/ }).waitFor();
  await lena.reload();
  assert.equal(await lena.getByRole('radio', { name: 'Left', exact: true }).isChecked(), true);
});
