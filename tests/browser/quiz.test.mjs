// In a browser: a learner takes a timed quiz (single choice, multiple answer, short answer,
// essay) set up through the API. They answer two questions, close the tab, come back in a new
// one, resume with the answers kept and the timer still running, finish and submit, and see
// what the review settings allow (marks and feedback, not the right answers, which wait for the
// quiz to close). The course's instructor grades the essay from the queue with a comment, and
// the learner then sees the grade and the comment. The quiz and attempt pages pass the axe check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, accessibilityProblems } from '../lib/browser.mjs';

let server;
let browser;
let admin;
const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'QUIZ-101';
const GIFT = `// Four questions for the fire quiz.
$CATEGORY: Fire

::Extinguisher:: Which extinguisher is safe on **electrical** fires? {
  =CO2 # Right: it leaves no residue and does not conduct.
  ~Water # Water conducts electricity.
  ~Foam # Foam is water-based.
}

::Exits:: Which are fire exits? {~%50%Door A # Door A is an exit. ~%50%Door C ~%-100%Lift # Never the lift.}

::Assembly:: Where do we assemble? {=car park # Yes, the car park.}

::Drill:: Describe the last fire drill. {}
`;
let quizId;

const call = async (method, path, body, token = admin) => {
  const r = await api(server, method, path, { token, body });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
  return r.json;
};

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'lena', email: 'lena@example.com', first_name: 'Lena', last_name: 'Learner', roles: ['learner'], password: PW });
  await createUser(server, { username: 'ivan', email: 'ivan@example.com', first_name: 'Ivan', last_name: 'Instructor', roles: ['instructor'], password: PW });
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Fire safety quiz', status: 'published' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'lena', role: 'learner' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'ivan', role: 'instructor' });
  const report = await call('POST', `/api/v1/courses/${CODE}/questions/import`, { data: GIFT });
  assert.equal(report.errors, 0, JSON.stringify(report));
  assert.equal(report.imported, 4, JSON.stringify(report));
  const bank = await call('GET', `/api/v1/courses/${CODE}/questions?per_page=100`);
  const id = (title) => {
    const q = bank.questions.find((x) => x.title === title);
    assert.ok(q, `question ${title} in ${JSON.stringify(bank)}`);
    return q.id;
  };
  const section = await call('POST', `/api/v1/courses/${CODE}/sections`, { title: 'Assessment' });
  const act = await call('POST', `/api/v1/courses/${CODE}/activities`, { section_id: section.id, kind: 'quiz', title: 'Fire quiz' });
  quizId = act.activity.id;
  await call('PUT', `/api/v1/courses/${CODE}/quizzes/${quizId}`, {
    question_ids: [id('Extinguisher'), id('Exits'), id('Assembly'), id('Drill')].join(','),
    points: '1,2,1,5',
    time_limit_seconds: 900,
    attempts_allowed: 2,
    per_page: 2,
    grading_method: 'highest',
    pass_percent: '50',
    review_answers: 'after_submit',
    review_feedback: 'after_submit',
    review_correct: 'after_close',
  });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function expectAccessible(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

/** The timer's text ("14:58") as seconds. */
async function timerSeconds(page) {
  const text = (await page.locator('#quiz-timer').innerText()).trim();
  const m = /^(?:(\d+):)?(\d+):(\d\d)$/.exec(text);
  assert.ok(m, `timer text ${JSON.stringify(text)}`);
  return Number(m[1] || 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** Runs an action that changes an answer and waits for its autosave (a PUT answered 200) and
 *  the "Saved at HH:MM:SS" status. */
async function answerAndSave(page, action) {
  const saved = page.waitForResponse((r) => r.url().endsWith('/answers') && r.request().method() === 'PUT' && r.status() === 200);
  await action();
  await saved;
  await page.locator('#quiz-save-status', { hasText: /^Saved at \d\d:\d\d:\d\d$/ }).waitFor();
}

const question = (page, title) => page.getByRole('group', { name: new RegExp(title) });

test('a learner takes a timed quiz across a closed tab; the instructor grades the essay', { timeout: 240000 }, async () => {
  const context = await browser.newContext({ baseURL: server.url });
  let lena = await context.newPage();
  lena.setDefaultTimeout(20000);
  const watch = (page) => {
    page.consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400 && r.request().resourceType() !== 'document') page.consoleErrors.push(`${r.status()} for ${r.request().resourceType()} ${r.url()}`);
    });
  };
  watch(lena);
  await signInUI(lena, 'lena', PW);

  // The quiz page: the settings summary and the start button.
  await lena.goto(`/courses/${CODE}/quizzes/${quizId}`);
  await lena.getByRole('heading', { name: 'Fire quiz', level: 1 }).waitFor();
  assert.match(await lena.locator('#quiz-time-limit').innerText(), /15 minutes|900 seconds/);
  assert.match(await lena.locator('#quiz-attempts-left').innerText(), /^2$/);
  await expectAccessible(lena);
  await submit(lena, () => lena.getByRole('button', { name: 'Start the quiz' }).click());
  assert.match(pathOf(lena), /^\/attempts\/\d+$/);
  const attemptPath = pathOf(lena);

  // Page 1: single choice and multiple answer, saved as they change.
  const before = await timerSeconds(lena);
  assert.ok(before > 800 && before <= 900, `timer starts near 15:00, got ${before}`);
  await expectAccessible(lena);
  await answerAndSave(lena, () => question(lena, 'Extinguisher').getByLabel('CO2').check());
  await answerAndSave(lena, () => question(lena, 'Exits').getByLabel('Door A').check());
  const atClose = await timerSeconds(lena);

  // The tab closes mid-way; a new one resumes the same attempt.
  await lena.close();
  lena = await context.newPage();
  lena.setDefaultTimeout(20000);
  watch(lena);
  await lena.goto(`/courses/${CODE}/quizzes/${quizId}`);
  await lena.getByRole('cell', { name: 'In progress' }).waitFor();
  await submit(lena, () => lena.getByRole('link', { name: 'Resume the attempt' }).click());
  assert.equal(pathOf(lena), attemptPath);
  assert.ok(await question(lena, 'Extinguisher').getByLabel('CO2').isChecked(), 'the single choice was kept');
  assert.ok(await question(lena, 'Exits').getByLabel('Door A').isChecked(), 'the multiple answer was kept');
  assert.ok(!(await question(lena, 'Exits').getByLabel('Door C').isChecked()));
  const resumed = await timerSeconds(lena);
  assert.ok(resumed <= atClose && resumed > 0, `the timer kept running: ${atClose} at close, ${resumed} on resume`);
  await lena.waitForTimeout(2200);
  assert.ok((await timerSeconds(lena)) < resumed, 'the timer counts down');

  // Page 2: short answer and essay, then submit with a confirmation.
  await submit(lena, () => lena.getByRole('button', { name: 'Save and next page' }).click());
  await answerAndSave(lena, () => question(lena, 'Assembly').getByLabel('Your answer').fill('Car park'));
  await answerAndSave(lena, () => question(lena, 'Drill').getByLabel('Your answer').fill('We left by the east stairs and met at the car park in four minutes.'));
  await expectAccessible(lena);
  lena.once('dialog', (d) => d.accept());
  await submit(lena, () => lena.getByRole('button', { name: 'Submit' }).click());
  assert.equal(pathOf(lena), attemptPath);

  // The review: marks and feedback after submit, the right answers only after the quiz closes.
  await lena.getByRole('heading', { name: 'Your attempt' }).waitFor();
  if (process.env.QUIZ_DEBUG) (await import('node:fs')).writeFileSync('/tmp/quiz_review.html', await lena.content());
  assert.match(await lena.locator('#attempt-state').innerText(), /Waiting for grading/);
  // The review shows one page at a time, like the attempt: the first page holds these two.
  if (await lena.getByRole('heading', { name: /Extinguisher/ }).count() === 0) {
    await lena.goto(`${attemptPath}?page=0`);
  }
  const q1 = lena.locator('section.quiz-question-review', { has: lena.getByRole('heading', { name: /Extinguisher/ }) });
  assert.match(await q1.innerText(), /1 \/ 1 points/);
  assert.match(await q1.innerText(), /Right: it leaves no residue and does not conduct\./);
  const q2 = lena.locator('section.quiz-question-review', { has: lena.getByRole('heading', { name: /Exits/ }) });
  assert.match(await q2.innerText(), /1 \/ 2 points/);
  assert.match(await q2.innerText(), /Door A is an exit\./);
  assert.equal(await lena.locator('.quiz-correct-answer').count(), 0, 'no right answers before the quiz closes');
  assert.equal(await lena.getByText('right answer').count(), 0);
  await expectAccessible(lena);

  // The instructor grades the essay from the queue.
  const ivan = await newPage(browser, server);
  await signInUI(ivan, 'ivan', PW);
  await ivan.goto(`/courses/${CODE}/quizzes/${quizId}`);
  await expectAccessible(ivan);
  await ivan.getByRole('link', { name: 'Grading', exact: true }).click();
  await ivan.waitForURL(`**/courses/${CODE}/grading`);
  const item = ivan.locator('section.grading-item', { hasText: 'Lena Learner' });
  await item.getByText('We left by the east stairs').waitFor();
  await expectAccessible(ivan);
  await item.getByLabel(/Mark/).fill('4');
  await item.getByLabel('Comment').fill('Good detail; say who called the roll.');
  await submit(ivan, () => item.getByRole('button', { name: /Save grade/ }).click());
  assert.equal(pathOf(ivan), `/courses/${CODE}/grading`);
  await ivan.getByText('Nothing is waiting to be graded.').waitFor();

  // The learner sees the grade and the comment (the review opens on page 1; the essay is on 2).
  await lena.goto(`${attemptPath}?page=1`);
  assert.match(await lena.locator('#attempt-state').innerText(), /Submitted/);
  assert.match(await lena.locator('#attempt-score').innerText(), /^7 \/ 9 \(77\.\d+%\)/);
  await lena.getByText('Good detail; say who called the roll.').waitFor();
  const q4 = lena.locator('section.quiz-question-review', { has: lena.getByRole('heading', { name: /Drill/ }) });
  assert.match(await q4.innerText(), /4 \/ 5 points/);
  await expectAccessible(lena);
  await lena.goto(`/courses/${CODE}/quizzes/${quizId}`);
  assert.match(await lena.locator('#quiz-grade').innerText(), /77\.\d+%/);
  assert.match(await lena.locator('#quiz-attempts-left').innerText(), /^1$/);
  await expectAccessible(lena);
  await context.close();
});

