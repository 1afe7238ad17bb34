// The question bank through the API: every question type created, read (with its GIFT),
// edited and deleted; validation errors name the field and say what to fix; GIFT import all or
// nothing, dry run and skip_bad; export that imports back; a course cannot read another
// course's question; learners and instructors of other courses are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, socketRequest } from '../lib/server.mjs';

let server;
let admin;
let teacher; // instructor of QB-1 only
let learner;
const PW = 'Amber-Falcon-Ridge-24';

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'tina', email: 'tina@example.com', first_name: 'Tina', last_name: 'T', roles: ['instructor'], password: PW });
  await createUser(server, { username: 'lars', email: 'lars@example.com', first_name: 'Lars', last_name: 'L', roles: ['learner'], password: PW });
  for (const code of ['QB-1', 'QB-2']) {
    const r = await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code, title: `Bank ${code}`, status: 'published' } });
    assert.equal(r.status, 201, show(r));
  }
  let r = await api(server, 'POST', '/api/v1/courses/QB-1/enrolments', { token: admin, body: { username: 'tina', role: 'instructor' } });
  assert.equal(r.status, 201, show(r));
  r = await api(server, 'POST', '/api/v1/courses/QB-1/enrolments', { token: admin, body: { username: 'lars', role: 'learner' } });
  assert.equal(r.status, 201, show(r));
  teacher = await signIn(server, 'tina', PW);
  learner = await signIn(server, 'lars', PW);
});
after(async () => { if (server) await server.stop(); });

const base = '/api/v1/courses/QB-1/questions';
const create = (body, token = teacher, code = 'QB-1') => api(server, 'POST', `/api/v1/courses/${code}/questions`, { token, body });

// One question of every type, as assessments.h describes them.
const QUESTIONS = {
  single: { type: 'single', title: 'Capital', text: 'The capital of France?', answers: [
    { text: 'Paris', fraction: 100, feedback: 'Yes' }, { text: 'Lyon', fraction: 0, feedback: 'No' }, { text: 'Nice', fraction: 0, feedback: '' }] },
  multi: { type: 'multi', title: 'Primes', text: 'Which are prime?', answers: [
    { text: '2', fraction: 50, feedback: '' }, { text: '3', fraction: 50, feedback: '' }, { text: '4', fraction: -100, feedback: '' }] },
  truefalse: { type: 'truefalse', title: 'Sky', text: 'The sky is blue.', answers: [
    { text: 'true', fraction: 100, feedback: 'Right' }, { text: 'false', fraction: 0, feedback: 'Look up' }] },
  short: { type: 'short', title: 'Planet', text: 'The red planet?', case_sensitive: false, answers: [
    { text: 'Mars', fraction: 100, feedback: '' }, { text: 'Mar*', fraction: 50, feedback: 'Spelling' }] },
  numerical: { type: 'numerical', title: 'Pi', text: 'Pi to two places?', answers: [
    { value: 3.14, tolerance: 0.01, fraction: 100, feedback: '' }, { min: 3, max: 4, fraction: 50, feedback: 'Close' }] },
  matching: { type: 'matching', title: 'Pairs', text: 'Match the animals to their sounds.', answers: [
    { left: 'cat', right: 'meow' }, { left: 'dog', right: 'woof' }, { left: 'cow', right: 'moo' }] },
  essay: { type: 'essay', title: 'Reflect', text: 'What did you learn?', answers: [] },
  description: { type: 'description', title: 'Intro', text: 'Read the following carefully.', answers: [] },
};

