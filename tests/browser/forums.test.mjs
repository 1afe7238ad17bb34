// In a browser: a learner opens the course forum from the course page and starts a thread; the
// course's instructor finds it and replies; the learner sees the reply. The instructor locks
// the thread while the learner is writing another reply: the learner's post is refused with a
// clear message on the thread's page, and the text they typed is kept. The people and the
// course are set up through the API: they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean } from '../lib/browser.mjs';

const PW = 'Maple-Forum-Bridge-57';
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
  await call('POST', '/api/v1/courses', { code: 'FORK-1', title: 'Forklift basics', status: 'published' });
  for (const [username, role, first] of [['lena', 'learner', 'Lena'], ['ian', 'instructor', 'Ian']]) {
    await createUser(server, { username, email: `${username}@example.com`, first_name: first, last_name: 'Test', roles: [role], password: PW }, admin);
    await call('POST', '/api/v1/courses/FORK-1/enrolments', { username, role });
  }
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a learner starts a thread, the instructor replies, the learner sees it; a locked thread refuses a post', { timeout: 180000 }, async () => {
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await lena.goto('/courses/FORK-1');
  await submit(lena, () => lena.getByRole('link', { name: 'Discussions', exact: true }).last().click());
  assert.equal(pathOf(lena), '/courses/FORK-1/forum');
  await lena.getByText('Nobody has started a thread here yet').waitFor();
  await expectClean(lena);
  await lena.getByLabel('Title', { exact: true }).fill('Daily checks');
  await lena.getByLabel('Text', { exact: true }).fill('What do we check **before** a shift?');
  await submit(lena, () => lena.getByRole('button', { name: 'Start the thread' }).click());
  assert.match(pathOf(lena), /^\/threads\/\d+$/);
  const thread = pathOf(lena);
  await lena.locator('article strong', { hasText: 'before' }).waitFor();
  await expectClean(lena);

  const ian = await newPage(browser, server);
  await signInUI(ian, 'ian', PW);
  await ian.goto('/courses/FORK-1/forum');
  await submit(ian, () => ian.getByRole('link', { name: 'Daily checks' }).click());
  await ian.getByLabel('Text', { exact: true }).fill('Forks, chains, brakes and the horn.');
  await submit(ian, () => ian.getByRole('button', { name: 'Post the reply' }).click());
  assert.equal(pathOf(ian), thread);
  await ian.locator('.post-body', { hasText: 'Forks, chains, brakes and the horn.' }).waitFor();

  await lena.reload();
  const reply = lena.locator('article', { hasText: 'Forks, chains, brakes and the horn.' });
  await reply.waitFor();
  assert.match(await reply.innerText(), /Ian Test/);

  // Lena starts writing; meanwhile Ian locks the thread.
  await lena.getByLabel('Text', { exact: true }).fill('And the seat belt?');
  await submit(ian, () => ian.getByRole('button', { name: 'Lock' }).click());
  await ian.locator('#thread-locked').waitFor();
  await submit(lena, () => lena.getByRole('button', { name: 'Post the reply' }).click());
  await lena.getByRole('alert').filter({ hasText: 'This thread is locked' }).waitFor();
  assert.equal(await lena.getByLabel('Text', { exact: true }).inputValue(), 'And the seat belt?');
  assert.equal(await lena.locator('article', { hasText: 'And the seat belt?' }).count(), 0, 'nothing was posted');
  await expectClean(lena);
});