test('without JavaScript the attempt still saves, pages and submits', { timeout: 120000 }, async () => {
  const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
  const lena = await context.newPage();
  lena.setDefaultTimeout(20000);
  await signInUI(lena, 'lena', PW);
  await lena.goto(`/courses/${CODE}/quizzes/${quizId}`);
  await submit(lena, () => lena.getByRole('button', { name: 'Start a new attempt' }).click());
  assert.match(pathOf(lena), /^\/attempts\/\d+$/);
  const attemptPath = pathOf(lena);
  await question(lena, 'Extinguisher').getByLabel('Water').check();
  await question(lena, 'Exits').getByLabel('Door A').check();
  await question(lena, 'Exits').getByLabel('Door C').check();
  await submit(lena, () => lena.getByRole('button', { name: 'Save and next page' }).click());
  await question(lena, 'Assembly').getByLabel('Your answer').fill('the car park');
  await submit(lena, () => lena.getByRole('button', { name: 'Save and previous page' }).click());
  assert.ok(await question(lena, 'Extinguisher').getByLabel('Water').isChecked(), 'kept after paging');
  assert.ok(await question(lena, 'Exits').getByLabel('Door C').isChecked(), 'kept after paging');
  await submit(lena, () => lena.getByRole('button', { name: 'Save and next page' }).click());
  assert.equal(await question(lena, 'Assembly').getByLabel('Your answer').inputValue(), 'the car park');
  await submit(lena, () => lena.getByRole('button', { name: 'Submit' }).click());
  assert.equal(pathOf(lena), attemptPath);
  await lena.getByRole('heading', { name: 'Your attempt' }).waitFor();
  await lena.goto(`/courses/${CODE}/quizzes/${quizId}`);
  await lena.getByText('You have used all your attempts.').or(lena.locator('#quiz-cannot-start')).first().waitFor();
  assert.match(await lena.locator('#quiz-attempts-left').innerText(), /^0$/);
  await context.close();
});

