// Quizzes through the API, end to end: settings, attempts of every question type graded with
// partial credit, hand-graded essays (queue and grade), deadlines enforced by the server,
// attempts allowed and per-learner overrides (audited), grading methods, regrading after a
// question is corrected, review settings, results as JSON and CSV, and the bad inputs: a slot
// not in the attempt, a second submit, someone else's attempt, answers after the deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, rawRequest } from '../lib/server.mjs';

let server;
let admin;
let teacher;
const tokens = {};
const PW = 'Amber-Falcon-Ridge-24';
const COURSE = 'QZ-1';
let section;
const q = {}; // question ids by name
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const close = (a, b, what) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} is not ${b}`);

before(async () => {
  // No job workers here: the deadline sweep (every 5 s) would race the time-limit test's late
  // answer (then answered attempt_submitted, not deadline_passed). The last test runs a server
  // with the sweep to check that it submits an abandoned attempt.
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  let r = await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code: COURSE, title: 'Quizzing', status: 'published' } });
  assert.equal(r.status, 201, show(r));
  r = await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code: 'QZ-2', title: 'Other', status: 'published' } });
  assert.equal(r.status, 201, show(r));
  await createUser(server, { username: 'tom', email: 'tom@example.com', first_name: 'Tom', last_name: 'Teach', roles: ['instructor'], password: PW });
  r = await api(server, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { token: admin, body: { username: 'tom', role: 'instructor' } });
  assert.equal(r.status, 201, show(r));
  teacher = await signIn(server, 'tom', PW);
  for (const name of ['ana', 'ben', 'cat', 'dan', 'eve', 'fay']) {
    await createUser(server, { username: name, email: `${name}@example.com`, first_name: name, last_name: 'Learner', roles: ['learner'], password: PW });
    r = await api(server, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { token: admin, body: { username: name, role: 'learner' } });
    assert.equal(r.status, 201, show(r));
    tokens[name] = await signIn(server, name, PW);
  }
  await createUser(server, { username: 'out', email: 'out@example.com', first_name: 'Out', last_name: 'Sider', roles: ['learner'], password: PW });
  tokens.out = await signIn(server, 'out', PW);
  r = await api(server, 'POST', `/api/v1/courses/${COURSE}/sections`, { token: admin, body: { title: 'Assessments' } });
  assert.equal(r.status, 201, show(r));
  section = r.json.id;
  const add = async (name, body) => {
    const x = await api(server, 'POST', `/api/v1/courses/${COURSE}/questions`, { token: teacher, body });
    assert.equal(x.status, 201, `${name}: ${show(x)}`);
    q[name] = x.json.question.id;
  };
  await add('single', { type: 'single', title: 'Capital', text: 'The capital of France?', answers: [
    { text: 'Paris', fraction: 100, feedback: 'Yes, Paris.' }, { text: 'Lyon', fraction: 0, feedback: 'No.' }, { text: 'Nice', fraction: 0, feedback: '' }] });
  await add('multi', { type: 'multi', title: 'Primes', text: 'Which are prime?', answers: [
    { text: '2', fraction: 50, feedback: '' }, { text: '3', fraction: 50, feedback: '' }, { text: '4', fraction: -100, feedback: '' }] });
  await add('truefalse', { type: 'truefalse', title: 'Sky', text: 'The sky is blue.', answers: [
    { text: 'true', fraction: 100, feedback: '' }, { text: 'false', fraction: 0, feedback: '' }] });
  await add('short', { type: 'short', title: 'Planet', text: 'The red planet?', answers: [
    { text: 'Mars', fraction: 100, feedback: '' }, { text: 'Mar*', fraction: 50, feedback: 'Check the spelling.' }] });
  await add('numerical', { type: 'numerical', title: 'Pi', text: 'Pi to two places?', answers: [
    { value: 3.14, tolerance: 0.01, fraction: 100, feedback: '' }, { min: 3, max: 4, fraction: 50, feedback: 'Close.' }] });
  await add('matching', { type: 'matching', title: 'Sounds', text: 'Match the animals to their sounds.', answers: [
    { left: 'cat', right: 'meow' }, { left: 'dog', right: 'woof' }, { left: 'cow', right: 'moo' }] });
  await add('essay', { type: 'essay', title: 'Reflect', text: 'What did you learn?', answers: [] });
  await add('description', { type: 'description', title: 'Intro', text: 'Read carefully.', answers: [] });
  await add('spain', { type: 'short', title: 'Spain', text: 'The capital of Spain?', answers: [{ text: 'Barcelona', fraction: 100, feedback: '' }] });
});
after(async () => { if (server) await server.stop(); });

const tok = (who) => (who === 'teacher' ? teacher : who === 'admin' ? admin : tokens[who]);
const call = (who, method, path, body) => api(server, method, path, { token: tok(who), body });

async function makeQuiz(title, settings) {
  let r = await call('teacher', 'POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'quiz', title });
  if (r.status === 403) r = await call('admin', 'POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'quiz', title });
  assert.equal(r.status, 201, show(r));
  const id = r.json.activity.id;
  r = await call('teacher', 'PUT', `/api/v1/courses/${COURSE}/quizzes/${id}`, settings);
  assert.equal(r.status, 200, show(r));
  return id;
}
const quizPath = (id) => `/api/v1/courses/${COURSE}/quizzes/${id}`;
async function start(who, quiz, status = 201) {
  const r = await call(who, 'POST', `${quizPath(quiz)}/attempts`);
  assert.equal(r.status, status, show(r));
  return r.json.attempt;
}
const slotOf = (attempt, qid) => attempt.questions.find((x) => x.question_id === qid).slot;
const bySlot = (attempt, slot) => attempt.questions.find((x) => x.slot === slot);
const save = (who, id, answers, page = 0) => call(who, 'PUT', `/api/v1/attempts/${id}/answers`, { answers, page });
const submit = (who, id, body = {}) => call(who, 'POST', `/api/v1/attempts/${id}/submit`, body);
const getAttempt = (who, id) => call(who, 'GET', `/api/v1/attempts/${id}`);

const ALL = ['single', 'multi', 'truefalse', 'short', 'numerical', 'matching', 'essay', 'description'];
let quizAll;
let anaAttempt;
let essaySlot;

test('settings: a quiz made from the bank; bad settings name their field', async () => {
  quizAll = await makeQuiz('Everything', {
    question_ids: ALL.map((n) => q[n]), points: '1,1,1,1,1,1,2,1', attempts_allowed: 0,
    review_answers: 'after_submit', review_correct: 'after_submit', review_feedback: 'after_submit', grading_method: 'highest',
    pass_percent: 50,
  });
  let r = await call('teacher', 'GET', quizPath(quizAll));
  assert.equal(r.status, 200, show(r));
  const quiz = r.json.quiz;
  assert.equal(quiz.questions, 8);
  assert.equal(quiz.max_score, 8, 'the description is not graded');
  assert.equal(quiz.attempts_allowed, 0);
  assert.equal(quiz.attempts_left, null);
  assert.equal(quiz.pass_percent, 50);
  assert.deepEqual(quiz.question_list.map((x) => x.id), ALL.map((n) => q[n]));
  assert.deepEqual(quiz.question_list.map((x) => x.points), [1, 1, 1, 1, 1, 1, 2, 1]);
  assert.deepEqual(r.json.course, { code: COURSE, title: 'Quizzing' });
  // A learner sees the quiz but not the manager's question list.
  r = await call('ana', 'GET', quizPath(quizAll));
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.quiz.can_start, true);
  assert.equal(r.json.quiz.question_list, undefined);
  assert.deepEqual(r.json.quiz.attempts, []);
  // The activities route of a quiz answers the quiz too; a browser is sent to the quiz page.
  r = await call('ana', 'GET', `/api/v1/courses/${COURSE}/activities/${quizAll}`);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.activity.kind, 'quiz');
  assert.equal(r.json.quiz.id, quizAll);
  const html = await rawRequest(`${server.url}/courses/${COURSE}/activities/${quizAll}`, { headers: { authorization: `Bearer ${tokens.ana}` } });
  assert.equal(html.status, 303);
  assert.equal(html.headers.location, `/courses/${COURSE}/quizzes/${quizAll}`);

  const bad = async (body, field, what) => {
    const x = await call('teacher', 'PUT', quizPath(quizAll), body);
    assert.equal(x.status, 422, `${what}: ${show(x)}`);
    assert.equal(x.json.error.field, field, `${what}: ${show(x)}`);
  };
  await bad({ grading_method: 'best' }, 'grading_method', 'grading method');
  await bad({ review_correct: 'sometimes' }, 'review_correct', 'review value');
  await bad({ complete_on: 'view' }, 'complete_on', 'complete_on');
  await bad({ pass_percent: 120 }, 'pass_percent', 'pass percent');
  await bad({ question_ids: 'one,two' }, 'question_ids', 'ids that are not numbers');
  await bad({ question_ids: [q.single, 999999] }, 'question_ids', 'unknown question');
  await bad({ question_ids: [q.single, q.multi], points: '1' }, 'points', 'too few points');
  await bad({ open_at: 'tomorrow' }, 'open_at', 'open time');
  await bad({ open_at: 2000000000, close_at: 1900000000 }, 'close_at', 'closes before it opens');
  // A question of another course's bank cannot be used.
  const other = await call('admin', 'POST', '/api/v1/courses/QZ-2/questions', { type: 'essay', text: 'Elsewhere?', answers: [] });
  assert.equal(other.status, 201, show(other));
  await bad({ question_ids: [other.json.question.id] }, 'question_ids', "another course's question");
  // Nothing changed.
  r = await call('teacher', 'GET', quizPath(quizAll));
  assert.equal(r.json.quiz.grading_method, 'highest');
  assert.equal(r.json.quiz.questions, 8);
  // Learners, other courses' people and outsiders cannot change settings.
  r = await call('ana', 'PUT', quizPath(quizAll), { attempts_allowed: 5 });
  assert.equal(r.status, 403, show(r));
  r = await call('out', 'GET', quizPath(quizAll));
  assert.equal(r.status, 403, show(r));
  assert.equal(r.json.error.code, 'not_enrolled');
  r = await call('out', 'POST', `${quizPath(quizAll)}/attempts`);
  assert.equal(r.status, 403, show(r));
  r = await call('teacher', 'GET', `/api/v1/courses/QZ-2/quizzes/${quizAll}`);
  assert.equal(r.status, 403, show(r), 'tom is not enrolled in QZ-2');
  r = await call('admin', 'GET', `/api/v1/courses/QZ-2/quizzes/${quizAll}`);
  assert.equal(r.status, 404, show(r), 'the quiz is not in QZ-2');
});

test('every question type is graded through the API, with partial credit', async () => {
  const a = await start('ana', quizAll, 201);
  anaAttempt = a.id;
  assert.equal(a.state, 'in_progress');
  assert.equal(a.number, 1);
  assert.equal(a.questions.length, 8);
  assert.equal(a.seconds_left, null, 'no time limit');
  assert.equal(a.deadline_at, null);
  assert.deepEqual(a.questions.map((x) => x.question_id), ALL.map((n) => q[n]), 'questions in order');
  // While in progress nothing gives the answers away.
  for (const x of a.questions) {
    for (const k of ['fraction', 'mark', 'correct', 'feedback']) assert.equal(x[k] ?? null, null, `${k} of ${x.type} while in progress`);
    for (const ans of x.answers || []) assert.equal(ans.fraction, undefined, `answer weights hidden (${x.type})`);
  }
  const m = bySlot(a, slotOf(a, q.matching));
  assert.equal(m.lefts.length, 3);
  assert.equal(m.rights.length, 3);
  // Starting again resumes the same attempt.
  const again = await start('ana', quizAll, 200);
  assert.equal(again.id, a.id);

  const s = (name) => String(slotOf(a, q[name]));
  essaySlot = Number(s('essay'));
  const answers = {
    [s('single')]: { choice: 0 }, // right: 1
    [s('multi')]: { choices: [0] }, // half: 0.5
    [s('truefalse')]: { value: false }, // wrong: 0
    [s('short')]: { text: '  mart ' }, // wildcard answer worth 50%: 0.5
    [s('numerical')]: { value: '3,5' }, // in the range worth 50%, with a decimal comma: 0.5
    [s('matching')]: { pairs: [0, 2, 1] }, // one pair of three: 1/3
  };
  let r = await save('ana', a.id, answers);
  assert.equal(r.status, 200, show(r));
  assert.equal(typeof r.json.saved_at, 'number');
  assert.equal(r.json.seconds_left, null);
  r = await save('ana', a.id, { [s('essay')]: { text: 'Fire doors stay shut.' } });
  assert.equal(r.status, 200, show(r));
  r = await getAttempt('ana', a.id);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(bySlot(r.json.attempt, Number(s('multi'))).response, { choices: [0] });
  assert.deepEqual(bySlot(r.json.attempt, Number(s('matching'))).response, { pairs: [0, 2, 1] });
  assert.deepEqual(bySlot(r.json.attempt, essaySlot).response, { text: 'Fire doors stay shut.' });

  // Bad input: a slot not in the attempt, a response of the wrong shape; nothing saved.
  r = await save('ana', a.id, { 99: { choice: 0 } });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'answers.99');
  r = await save('ana', a.id, { [s('single')]: { choice: 7 }, [s('truefalse')]: { value: true } });
  assert.equal(r.status, 422, show(r));
  assert.match(r.json.error.field, /^answers/);
  r = await save('ana', a.id, { [s('numerical')]: { value: 'three' } });
  assert.equal(r.status, 422, show(r));
  r = await call('ana', 'PUT', `/api/v1/attempts/${a.id}/answers`, { answers: [1, 2] });
  assert.equal(r.status, 422, show(r));
  r = await getAttempt('ana', a.id);
  assert.deepEqual(bySlot(r.json.attempt, Number(s('single'))).response, { choice: 0 });
  assert.deepEqual(bySlot(r.json.attempt, Number(s('truefalse'))).response, { value: false });

  // Submit: graded at once, the essay waits for a person.
  r = await submit('ana', a.id);
  assert.equal(r.status, 200, show(r));
  const done = r.json.attempt;
  assert.equal(done.state, 'submitted');
  const frac = (name) => bySlot(done, Number(s(name))).fraction;
  close(frac('single'), 1, 'single');
  close(frac('multi'), 0.5, 'multi');
  close(frac('truefalse'), 0, 'truefalse');
  close(frac('short'), 0.5, 'short');
  close(frac('numerical'), 0.5, 'numerical');
  close(frac('matching'), 1 / 3, 'matching');
  assert.equal(frac('essay') ?? null, null, 'the essay is not graded yet');
  // A description is not graded: no mark to speak of, and max_score leaves it out.
  assert.ok([0, null].includes(bySlot(done, Number(s('description'))).mark ?? null), 'a description has no mark');
  close(done.score, 1 + 0.5 + 0 + 0.5 + 0.5 + 1 / 3, 'score');
  assert.equal(done.max_score, 8);
  // Review after submit (all after_submit here): feedback of the chosen answer is shown.
  assert.equal(bySlot(done, Number(s('single'))).feedback, 'Yes, Paris.');
  assert.equal(bySlot(done, Number(s('short'))).feedback, 'Check the spelling.');
  assert.equal(done.review.correct, true);

  // A second submit is refused and grades nothing twice.
  r = await submit('ana', a.id, { answers: { [s('truefalse')]: { value: true } } });
  assert.equal(r.status, 409, show(r));
  assert.equal(r.json.error.code, 'attempt_submitted');
  r = await save('ana', a.id, { [s('truefalse')]: { value: true } });
  assert.equal(r.status, 409, show(r));
  assert.equal(r.json.error.code, 'attempt_submitted');
  r = await getAttempt('ana', a.id);
  close(r.json.attempt.score, done.score, 'score unchanged');
  close(bySlot(r.json.attempt, Number(s('truefalse'))).fraction, 0, 'truefalse unchanged');
  r = await call('ana', 'GET', quizPath(quizAll));
  assert.equal(r.json.quiz.attempts.length, 1);
  assert.equal(r.json.quiz.attempts[0].needs_grading, true);
});

test("someone else's attempt is 404 for a learner; the course's instructor sees it", async () => {
  for (const [m, p, body] of [['GET', `/api/v1/attempts/${anaAttempt}`], ['PUT', `/api/v1/attempts/${anaAttempt}/answers`, { answers: {} }],
    ['POST', `/api/v1/attempts/${anaAttempt}/submit`, {}], ['GET', '/api/v1/attempts/999999']]) {
    const r = await call('ben', m, p, body);
    assert.equal(r.status, 404, `${m} ${p}: ${show(r)}`);
  }
  const r = await getAttempt('teacher', anaAttempt);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.attempt.id, anaAttempt);
  assert.equal(bySlot(r.json.attempt, essaySlot).response.text, 'Fire doors stay shut.');
});

test('essays: the grading queue, grading by mark with a comment, bad grades refused', async () => {
  let r = await call('teacher', 'GET', `/api/v1/courses/${COURSE}/grading`);
  assert.equal(r.status, 200, show(r));
  const item = r.json.queue.find((x) => x.attempt_id === anaAttempt);
  assert.ok(item, show(r));
  assert.equal(item.slot, essaySlot);
  assert.equal(item.user, 'ana');
  assert.equal(item.response_text, 'Fire doors stay shut.');
  assert.equal(item.quiz_id, quizAll);
  r = await call('ana', 'GET', `/api/v1/courses/${COURSE}/grading`);
  assert.equal(r.status, 403, show(r));

  const grade = (who, body, slot = essaySlot) => call(who, 'POST', `/api/v1/attempts/${anaAttempt}/slots/${slot}/grade`, body);
  r = await grade('ana', { fraction: 1 });
  assert.equal(r.status, 403, show(r));
  r = await grade('teacher', { fraction: 1.5 });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'fraction');
  r = await grade('teacher', { mark: 3 });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'mark');
  r = await grade('teacher', {});
  assert.equal(r.status, 422, show(r));
  r = await grade('teacher', { fraction: 1 }, 99);
  assert.equal(r.status, 404, show(r));

  r = await grade('teacher', { mark: 1.5, comment: 'Good point about doors.' });
  assert.equal(r.status, 200, show(r));
  const g = bySlot(r.json.attempt, essaySlot);
  close(g.fraction, 0.75, 'essay fraction');
  close(g.mark, 1.5, 'essay mark');
  assert.equal(g.comment, 'Good point about doors.');
  const expected = 1 + 0.5 + 0 + 0.5 + 0.5 + 1 / 3 + 1.5;
  close(r.json.attempt.score, expected, 'score with the essay');
  close(r.json.attempt.percent, (expected / 8) * 100, 'percent');

  r = await call('teacher', 'GET', `/api/v1/courses/${COURSE}/grading`);
  assert.equal(r.json.queue.filter((x) => x.attempt_id === anaAttempt).length, 0, 'the queue is empty for it');
  // The learner sees the mark and the comment, and the grade on the quiz page.
  r = await getAttempt('ana', anaAttempt);
  assert.equal(bySlot(r.json.attempt, essaySlot).comment, 'Good point about doors.');
  close(r.json.attempt.percent, (expected / 8) * 100, 'learner percent');
  assert.equal(r.json.attempt.passed, true);
  r = await call('ana', 'GET', quizPath(quizAll));
  assert.equal(r.json.quiz.attempts[0].needs_grading, false);
  close(r.json.quiz.grade, (expected / 8) * 100, 'quiz grade');
  assert.equal(r.json.quiz.passed, true);
  // Audited.
  r = await call('admin', 'GET', '/api/v1/audit?limit=100');
  assert.ok(r.json.items.some((x) => /grade/.test(x.action)), JSON.stringify(r.json.items.map((x) => x.action)));
});

test('results as JSON and CSV, for managers only', async () => {
  let r = await call('teacher', 'GET', `${quizPath(quizAll)}/results`);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json.quiz, { id: quizAll, title: 'Everything' });
  const row = r.json.attempts.find((x) => x.id === anaAttempt);
  assert.ok(row, show(r));
  assert.equal(row.user, 'ana');
  assert.equal(row.state, 'submitted');
  assert.equal(row.needs_grading, false);
  close(row.percent, ((1 + 0.5 + 0.5 + 0.5 + 1 / 3 + 1.5) / 8) * 100, 'results percent');
  assert.equal(r.json.summary.attempts, 1);
  assert.equal(r.json.summary.learners, 1);
  assert.equal(r.json.summary.histogram.length, 10);
  assert.equal(r.json.summary.histogram.reduce((x, y) => x + y, 0), 1);
  const single = r.json.questions.find((x) => x.question_id === q.single);
  assert.ok(single, JSON.stringify(r.json.questions));
  close(single.facility, 1, 'facility of the single question');
  assert.equal(single.discrimination, null, 'fewer than 2 attempts');

  r = await api(server, 'GET', `${quizPath(quizAll)}/results.csv`, { token: teacher });
  assert.equal(r.status, 200, show(r));
  assert.match(r.headers['content-type'], /^text\/csv/);
  assert.match(r.headers['content-disposition'], /attachment; filename=".*\.csv"/);
  const lines = r.text.trim().split(/\r?\n/);
  assert.match(lines[0], /^username,name,attempt,state,started,submitted,score,max,percent,passed/);
  assert.equal(lines.length, 2, r.text);
  assert.match(lines[1], /^ana,/);
  for (const who of ['ana']) {
    const x = await call(who, 'GET', `${quizPath(quizAll)}/results`);
    assert.equal(x.status, 403, show(x));
    const y = await call(who, 'GET', `${quizPath(quizAll)}/results.csv`);
    assert.equal(y.status, 403, show(y));
  }
});

test('review settings: correct answers stay hidden until the quiz closes', async () => {
  const closeAt = Math.floor(Date.now() / 1000) + 3600;
  const quiz = await makeQuiz('Hidden answers', {
    question_ids: [q.single, q.short], review_answers: 'after_submit', review_correct: 'after_close',
    review_feedback: 'never', close_at: closeAt, attempts_allowed: 1,
  });
  const a = await start('ben', quiz);
  let r = await submit('ben', a.id, { answers: { [slotOf(a, q.single)]: { choice: 1 }, [slotOf(a, q.short)]: { text: 'Mars' } } });
  assert.equal(r.status, 200, show(r));
  let att = r.json.attempt;
  assert.equal(att.review.correct, false);
  assert.equal(att.review.feedback, false);
  for (const x of att.questions) {
    assert.equal(x.correct ?? null, null, `no correct answer shown for ${x.type}`);
    assert.equal(x.feedback ?? null, null, `no feedback for ${x.type}`);
    assert.equal(x.general_feedback ?? null, null, `no general feedback for ${x.type}`);
  }
  // Own answers and marks are shown (after_submit).
  assert.equal(att.review.answers, true);
  close(bySlot(att, slotOf(a, q.single)).fraction, 0, 'wrong choice');
  close(bySlot(att, slotOf(a, q.short)).fraction, 1, 'right text');
  const hidden = JSON.stringify(att);
  assert.ok(!hidden.includes('Yes, Paris.'), 'no answer feedback leaks anywhere in the JSON');

  // Close the quiz (close_at in the past): now the correct answers show.
  r = await call('teacher', 'PUT', quizPath(quiz), { close_at: Math.floor(Date.now() / 1000) - 5 });
  assert.equal(r.status, 200, show(r));
  r = await getAttempt('ben', a.id);
  att = r.json.attempt;
  assert.equal(att.review.correct, true);
  const sq = bySlot(att, slotOf(a, q.single));
  assert.ok(sq.correct !== undefined && sq.correct !== null, JSON.stringify(sq));
  assert.equal(att.review.feedback, false, 'feedback is never shown');
  // A closed quiz cannot be started.
  r = await call('cat', 'POST', `${quizPath(quiz)}/attempts`);
  assert.equal(r.status, 403, show(r));
  assert.equal(r.json.error.code, 'quiz_closed');
});

test('time limit: answers after the deadline are refused and the server submits what was saved', async () => {
  const quiz = await makeQuiz('Quick', { question_ids: [q.single, q.short], time_limit_seconds: 2, attempts_allowed: 1 });
  const startedAt = Date.now();
  const a = await start('cat', quiz);
  assert.ok(a.deadline_at, JSON.stringify(a));
  assert.ok(a.seconds_left <= 2 && a.seconds_left >= 0, `seconds_left ${a.seconds_left}`);
  let r = await save('cat', a.id, { [slotOf(a, q.single)]: { choice: 0 } });
  assert.equal(r.status, 200, show(r));
  assert.ok(r.json.seconds_left <= 2, show(r));
  // Wait until the deadline has surely passed.
  while (Date.now() - startedAt < 3500) await sleep(250);
  r = await save('cat', a.id, { [slotOf(a, q.short)]: { text: 'Mars' } });
  assert.equal(r.status, 409, show(r));
  assert.equal(r.json.error.code, 'deadline_passed');
  r = await submit('cat', a.id, { answers: { [slotOf(a, q.short)]: { text: 'Mars' } } });
  assert.equal(r.status, 409, show(r));
  r = await getAttempt('cat', a.id);
  assert.equal(r.status, 200, show(r));
  const att = r.json.attempt;
  assert.equal(att.state, 'submitted', 'the server submitted it');
  close(bySlot(att, slotOf(a, q.single)).fraction, 1, 'what was saved is graded');
  assert.equal(bySlot(att, slotOf(a, q.short)).response ?? null, null, 'the late answer was not saved');
  close(att.score, 1, 'score');
  // The one attempt is used.
  r = await call('cat', 'GET', quizPath(quiz));
  assert.equal(r.json.quiz.can_start, false);
  assert.equal(r.json.quiz.reason, 'no_attempts_left');
  assert.equal(r.json.quiz.in_progress, null);
});

test('attempts allowed, and an override of one more attempt and more time (audited)', async () => {
  const quiz = await makeQuiz('Once', { question_ids: [q.single], attempts_allowed: 1, time_limit_seconds: 60 });
  const a = await start('dan', quiz);
  assert.ok(a.seconds_left <= 60 && a.seconds_left > 50, `seconds_left ${a.seconds_left}`);
  let r = await submit('dan', a.id, { answers: { [slotOf(a, q.single)]: { choice: 2 } } });
  assert.equal(r.status, 200, show(r));
  r = await call('dan', 'GET', quizPath(quiz));
  assert.equal(r.json.quiz.attempts_left, 0);
  assert.equal(r.json.quiz.can_start, false);
  assert.equal(r.json.quiz.reason, 'no_attempts_left');
  r = await call('dan', 'POST', `${quizPath(quiz)}/attempts`);
  assert.equal(r.status, 403, show(r));
  assert.equal(r.json.error.code, 'no_attempts_left');

  // Overrides: by the course's instructor only; unknown people refused.
  r = await call('dan', 'PUT', `${quizPath(quiz)}/overrides/dan`, { extra_attempts: 1 });
  assert.equal(r.status, 403, show(r));
  r = await call('teacher', 'PUT', `${quizPath(quiz)}/overrides/nobody`, { extra_attempts: 1 });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'username');
  r = await call('teacher', 'PUT', `${quizPath(quiz)}/overrides/dan`, { extra_attempts: 1, extra_seconds: 120 });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json.override, { username: 'dan', extra_seconds: 120, extra_attempts: 1 });

  r = await call('dan', 'GET', quizPath(quiz));
  assert.equal(r.json.quiz.attempts_left, 1);
  assert.equal(r.json.quiz.can_start, true);
  assert.deepEqual(r.json.quiz.override, { extra_seconds: 120, extra_attempts: 1 });
  const b = await start('dan', quiz);
  assert.equal(b.number, 2);
  assert.ok(b.seconds_left > 170 && b.seconds_left <= 180, `seconds_left with extra time: ${b.seconds_left}`);
  // Others keep the plain limits.
  const e = await start('eve', quiz);
  assert.ok(e.seconds_left <= 60, `eve's seconds_left ${e.seconds_left}`);

  r = await call('admin', 'GET', '/api/v1/audit?limit=100');
  assert.equal(r.status, 200, show(r));
  const entry = r.json.items.find((x) => x.action === 'quiz.override');
  assert.ok(entry, JSON.stringify(r.json.items.map((x) => x.action)));
  assert.match(JSON.stringify(entry), new RegExp(`${quiz}`));
});