const ids = {};
test('every question type is created, read back with its GIFT, and listed', async () => {
  for (const [type, q] of Object.entries(QUESTIONS)) {
    const r = await create({ ...q, category: 'Week 1' });
    assert.equal(r.status, 201, `${type}: ${show(r)}`);
    const got = r.json.question;
    assert.equal(got.type, type);
    assert.equal(got.title, q.title);
    assert.equal(got.text, q.text);
    assert.equal(got.version, 1);
    assert.equal(got.shared, false);
    assert.equal(got.answers.length, q.answers.length, `${type}: ${show(r)}`);
    assert.ok(Number.isInteger(got.id) && got.id > 0);
    ids[type] = got.id;
    const one = await api(server, 'GET', `${base}/${got.id}`, { token: teacher });
    assert.equal(one.status, 200, show(one));
    assert.equal(one.json.question.id, got.id);
    assert.equal(typeof one.json.gift, 'string');
    assert.ok(one.json.gift.includes(q.title), `${type} GIFT names the title: ${one.json.gift}`);
  }
  // Spot checks of the stored shapes.
  let r = await api(server, 'GET', `${base}/${ids.numerical}`, { token: teacher });
  assert.equal(r.json.question.answers[0].value, 3.14);
  assert.equal(r.json.question.answers[0].tolerance, 0.01);
  assert.equal(r.json.question.answers[1].min, 3);
  r = await api(server, 'GET', `${base}/${ids.matching}`, { token: teacher });
  assert.deepEqual(r.json.question.answers.map((a) => a.left), ['cat', 'dog', 'cow']);
  r = await api(server, 'GET', `${base}/${ids.multi}`, { token: teacher });
  assert.deepEqual(r.json.question.answers.map((a) => a.fraction), [50, 50, -100]);
  // Plain answers of a Markdown question carry [plain]: untagged, Moodle would read them as the question's format.
  assert.ok(/\{[\s\S]*~%50%\[plain\]2[\s\S]*\}/.test(r.json.gift), r.json.gift);

  const list = await api(server, 'GET', base, { token: teacher });
  assert.equal(list.status, 200, show(list));
  assert.equal(list.json.total, 8);
  assert.equal(list.json.questions.length, 8);
  assert.deepEqual(list.json.course, { code: 'QB-1', title: 'Bank QB-1' });
  const cat = list.json.categories.find((c) => c.name === 'Week 1');
  assert.ok(cat, JSON.stringify(list.json.categories));
  assert.equal(cat.questions, 8);
  // Filters: text search and category.
  const found = await api(server, 'GET', `${base}?q=planet`, { token: teacher });
  assert.equal(found.status, 200, show(found));
  assert.deepEqual(found.json.questions.map((q) => q.id), [ids.short]);
  const byCat = await api(server, 'GET', `${base}?category_id=${cat.id}&per_page=3`, { token: teacher });
  assert.equal(byCat.json.total, 8);
  assert.equal(byCat.json.questions.length, 3);
  const cats = await api(server, 'GET', '/api/v1/courses/QB-1/question-categories', { token: teacher });
  assert.equal(cats.status, 200, show(cats));
  assert.ok(cats.json.categories.some((c) => c.name === 'Week 1' && c.shared === false));
});

test('editing a question bumps its version; deleting it hides it (404 afterwards)', async () => {
  const q = { ...QUESTIONS.single, text: 'The capital city of France?', category: 'Week 1' };
  let r = await api(server, 'PUT', `${base}/${ids.single}`, { token: teacher, body: q });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.question.text, 'The capital city of France?');
  assert.equal(r.json.question.version, 2);
  assert.equal(r.json.regraded, 0);
  // A bad edit changes nothing.
  r = await api(server, 'PUT', `${base}/${ids.single}`, { token: teacher, body: { ...q, answers: [{ text: 'A', fraction: 0 }, { text: 'B', fraction: 0 }] } });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'answers');
  r = await api(server, 'GET', `${base}/${ids.single}`, { token: teacher });
  assert.equal(r.json.question.version, 2);

  const extra = await create({ type: 'short', text: 'Throwaway?', answers: [{ text: 'x', fraction: 100 }] });
  assert.equal(extra.status, 201, show(extra));
  r = await api(server, 'DELETE', `${base}/${extra.json.question.id}`, { token: teacher });
  assert.equal(r.status, 204, show(r));
  assert.equal(r.text, '');
  r = await api(server, 'GET', `${base}/${extra.json.question.id}`, { token: teacher });
  assert.equal(r.status, 404, show(r));
  r = await api(server, 'DELETE', `${base}/${extra.json.question.id}`, { token: teacher });
  assert.equal(r.status, 404, show(r));
  r = await api(server, 'PUT', `${base}/999999`, { token: teacher, body: QUESTIONS.single });
  assert.equal(r.status, 404, show(r));
  const list = await api(server, 'GET', base, { token: teacher });
  assert.equal(list.json.total, 8);
});

