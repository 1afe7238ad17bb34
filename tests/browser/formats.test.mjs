// What people read on the pages: times in their own time zone (Europe/London and Asia/Tokyo,
// one of them across the change to summer time; the site's zone for people without their own),
// scores rounded, the pass rate as a percentage, the time limit in hours and minutes for
// learners and administrators alike, and a review that opens on its first page. The JSON API
// keeps its ISO 8601 UTC times.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, signIn, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, signInUI, submit } from '../lib/browser.mjs';

const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'TIME-101';
// Opens in winter (GMT in London), closes in summer (BST): the quiz spans a clock change.
const OPENS = '2026-01-15T09:30:00Z';
const CLOSES = '2036-07-01T12:00:00Z';
let server;
let browser;
let admin;
let quizId;
const attempts = {};

const call = async (method, path, body, token = admin) => {
  const r = await api(server, method, path, { token, body });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
  return r.json;
};

/** Takes the quiz through the API: true for the first `right` questions, false for the rest. */
async function takeQuiz(username, right) {
  const token = await signIn(server, username, PW);
  const { attempt } = await call('POST', `/api/v1/courses/${CODE}/quizzes/${quizId}/attempts`, undefined, token);
  const answers = {};
  attempt.questions.forEach((q, i) => { answers[q.slot] = { value: i < right }; });
  await call('PUT', `/api/v1/attempts/${attempt.id}/answers`, { answers }, token);
  await call('POST', `/api/v1/attempts/${attempt.id}/submit`, {}, token);
  return attempt.id;
}

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  // The site's zone, for people who have none of their own (the administrator here).
  await call('PATCH', '/api/v1/settings', { timezone: 'America/New_York' });
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Times and numbers', status: 'published' });
  for (const [username, zone] of [['lon', 'Europe/London'], ['tok', 'Asia/Tokyo']]) {
    await createUser(server, { username, email: `${username}@example.com`, first_name: username, last_name: 'Learner', roles: ['learner'], password: PW });
    await call('PATCH', `/api/v1/users/${username}/profile`, { timezone: zone });
    await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username, role: 'learner' });
  }
  const ids = [];
  for (const text of ['Water is wet.', 'Fire is hot.', 'Ice is cold.']) {
    const r = await call('POST', `/api/v1/courses/${CODE}/questions`, { type: 'truefalse', text, answers: [
      { text: 'true', fraction: 100, feedback: '' }, { text: 'false', fraction: 0, feedback: '' }] });
    ids.push(r.question.id);
  }
  const section = await call('POST', `/api/v1/courses/${CODE}/sections`, { title: 'Check' });
  quizId = (await call('POST', `/api/v1/courses/${CODE}/activities`, { section_id: section.id, kind: 'quiz', title: 'Three truths' })).activity.id;
  await call('PUT', `/api/v1/courses/${CODE}/quizzes/${quizId}`, {
    question_ids: ids.join(','), time_limit_seconds: 5400, per_page: 1, pass_percent: '50',
    open_at: OPENS, close_at: CLOSES, review_answers: 'after_submit',
  });
  attempts.lon = await takeQuiz('lon', 2); // 2 of 3: 66.666...%, passed
  attempts.tok = await takeQuiz('tok', 0); // 0 of 3: not passed
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function quizPage(username, password = PW) {
  const page = await newPage(browser, server);
  await signInUI(page, username, password);
  await page.goto(`/courses/${CODE}/quizzes/${quizId}`);
  return page;
}

const text = async (locator) => (await locator.innerText()).trim();
const summary = (page, term) => page.locator('#quiz-summary dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');

test('opening and closing times in each viewer\'s zone, named, across the change to summer time', async () => {
  const lon = await quizPage('lon');
  assert.equal(await text(summary(lon, 'Opens')), '15 Jan 2026, 09:30 GMT');
  assert.equal(await text(summary(lon, 'Closes')), '1 Jul 2036, 13:00 BST');
  // The machine-readable time stays UTC.
  assert.equal(await summary(lon, 'Opens').locator('time').getAttribute('datetime'), OPENS);

  const tok = await quizPage('tok');
  assert.equal(await text(summary(tok, 'Opens')), '15 Jan 2026, 18:30 JST');
  assert.equal(await text(summary(tok, 'Closes')), '1 Jul 2036, 21:00 JST');

  // No zone of their own: the site's.
  const adm = await quizPage('admin', ADMIN_PASSWORD);
  assert.equal(await text(summary(adm, 'Opens')), '15 Jan 2026, 04:30 EST');
  assert.equal(await text(summary(adm, 'Closes')), '1 Jul 2036, 08:00 EDT');
  for (const p of [lon, tok, adm]) assert.deepEqual(p.consoleErrors, []);
  await Promise.all([lon.close(), tok.close(), adm.close()]);

  // The API keeps ISO 8601 UTC.
  const quiz = await call('GET', `/api/v1/courses/${CODE}/quizzes/${quizId}`);
  assert.equal(quiz.quiz.open_at, OPENS);
  assert.equal(quiz.quiz.close_at, CLOSES);
});