test('grading methods: highest, last, first and average of several attempts', async () => {
  const quiz = await makeQuiz('Many tries', { question_ids: [q.multi], attempts_allowed: 0, grading_method: 'highest' });
  // 50%, 100%, 0%, 0%.
  for (const choices of [[0], [0, 1], [2], []]) {
    const a = await start('eve', quiz);
    const r = await submit('eve', a.id, { answers: { [slotOf(a, q.multi)]: { choices } } });
    assert.equal(r.status, 200, show(r));
  }
  const grade = async () => (await call('eve', 'GET', quizPath(quiz))).json.quiz;
  let quizJ = await grade();
  assert.equal(quizJ.attempts.length, 4);
  assert.deepEqual(quizJ.attempts.map((x) => x.percent), [50, 100, 0, 0]);
  close(quizJ.grade, 100, 'highest');
  for (const [method, expected] of [['last', 0], ['first', 50], ['average', 37.5], ['highest', 100]]) {
    const r = await call('teacher', 'PUT', quizPath(quiz), { grading_method: method });
    assert.equal(r.status, 200, show(r));
    quizJ = await grade();
    close(quizJ.grade, expected, method);
  }
});

test('regrading after a question is corrected: the score changes, the hand-graded essay stays', async () => {
  const quiz = await makeQuiz('Regrade', { question_ids: [q.spain, q.essay], attempts_allowed: 1 });
  const a = await start('fay', quiz);
  const spain = slotOf(a, q.spain);
  const essay = slotOf(a, q.essay);
  let r = await submit('fay', a.id, { answers: { [spain]: { text: 'Madrid' }, [essay]: { text: 'Learnt a lot.' } } });
  assert.equal(r.status, 200, show(r));
  close(bySlot(r.json.attempt, spain).fraction, 0, 'marked wrong against the wrong key');
  r = await call('teacher', 'POST', `/api/v1/attempts/${a.id}/slots/${essay}/grade`, { fraction: 0.5, comment: 'Say more.' });
  assert.equal(r.status, 200, show(r));
  close(r.json.attempt.score, 0.5, 'score before the correction');

  // The key was wrong: correct it. The attempt is regraded.
  r = await call('teacher', 'PUT', `/api/v1/courses/${COURSE}/questions/${q.spain}`, {
    type: 'short', title: 'Spain', text: 'The capital of Spain?', answers: [{ text: 'Madrid', fraction: 100, feedback: '' }],
  });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.regraded, 1);
  r = await getAttempt('fay', a.id);
  const att = r.json.attempt;
  close(bySlot(att, spain).fraction, 1, 'regraded');
  close(bySlot(att, essay).fraction, 0.5, 'the hand grade stays');
  assert.equal(bySlot(att, essay).comment, 'Say more.');
  close(att.score, 1.5, 'score after regrading');
  close(att.percent, 75, 'percent after regrading');
  // Editing it again without changing what is right changes no grade.
  r = await call('teacher', 'PUT', `/api/v1/courses/${COURSE}/questions/${q.spain}`, {
    type: 'short', title: 'Spain', text: 'What is the capital of Spain?', answers: [{ text: 'Madrid', fraction: 100, feedback: '' }],
  });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.regraded, 0);
});

