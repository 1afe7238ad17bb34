// A learner who is unenrolled while an attempt is open: the attempt is closed at once (submitted
// with the answers saved so far, graded, marked as closed at unenrolment), nothing more they
// send is taken, and the attempt stays on the record: in the results and their statistics, in
// the grader's view, and in the learner's own list when they come back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

const PW = 'Willow-Harbour-Tin-62';
const COURSE = 'UN-1';
let server;
let admin;
let lu;
let quiz;
let question;
const quizPath = () => `/api/v1/courses/${COURSE}/quizzes/${quiz}`;

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  const call = async (method, path, body, status = 201) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  await call('POST', '/api/v1/courses', { code: COURSE, title: 'Leaving', status: 'published' });
  const section = (await call('POST', `/api/v1/courses/${COURSE}/sections`, { title: 'Quiz' })).id;
  question = (await call('POST', `/api/v1/courses/${COURSE}/questions`, {
    type: 'single', title: 'Capital', text: 'The capital of France?',
    answers: [{ text: 'Paris', fraction: 100, feedback: '' }, { text: 'Lyon', fraction: 0, feedback: '' }],
  })).question.id;
  const second = (await call('POST', `/api/v1/courses/${COURSE}/questions`, {
    type: 'truefalse', title: 'Sky', text: 'The sky is green.',
    answers: [{ text: 'true', fraction: 0, feedback: '' }, { text: 'false', fraction: 100, feedback: '' }],
  })).question.id;
  quiz = (await call('POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'quiz', title: 'Check' })).activity.id;
  await call('PUT', quizPath(), { question_ids: [question, second], attempts_allowed: 0, pass_percent: 50 }, 200);
  await createUser(server, { username: 'lu', first_name: 'Lu', last_name: 'Leaves', roles: ['learner'], password: PW });
  await call('POST', `/api/v1/courses/${COURSE}/enrolments`, { username: 'lu', role: 'learner' });
  lu = await signIn(server, 'lu', PW);
});
after(async () => { if (server) await server.stop(); });

const as = (token, method, path, body) => api(server, method, path, { token, body });

let attemptId;
test('unenrolment closes the open attempt with the answers saved before', async () => {
  const started = await as(lu, 'POST', `${quizPath()}/attempts`);
  assert.equal(started.status, 201, show(started));
  attemptId = started.json.attempt.id;
  const slot = started.json.attempt.questions.find((x) => x.question_id === question).slot;
  const saved = await as(lu, 'PUT', `/api/v1/attempts/${attemptId}/answers`, { answers: { [slot]: { choice: 0 } } });
  assert.equal(saved.status, 200, show(saved));

  const out = await as(admin, 'DELETE', `/api/v1/courses/${COURSE}/enrolments/lu`);
  assert.equal(out.status, 200, show(out));

  const g = await as(admin, 'GET', `/api/v1/attempts/${attemptId}`);
  assert.equal(g.status, 200, show(g));
  assert.equal(g.json.attempt.state, 'submitted');
  assert.equal(g.json.attempt.submitted_by, 'unenrolled');
  assert.equal(g.json.attempt.percent, 50, 'graded on what was saved: one of two right');
  const audit = await as(admin, 'GET', '/api/v1/audit?limit=20');
  const sub = audit.json.items.find((e) => e.action === 'attempt.submit' && e.target === `attempt:${attemptId}`);
  assert.ok(sub, JSON.stringify(audit.json.items.slice(0, 5)));
  assert.equal(sub.details.by, 'unenrolled');
});

test('the unenrolled learner can no longer save, submit or open the attempt', async () => {
  const save = await as(lu, 'PUT', `/api/v1/attempts/${attemptId}/answers`, { answers: { 1: { choice: 1 } } });
  assert.equal(save.status, 403, show(save));
  assert.equal(save.json.error.code, 'not_enrolled');
  assert.match(save.json.error.message, /no longer enrolled in UN-1/);
  const submit = await as(lu, 'POST', `/api/v1/attempts/${attemptId}/submit`, {});
  assert.equal(submit.status, 403, show(submit));
  assert.equal(submit.json.error.code, 'not_enrolled');
  const view = await as(lu, 'GET', `/api/v1/attempts/${attemptId}`);
  assert.equal(view.status, 403, show(view));
  const again = await as(lu, 'POST', `${quizPath()}/attempts`);
  assert.equal(again.status, 403, `no new attempt either: ${show(again)}`);
  const g = await as(admin, 'GET', `/api/v1/attempts/${attemptId}`);
  assert.equal(g.json.attempt.percent, 50, 'nothing changed');
});

test('results and statistics keep the attempt, marked as closed at unenrolment', async () => {
  const r = await as(admin, 'GET', `${quizPath()}/results`);
  assert.equal(r.status, 200, show(r));
  const row = r.json.attempts.find((t) => t.id === attemptId);
  assert.equal(row.state, 'submitted');
  assert.equal(row.unenrolled, true);
  assert.equal(row.percent, 50);
  assert.equal(r.json.summary.attempts, 1, 'counted like any submitted attempt');
  const html = await api(server, 'GET', `/courses/${COURSE}/quizzes/${quiz}/results`, { token: admin, headers: { accept: 'text/html' } });
  assert.equal(html.status, 200);
  assert.match(html.text, /Closed at unenrolment/);
});

test('back in the course, the learner sees the closed attempt in their own list and may start again', async () => {
  const back = await as(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { username: 'lu', role: 'learner' });
  assert.equal(back.status, 201, show(back));
  const q = await as(lu, 'GET', quizPath());
  assert.equal(q.status, 200, show(q));
  const mine = q.json.quiz.attempts.find((t) => t.id === attemptId);
  assert.equal(mine.unenrolled, true);
  assert.equal(mine.state, 'submitted');
  const view = await as(lu, 'GET', `/api/v1/attempts/${attemptId}`);
  assert.equal(view.status, 200, show(view));
  assert.equal(view.json.attempt.submitted_by, 'unenrolled');
  const page = await api(server, 'GET', `/courses/${COURSE}/quizzes/${quiz}`, { token: lu, headers: { accept: 'text/html' } });
  assert.match(page.text, /Closed at unenrolment/);
  const fresh = await as(lu, 'POST', `${quizPath()}/attempts`);
  assert.equal(fresh.status, 201, show(fresh));
  assert.notEqual(fresh.json.attempt.id, attemptId);
});