test('the quiz settings take opening and closing times in the viewer\'s zone', async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto(`/courses/${CODE}/quizzes/${quizId}/settings`);
  // The site's zone (America/New_York): 09:30 UTC in January is 04:30, 12:00 UTC in July 08:00.
  assert.equal(await page.getByLabel('Opens').inputValue(), '2026-01-15T04:30');
  assert.equal(await page.getByLabel('Closes').inputValue(), '2036-07-01T08:00');
  assert.match(await text(page.locator('#times-help')), /America\/New_York/);
  await page.getByLabel('Opens').fill('2026-01-15T05:00');
  await submit(page, () => page.getByRole('button', { name: 'Save settings' }).click());
  let quiz = (await call('GET', `/api/v1/courses/${CODE}/quizzes/${quizId}`)).quiz;
  assert.equal(quiz.open_at, '2026-01-15T10:00:00Z');
  assert.equal(quiz.close_at, CLOSES, 'an unchanged field keeps its time');
  // The API's times stay UTC.
  await call('PUT', `/api/v1/courses/${CODE}/quizzes/${quizId}`, { open_at: '2026-01-15T09:30' });
  quiz = (await call('GET', `/api/v1/courses/${CODE}/quizzes/${quizId}`)).quiz;
  assert.equal(quiz.open_at, OPENS);
  await page.close();
});

test('a changed time zone shows on the next page', async () => {
  const page = await quizPage('tok');
  assert.equal(await text(summary(page, 'Opens')), '15 Jan 2026, 18:30 JST');
  await call('PATCH', '/api/v1/users/tok/profile', { timezone: 'Europe/London' });
  await page.reload();
  assert.equal(await text(summary(page, 'Opens')), '15 Jan 2026, 09:30 GMT');
  await call('PATCH', '/api/v1/users/tok/profile', { timezone: 'Asia/Tokyo' });
  await page.close();
});

test('the submitted time reads as a date and a time in the learner\'s zone', async () => {
  const page = await quizPage('tok');
  const cell = page.locator('#quiz-attempts tbody tr').first().locator('td').nth(3);
  const shown = await text(cell);
  const iso = await cell.locator('time').getAttribute('datetime');
  assert.match(iso, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  assert.match(shown, /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d$/);
  assert.ok(shown.endsWith(hour), `${shown} should end with Tokyo's ${hour}`);
  await page.close();
});

test('scores are rounded and the pass rate is a percentage', async () => {
  const lon = await quizPage('lon');
  assert.equal(await text(lon.locator('#quiz-grade strong')), '66.67%');
  assert.match(await text(lon.locator('#quiz-attempts tbody tr').first()), /66\.67%/);
  await lon.close();

  const adm = await newPage(browser, server);
  await signInUI(adm, 'admin', ADMIN_PASSWORD);
  await adm.goto(`/courses/${CODE}/quizzes/${quizId}/results`);
  const dd = (term) => adm.locator('#results-summary dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
  assert.equal(await text(dd('Pass rate')), '50%');
  assert.equal(await text(dd('Mean')), '33.33%');
  const body = await adm.locator('main').innerText();
  assert.doesNotMatch(body, /\d\.\d{3,}/, 'no long decimals on the results page');
  await adm.close();
});

test('the time limit reads the same to the learner and the administrator', async () => {
  const lon = await quizPage('lon');
  assert.equal(await text(lon.locator('#quiz-time-limit')), '1 hour 30 minutes');
  await lon.close();
  const adm = await quizPage('admin', ADMIN_PASSWORD);
  assert.equal(await text(adm.locator('#quiz-time-limit')), '1 hour 30 minutes');
  await adm.close();
});

test('a review opens on its first page', async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'lon', PW);
  await page.goto(`/attempts/${attempts.lon}`);
  await page.getByRole('heading', { name: 'Your attempt' }).waitFor();
  assert.match(await page.locator('main').innerText(), /Water is wet\./);
  assert.doesNotMatch(await page.locator('main').innerText(), /Ice is cold\./);
  // And pages on from there.
  await submit(page, () => page.getByRole('link', { name: /Next/ }).first().click());
  assert.match(await page.locator('main').innerText(), /Fire is hot\./);
  await page.close();
});

test('the site\'s time zone is set on the settings page, and a wrong one is refused with what to write', async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto('/admin/settings');
  const zone = page.getByLabel('Time zone');
  assert.equal(await zone.inputValue(), 'America/New_York');
  await zone.fill('Mars/Olympus');
  await submit(page, () => page.getByRole('button', { name: 'Save' }).first().click());
  assert.match(await text(page.getByRole('alert')), /not a time zone: use a name such as Europe\/London/);
  assert.equal((await call('GET', '/api/v1/settings')).timezone, 'America/New_York');
  await page.getByLabel('Time zone').fill('Europe/Paris');
  await submit(page, () => page.getByRole('button', { name: 'Save' }).first().click());
  assert.equal((await call('GET', '/api/v1/settings')).timezone, 'Europe/Paris');
  await page.goto(`/courses/${CODE}/quizzes/${quizId}`);
  assert.equal(await text(summary(page, 'Opens')), '15 Jan 2026, 10:30 CET');
  await call('PATCH', '/api/v1/settings', { timezone: 'America/New_York' });
  await page.close();
});