test('validation errors name the field and say what to fix', async () => {
  const bad = async (body, field, pattern, what) => {
    const r = await create(body);
    assert.equal(r.status, 422, `${what}: ${show(r)}`);
    assert.equal(r.json.error.code, 'invalid', what);
    assert.equal(r.json.error.field, field, `${what}: ${show(r)}`);
    assert.match(r.json.error.message, pattern, what);
  };
  await bad({ type: 'poll', text: 'x', answers: [] }, 'type', /Choose a type: single, multi/, 'unknown type');
  await bad({ text: 'x', answers: [] }, 'type', /Choose a type/, 'no type');
  await bad({ type: 'single', answers: [{ text: 'a', fraction: 100 }, { text: 'b', fraction: 0 }] }, 'text', /question text is missing/, 'no text');
  await bad({ type: 'single', text: '', answers: [{ text: 'a', fraction: 100 }, { text: 'b', fraction: 0 }] }, 'text', /empty/, 'empty text');
  await bad({ type: 'single', text: 'Pick', answers: [{ text: 'a', fraction: 50 }, { text: 'b', fraction: 0 }] }, 'answers', /No answer is worth 100%/, 'single without a right answer');
  await bad({ type: 'multi', text: 'Pick', answers: [{ text: 'a', fraction: 50 }, { text: 'b', fraction: 40 }, { text: 'c', fraction: 0 }] },
    'answers', /add up to 90%; make them 100%/, 'multi weights');
  await bad({ type: 'single', text: 'Pick', answers: [{ text: 'a', fraction: 150 }, { text: 'b', fraction: 0 }] }, 'answers', /150%/, 'weight out of range');
  await bad({ type: 'truefalse', text: 'T?', answers: [{ text: 'true', fraction: 100 }] }, 'answers', /exactly two answers/, 'true/false with one answer');
  await bad({ type: 'truefalse', text: 'T?', answers: [{ text: 'true', fraction: 100 }, { text: 'false', fraction: 100 }] }, 'answers', /exactly one of true and false/, 'both true');
  await bad({ type: 'short', text: 'S?', answers: [{ text: 'a', fraction: 50 }] }, 'answers', /worth 100%/, 'short without 100%');
  await bad({ type: 'numerical', text: 'N?', answers: [{ min: 5, max: 1, fraction: 100 }] }, 'answers', /from 5 down to 1; put the smaller number first/, 'reversed range');
  await bad({ type: 'numerical', text: 'N?', answers: [{ value: 1, tolerance: -1, fraction: 100 }] }, 'answers', /negative tolerance/, 'negative tolerance');
  await bad({ type: 'matching', text: 'M?', answers: [{ left: 'a', right: 'b' }] }, 'answers', /at least/, 'one pair');
  await bad({ type: 'essay', text: 'E?', answers: [{ text: 'x', fraction: 100 }] }, 'answers', /has no answers; remove them/, 'essay with answers');
  await bad({ type: 'single', text: 'F', format: 'rtf', answers: [{ text: 'a', fraction: 100 }, { text: 'b', fraction: 0 }] }, 'format', /Unknown format "rtf"/, 'format');
  await bad({ type: 'short', text: 'S?', case_sensitive: 'yes', answers: [{ text: 'a', fraction: 100 }] }, 'case_sensitive', /true or false/, 'case_sensitive');
  // Nothing was saved by any of them.
  const list = await api(server, 'GET', base, { token: teacher });
  assert.equal(list.json.total, 8);
});