test('a course copy brings its question bank and quizzes along, pointing at the copied questions', async () => {
  const quiz = await makeQuiz('Copied', { question_ids: [q.single, q.short], points: '1,3', time_limit_seconds: 600, pass_percent: 60 });
  let r = await call('ana', 'POST', `/api/v1/courses/${COURSE}/quizzes/${quiz}/attempts`);
  assert.equal(r.status, 201, show(r));
  r = await call('admin', 'POST', `/api/v1/courses/${COURSE}/copy`, { new_code: 'QZ-COPY' });
  assert.equal(r.status, 201, show(r));
  const src = await call('admin', 'GET', `/api/v1/courses/${COURSE}/questions?per_page=100`);
  const copy = await call('admin', 'GET', '/api/v1/courses/QZ-COPY/questions?per_page=100');
  assert.equal(copy.status, 200, show(copy));
  assert.equal(copy.json.total, src.json.total, 'every question of the bank is copied');
  assert.deepEqual(copy.json.questions.map((x) => x.title).sort(), src.json.questions.map((x) => x.title).sort());
  assert.ok(copy.json.questions.every((x) => !Object.values(q).includes(x.id)), 'the copies are new questions');

  const course = (await call('admin', 'GET', '/api/v1/courses/QZ-COPY')).json;
  const act = course.sections.flatMap((s) => s.activities).find((x) => x.title === 'Copied');
  r = await call('admin', 'GET', `/api/v1/courses/QZ-COPY/quizzes/${act.id}`);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.quiz.time_limit_seconds, 600);
  assert.equal(r.json.quiz.pass_percent, 60);
  assert.deepEqual(r.json.quiz.question_list.map((x) => [x.title, x.points]), [['Capital', 1], ['Planet', 3]]);
  const copied = new Set(copy.json.questions.map((x) => x.id));
  assert.ok(r.json.quiz.question_list.every((x) => copied.has(x.id)), 'the quiz uses the copy\'s own questions');
  r = await call('admin', 'GET', `/api/v1/courses/QZ-COPY/quizzes/${act.id}/results`);
  assert.equal(r.json.summary.attempts, 0, 'attempts stay with the original');
});