test('the question bank, import, settings and results pages', { timeout: 120000 }, async () => {
  const ivan = await newPage(browser, server);
  await signInUI(ivan, 'ivan', PW);

  // The bank: the imported questions, a filter, a new question with an error shown at the field.
  await ivan.goto(`/courses/${CODE}/questions`);
  await ivan.getByRole('link', { name: 'Extinguisher', exact: true }).waitFor();
  await expectAccessible(ivan);
  await ivan.getByLabel('Search').fill('exits');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Filter' }).click());
  await ivan.getByRole('link', { name: 'Exits', exact: true }).waitFor();
  assert.equal(await ivan.getByRole('link', { name: 'Extinguisher', exact: true }).count(), 0);
  await ivan.getByRole('link', { name: 'New question' }).click();
  await ivan.waitForURL(`**/courses/${CODE}/questions/new`);
  await expectAccessible(ivan);
  await ivan.getByLabel('Question in GIFT').fill('::Broken:: Which? {=a ~b');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Create question' }).click());
  await ivan.locator('#gift-error').waitFor();
  assert.equal(await ivan.getByLabel('Question in GIFT').inputValue(), '::Broken:: Which? {=a ~b');
  await expectAccessible(ivan);
  await ivan.getByLabel('Question in GIFT').fill('::Stairs:: Use the stairs in a fire. {T}');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Create question' }).click());
  assert.equal(pathOf(ivan), `/courses/${CODE}/questions`);
  await ivan.getByRole('link', { name: 'Stairs', exact: true }).click();
  await ivan.getByLabel('Question in GIFT').waitFor();
  assert.match(await ivan.getByLabel('Question in GIFT').inputValue(), /Stairs/);
  await expectAccessible(ivan);

  // The import page: a check-only run with one bad question reports each one with its line.
  await ivan.goto(`/courses/${CODE}/questions/import`);
  await expectAccessible(ivan);
  await ivan.getByLabel('Or paste the text').fill('::Good:: Two and two? {=4 ~5}\n\n::Bad:: Unclosed {=x ~y\n');
  await ivan.getByLabel('Check only').check();
  await submit(ivan, () => ivan.getByRole('button', { name: 'Import', exact: true }).click());
  const report = ivan.locator('#import-report');
  await report.waitFor();
  assert.match(await report.innerText(), /Nothing saved/);
  assert.match(await report.getByRole('row', { name: /Good/ }).innerText(), /^1\s/);
  assert.match(await report.getByRole('row').filter({ hasText: /Error/ }).first().innerText(), /^3\s/);
  await expectAccessible(ivan);

  // Settings: every setting on one form; saving keeps them.
  await ivan.goto(`/courses/${CODE}/quizzes/${quizId}/settings`);
  await ivan.getByRole('heading', { name: /Quiz settings/ }).waitFor();
  assert.equal(await ivan.getByLabel('Time limit (minutes)').inputValue(), '15');
  assert.equal(await ivan.getByLabel('Questions per page').inputValue(), '2');
  assert.equal(await ivan.getByLabel('The correct answers').inputValue(), 'after_close');
  await expectAccessible(ivan);
  await ivan.getByLabel('Attempts allowed').fill('3');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Save settings' }).click());
  assert.equal(pathOf(ivan), `/courses/${CODE}/quizzes/${quizId}`);
  const quiz = await call('GET', `/api/v1/courses/${CODE}/quizzes/${quizId}`);
  assert.equal(quiz.quiz.attempts_allowed, 3);
  assert.equal(quiz.quiz.time_limit_seconds, 900);
  assert.equal(quiz.quiz.per_page, 2);
  assert.equal(quiz.quiz.review_correct, 'after_close');
  assert.equal(quiz.quiz.questions, 4);

  // Results: the summary, the score bands, the questions' statistics and the attempts.
  await ivan.getByRole('link', { name: 'Results', exact: true }).click();
  await ivan.waitForURL(`**/quizzes/${quizId}/results`);
  await ivan.getByRole('table', { name: 'Submitted attempts by score band' }).waitFor();
  assert.match(await ivan.locator('#results-attempts').innerText(), /Lena/);
  assert.match(await ivan.locator('#question-stats').innerText(), /Extinguisher/);
  await expectAccessible(ivan);
  const csv = await ivan.request.get(`/courses/${CODE}/quizzes/${quizId}/results.csv`);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /text\/csv/);
});