const GIFT_GOOD = `// three good questions
$CATEGORY: Imported/Basics

::Add:: What is 2+2? {=4 ~3 ~5}

::Moon:: The moon is made of cheese. {F}

::Speed:: Light speed in km/s? {#300000:1000}
`;
const GIFT_BAD = `${GIFT_GOOD}
::Broken:: This one never closes {=a ~b
`;

test('GIFT import: errors stop everything; dry_run saves nothing; skip_bad saves the good ones', async () => {
  const imp = (body) => api(server, 'POST', `${base}/import`, { token: teacher, body });
  const total = async () => (await api(server, 'GET', base, { token: teacher })).json.total;
  const before = await total();

  let r = await imp({ data: GIFT_BAD });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.saved, false);
  assert.equal(r.json.errors, 1);
  assert.equal(r.json.error.code, 'invalid');
  assert.equal(r.json.questions.length, 4);
  const broken = r.json.questions.find((q) => q.status === 'error');
  assert.ok(broken, show(r));
  assert.match(broken.error, /not closed/);
  assert.equal(broken.line, 10, JSON.stringify(broken));
  assert.equal(r.json.questions.filter((q) => q.status === 'ok').length, 3);
  assert.equal(await total(), before, 'all or nothing: nothing saved');

  r = await imp({ data: GIFT_GOOD, dry_run: true });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.saved, false);
  assert.equal(r.json.errors, 0);
  assert.deepEqual(r.json.questions.map((q) => q.type), ['single', 'truefalse', 'numerical']);
  assert.deepEqual(r.json.questions.map((q) => q.title), ['Add', 'Moon', 'Speed']);
  assert.equal(await total(), before, 'a dry run saves nothing');

  r = await imp({ data: GIFT_BAD, skip_bad: true });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.saved, true);
  assert.equal(r.json.imported, 3);
  assert.equal(r.json.errors, 1);
  assert.equal(await total(), before + 3);
  const cats = await api(server, 'GET', '/api/v1/courses/QB-1/question-categories', { token: teacher });
  assert.ok(cats.json.categories.some((c) => c.name === 'Imported/Basics' && c.questions === 3), JSON.stringify(cats.json));

  // Multipart file upload works the same way.
  const boundary = '----lecternbank';
  const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\ntrue\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="q.gift"\r\nContent-Type: text/plain\r\n\r\n${GIFT_GOOD}\r\n--${boundary}--\r\n`);
  r = await api(server, 'POST', `${base}/import`, { token: teacher, body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.questions.length, 3);
  assert.equal(r.json.saved, false);

  r = await imp({});
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'file');
});

test('GIFT import of a large bank: every error listed up to 1,000, the rest counted; a file over 8 MiB is refused naming 8 MiB', async () => {
  // 1,600 questions: the first 1,200 good, then 400 broken ones (an answer block never closed).
  const parts = [];
  for (let i = 1; i <= 1600; i++) parts.push(i <= 1200 ? `::Big ${i}::Is ${i} a number? {T}` : `::Big ${i}::Broken ${i} {=yes ~no`);
  let r = await api(server, 'POST', `${base}/import`, { token: teacher, body: { data: parts.join('\n\n') + '\n', dry_run: true } });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.imported, 1200);
  assert.equal(r.json.errors, 400);
  const ok = r.json.questions.filter((q) => q.status === 'ok');
  const bad = r.json.questions.filter((q) => q.status === 'error');
  assert.equal(ok.length, 1000, 'the good questions among the first 1,000');
  assert.equal(bad.length, 400, 'every error, with its line');
  assert.equal(bad[0].line, 2 * 1200 + 1);
  assert.equal(r.json.not_listed, 200);
  assert.equal(r.json.errors_not_listed, 0);

  const boundary = 'lecternbig';
  const big = await socketRequest(`${server.url}${base}/import`, {
    headers: { authorization: `Bearer ${teacher}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(20 * 1024 * 1024) },
  });
  assert.equal(big.status, 413);
  assert.match(JSON.parse(big.text).error.message, /The file is larger than the limit of 8 MiB/);
});

