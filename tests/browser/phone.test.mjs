// On a phone (390×844): the main pages of every role fit the screen's width (nothing to scroll
// sideways), and the navigation folds behind its "Menu" button, which opens it (Bootstrap's own
// script, served under the same Content-Security-Policy as everything else).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, signInUI } from '../lib/browser.mjs';

const PHONE = { width: 390, height: 844 };
const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'PHONE-101';
let server;
let browser;
let admin;
let quizId;
let attemptId;

const call = async (method, path, body, token = admin) => {
  const r = await api(server, method, path, { token, body });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
  return r.json;
};

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  for (const [username, role] of [['lena', 'learner'], ['ivan', 'instructor'], ['mary', 'manager']])
    await createUser(server, { username, email: `${username}@example.com`, first_name: username, last_name: 'Longsurname-Withoutbreaks', roles: [role], password: PW });
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Working safely with electrical equipment in the warehouse', status: 'published' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'lena', role: 'learner' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'ivan', role: 'instructor' });
  await call('POST', `/api/v1/courses/${CODE}/questions/import`, { data: '::Plug:: Is a frayed cable safe to use? {F}\n\n::Why:: Say why. {}\n' });
  const bank = await call('GET', `/api/v1/courses/${CODE}/questions?per_page=100`);
  const section = await call('POST', `/api/v1/courses/${CODE}/sections`, { title: 'Assessment' });
  const act = await call('POST', `/api/v1/courses/${CODE}/activities`, { section_id: section.id, kind: 'quiz', title: 'Cables quiz' });
  quizId = act.activity.id;
  await call('PUT', `/api/v1/courses/${CODE}/quizzes/${quizId}`, {
    question_ids: bank.questions.map((q) => q.id).join(','), time_limit_seconds: 1200, review_answers: 'after_submit',
  });
  const lena = (await api(server, 'POST', '/api/v1/sessions', { body: { username: 'lena', password: PW } })).json.token;
  const attempt = await call('POST', `/api/v1/courses/${CODE}/quizzes/${quizId}/attempts`, undefined, lena);
  attemptId = attempt.attempt.id;
  await call('POST', `/api/v1/attempts/${attemptId}/submit`, {}, lena);
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** A phone-sized page signed in as username. */
async function phone(username, password = PW) {
  const page = await newPage(browser, server);
  await page.setViewportSize(PHONE);
  await signInUI(page, username, password);
  return page;
}

/** Opens each path and expects it to fit 390 pixels, naming the widest element if not. */
async function expectFits(page, paths) {
  for (const path of paths) {
    const r = await page.goto(path);
    assert.equal(r.status(), 200, `${path} answered ${r.status()}`);
    const { width, widest } = await page.evaluate(() => {
      const w = document.documentElement.scrollWidth;
      // The first element (in document order) that sticks out, so the message says where.
      let culprit = '';
      for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.right > window.innerWidth + 0.5 && getComputedStyle(el).visibility !== 'hidden') {
          culprit = `<${el.tagName.toLowerCase()}${el.id ? ' id=' + el.id : ''} class="${el.className}"> ${JSON.stringify(el.textContent.trim().slice(0, 60))} (right edge ${Math.round(box.right)})`;
          break;
        }
      }
      return { width: w, widest: culprit };
    });
    assert.ok(width <= PHONE.width, `${path} is ${width} px wide on a 390 px screen; wide: ${widest}`);
  }
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

/** The menu is folded: its links are hidden until the toggle opens them. */
async function expectMenuOpens(page) {
  await page.goto('/');
  // Named, not found by its "Sign out" button (mainNav): that button is folded away too.
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  const toggle = nav.getByRole('button', { name: 'Menu' });
  const courses = nav.getByRole('link', { name: 'Courses', exact: true });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await courses.isVisible(), false, 'the menu starts folded on a phone');
  await toggle.click();
  await courses.waitFor({ state: 'visible' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await nav.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible' });
}

test('signed out: the sign-in pages fit a phone', async () => {
  const page = await newPage(browser, server);
  await page.setViewportSize(PHONE);
  await expectFits(page, ['/signin', '/forgot-password', '/signin-help']);
  await page.close();
});

test('a learner on a phone: dashboard, catalogue, course, quiz and attempt fit; the menu opens', async () => {
  const page = await phone('lena');
  await expectMenuOpens(page);
  await expectFits(page, ['/', '/courses', `/courses/${CODE}`, `/courses/${CODE}/quizzes/${quizId}`, `/attempts/${attemptId}`]);
  await page.close();
});

test('an instructor on a phone: course, question bank, quiz settings, results and grading fit', async () => {
  const page = await phone('ivan');
  await expectMenuOpens(page);
  await expectFits(page, ['/', `/courses/${CODE}`, `/courses/${CODE}/questions`, `/courses/${CODE}/questions/new`,
    `/courses/${CODE}/quizzes/${quizId}`, `/courses/${CODE}/quizzes/${quizId}/settings`,
    `/courses/${CODE}/quizzes/${quizId}/results`, `/courses/${CODE}/grading`, `/attempts/${attemptId}`]);
  await page.close();
});

test('a manager on a phone: dashboard, catalogue and requests fit; the menu opens', async () => {
  const page = await phone('mary');
  await expectMenuOpens(page);
  await expectFits(page, ['/', '/courses', '/enrolment-requests']);
  await page.close();
});

test('an administrator on a phone: people, settings, audit, mail and course administration fit', async () => {
  const page = await phone('admin', ADMIN_PASSWORD);
  await expectMenuOpens(page);
  await expectFits(page, ['/', '/admin/users', '/admin/users/new', '/admin/users/lena', '/admin/settings',
    '/admin/audit', '/admin/mail', '/admin/departments', '/admin/job-roles', '/admin/profile-fields',
    '/admin/user-imports', '/admin/courses/new', '/admin/courses/import', '/admin/events/import', '/admin/categories', '/courses',
    `/courses/${CODE}`, `/courses/${CODE}/enrol`]);
  await page.close();
});