test('the deadline sweep submits an abandoned attempt with what was saved', async () => {
  const srv = await startServer();
  try {
    const adm = await adminToken(srv);
    const as = (token, method, path, body) => api(srv, method, path, { token, body });
    let r = await as(adm, 'POST', '/api/v1/courses', { code: 'SW-1', title: 'Sweep', status: 'published' });
    assert.equal(r.status, 201, show(r));
    await createUser(srv, { username: 'gus', email: 'gus@example.com', first_name: 'Gus', last_name: 'G', roles: ['learner'], password: PW });
    r = await as(adm, 'POST', '/api/v1/courses/SW-1/enrolments', { username: 'gus', role: 'learner' });
    assert.equal(r.status, 201, show(r));
    const gus = await signIn(srv, 'gus', PW);
    r = await as(adm, 'POST', '/api/v1/courses/SW-1/sections', { title: 'S' });
    const sec = r.json.id;
    r = await as(adm, 'POST', '/api/v1/courses/SW-1/questions', { type: 'truefalse', text: 'Water is wet.', answers: [
      { text: 'true', fraction: 100, feedback: '' }, { text: 'false', fraction: 0, feedback: '' }] });
    assert.equal(r.status, 201, show(r));
    const qid = r.json.question.id;
    r = await as(adm, 'POST', '/api/v1/courses/SW-1/activities', { section_id: sec, kind: 'quiz', title: 'Sweep quiz' });
    assert.equal(r.status, 201, show(r));
    const quiz = r.json.activity.id;
    // A short limit, but long enough for the one answer below to be saved first on a busy machine.
    r = await as(adm, 'PUT', `/api/v1/courses/SW-1/quizzes/${quiz}`, { question_ids: [qid], time_limit_seconds: 4 });
    assert.equal(r.status, 200, show(r));
    r = await as(gus, 'POST', `/api/v1/courses/SW-1/quizzes/${quiz}/attempts`);
    assert.equal(r.status, 201, show(r));
    const att = r.json.attempt;
    r = await as(gus, 'PUT', `/api/v1/attempts/${att.id}/answers`, { answers: { [att.questions[0].slot]: { value: true } } });
    assert.equal(r.status, 200, show(r));
    // The learner walks away. Within a sweep or two the attempt is submitted and graded.
    const deadline = Date.now() + 20000;
    let row;
    for (;;) {
      r = await as(adm, 'GET', `/api/v1/courses/SW-1/quizzes/${quiz}/results`);
      assert.equal(r.status, 200, show(r));
      row = r.json.attempts.find((x) => x.id === att.id && x.state === 'submitted');
      if (row || Date.now() > deadline) break;
      await sleep(500);
    }
    assert.ok(row, `not submitted by the sweep: ${show(r)}`);
    close(row.percent, 100, 'graded with the saved answer');
  } finally {
    await srv.stop();
  }
});