test('export writes GIFT that imports back into another course with the same questions', async () => {
  const r = await api(server, 'GET', `${base}/export`, { token: teacher });
  assert.equal(r.status, 200, show(r));
  assert.match(r.headers['content-type'], /^text\/plain/);
  assert.match(r.text, /^\$CATEGORY: (\$course\$\/top\/)?Week 1$/m);
  assert.match(r.text, /^\$CATEGORY: (\$course\$\/top\/)?Imported\/Basics$/m);
  assert.match(r.text, /::Capital::/);
  const imp = await api(server, 'POST', '/api/v1/courses/QB-2/questions/import', { token: admin, body: { data: r.text } });
  assert.equal(imp.status, 200, show(imp));
  assert.equal(imp.json.errors, 0, show(imp));
  assert.equal(imp.json.imported, 11);
  const a = await api(server, 'GET', `${base}?per_page=100`, { token: teacher });
  const b = await api(server, 'GET', '/api/v1/courses/QB-2/questions?per_page=100', { token: admin });
  const key = (q) => `${q.type}|${q.title}`;
  assert.deepEqual(b.json.questions.map(key).sort(), a.json.questions.map(key).sort());
  // Full content survives: the matching question's pairs and the numerical tolerance.
  const m = b.json.questions.find((q) => q.title === 'Pairs');
  const full = await api(server, 'GET', `/api/v1/courses/QB-2/questions/${m.id}`, { token: admin });
  assert.deepEqual(full.json.question.answers, QUESTIONS.matching.answers);
});

test('another course cannot read the question; learners and other instructors are refused', async () => {
  // QB-2's bank does not hold QB-1's question.
  let r = await api(server, 'GET', `/api/v1/courses/QB-2/questions/${ids.essay}`, { token: admin });
  assert.equal(r.status, 404, show(r));
  r = await api(server, 'PUT', `/api/v1/courses/QB-2/questions/${ids.essay}`, { token: admin, body: QUESTIONS.essay });
  assert.equal(r.status, 404, show(r));
  r = await api(server, 'DELETE', `/api/v1/courses/QB-2/questions/${ids.essay}`, { token: admin });
  assert.equal(r.status, 404, show(r));
  // The learner of QB-1: the capability is missing (403) whatever the route.
  for (const [m, p, body] of [['GET', base], ['POST', base, QUESTIONS.single], ['GET', `${base}/${ids.single}`],
    ['PUT', `${base}/${ids.single}`, QUESTIONS.single], ['DELETE', `${base}/${ids.single}`], ['GET', `${base}/export`],
    ['POST', `${base}/import`, { data: GIFT_GOOD }], ['GET', '/api/v1/courses/QB-1/question-categories']]) {
    r = await api(server, m, p, { token: learner, body });
    assert.equal(r.status, 403, `${m} ${p}: ${show(r)}`);
  }
  // An instructor who does not teach QB-2.
  r = await api(server, 'GET', '/api/v1/courses/QB-2/questions', { token: teacher });
  assert.equal(r.status, 403, show(r));
  r = await create(QUESTIONS.single, teacher, 'QB-2');
  assert.equal(r.status, 403, show(r));
  // Anonymous.
  r = await api(server, 'GET', base);
  assert.equal(r.status, 401, show(r));
  // Unknown course.
  r = await api(server, 'GET', '/api/v1/courses/NOPE/questions', { token: admin });
  assert.equal(r.status, 404, show(r));
});

test('shared questions: visible to every course, marked shared', async () => {
  const r = await create({ ...QUESTIONS.truefalse, title: 'Shared TF', shared: true }, admin);
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.question.shared, true);
  const other = await api(server, 'GET', `/api/v1/courses/QB-2/questions/${r.json.question.id}`, { token: admin });
  assert.equal(other.status, 200, show(other));
  assert.equal(other.json.question.shared, true);
});
