// The training record through the API: a person's courses with status, progress and completion,
// quiz-free sections empty but present, external training entered by the person (pending, no
// hours yet), approved by their line manager (hours counted), declined with a reason, refused
// for bad input with nothing written; and who may read a record: the person, their managers up
// the line and administrators, while a manager outside the line gets 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

const PW = 'Copper-Lantern-Orchard-47';
let server;
let admin;
const tokens = {};
let page;

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  for (const code of ['REC-1', 'REC-2']) {
    await call(admin, 'POST', '/api/v1/courses', { code, title: `Record course ${code}`, status: 'published', duration_minutes: 90 }, 201);
  }
  const section = (await call(admin, 'POST', '/api/v1/courses/REC-1/sections', { title: 'Part one' }, 201)).json.id;
  page = (await call(admin, 'POST', '/api/v1/courses/REC-1/activities', { section_id: section, kind: 'page', title: 'Read me', body: 'Text' }, 201)).json.activity.id;
  for (const [username, roles] of [['lea', ['learner']], ['max', ['manager']], ['boss', ['manager']], ['mo', ['manager']], ['zed', ['learner']]]) {
    await createUser(server, { username, first_name: username, last_name: 'Person', roles, password: PW }, admin);
    tokens[username] = await signIn(server, username, PW);
  }
  await call(admin, 'PATCH', '/api/v1/users/lea/profile', { manager: 'max' }, 200);
  await call(admin, 'PATCH', '/api/v1/users/max/profile', { manager: 'boss' }, 200);
  for (const code of ['REC-1', 'REC-2']) await call(admin, 'POST', `/api/v1/courses/${code}/enrolments`, { username: 'lea', role: 'learner', due: '2020-01-31' }, 201);
  await call(tokens.lea, 'GET', `/api/v1/courses/REC-1/activities/${page}`, undefined, 200);
});
after(async () => { if (server) await server.stop(); });

test("the record lists the person's courses with status, progress, completion and hours", async () => {
  const rec = (await call(tokens.lea, 'GET', '/api/v1/me/record', undefined, 200)).json.record;
  assert.equal(rec.person.username, 'lea');
  const byCode = Object.fromEntries(rec.courses.map((c) => [c.code, c]));
  assert.equal(byCode['REC-1'].status, 'complete');
  assert.equal(byCode['REC-1'].percent, 100);
  assert.ok(byCode['REC-1'].finished_at, 'a completion time');
  assert.equal(byCode['REC-1'].hours, 1.5, 'the course duration counts once complete');
  assert.equal(byCode['REC-2'].status, 'overdue', 'due in 2020 and not complete');
  assert.equal(byCode['REC-2'].hours, null);
  for (const key of ['quizzes', 'classroom', 'history', 'policies', 'external', 'programmes']) assert.ok(Array.isArray(rec[key]), key);
  assert.equal(rec.hours.total, 1.5);
  assert.equal(rec.hours.by_year.length, 1);
});

test('external training: bad input is refused at its field and nothing is written', async () => {
  const cases = [
    [{ title: '', date: '2026-03-01', hours: 3 }, 'title'],
    [{ title: 'First aid', date: '2026-02-30', hours: 3 }, 'date'],
    [{ title: 'First aid', date: '2999-01-01', hours: 3 }, 'date'],
    [{ title: 'First aid', date: '2026-03-01', hours: 0 }, 'hours'],
    [{ title: 'First aid', date: '2026-03-01', hours: 'lots' }, 'hours'],
    [{ title: 'x'.repeat(256), date: '2026-03-01', hours: 3 }, 'title'],
  ];
  for (const [body, field] of cases) {
    const r = await call(tokens.lea, 'POST', '/api/v1/users/lea/record/external', body);
    assert.ok(r.status === 422 || r.status === 400, `${JSON.stringify(body)}: ${show(r)}`);
    assert.equal(r.json.error.field, field, show(r));
  }
  assert.equal((await call(tokens.lea, 'GET', '/api/v1/me/record', undefined, 200)).json.record.external.length, 0);
  // Someone else cannot record training for lea; only she or an administrator can.
  assert.equal((await call(tokens.max, 'POST', '/api/v1/users/lea/record/external', { title: 'X', date: '2026-03-01', hours: 1 })).status, 403);
});

test('external training counts once the line manager approves it; a decline needs a reason', async () => {
  const first = (await call(tokens.lea, 'POST', '/api/v1/users/lea/record/external', { title: 'First aid at work', provider: 'Red Cross', date: '2026-03-01', hours: 6.5 }, 201)).json.external;
  assert.equal(first.state, 'pending');
  assert.equal(first.date, '2026-03-01');
  const second = (await call(tokens.lea, 'POST', '/api/v1/users/lea/record/external', { title: 'Forklift licence', date: '2025-11-20', hours: 12 }, 201)).json.external;
  let rec = (await call(tokens.lea, 'GET', '/api/v1/me/record', undefined, 200)).json.record;
  assert.equal(rec.hours.total, 1.5, 'pending training does not count');
  // She cannot approve her own; a manager outside her line is told there is no such entry.
  assert.equal((await call(tokens.lea, 'POST', `/api/v1/external-training/${first.id}/approve`)).status, 403);
  assert.equal((await call(tokens.mo, 'POST', `/api/v1/external-training/${first.id}/approve`)).status, 404);
  assert.deepEqual((await call(tokens.mo, 'GET', '/api/v1/external-training', undefined, 200)).json.entries, []);
  // Her manager's manager sees both waiting; her manager approves one and declines the other.
  assert.equal((await call(tokens.boss, 'GET', '/api/v1/external-training', undefined, 200)).json.entries.length, 2);
  assert.equal((await call(tokens.max, 'POST', `/api/v1/external-training/${first.id}/approve`, undefined, 200)).json.external.state, 'approved');
  assert.equal((await call(tokens.max, 'POST', `/api/v1/external-training/${first.id}/approve`)).status, 409, 'a second decision');
  const noReason = await call(tokens.max, 'POST', `/api/v1/external-training/${second.id}/decline`, {});
  assert.equal(noReason.json.error.field, 'reason', show(noReason));
  const declined = (await call(tokens.max, 'POST', `/api/v1/external-training/${second.id}/decline`, { reason: 'Attach the licence, please.' }, 200)).json.external;
  assert.equal(declined.state, 'declined');
  assert.equal(declined.decline_reason, 'Attach the licence, please.');
  rec = (await call(tokens.lea, 'GET', '/api/v1/me/record', undefined, 200)).json.record;
  assert.equal(rec.hours.total, 8);
  const years = Object.fromEntries(rec.hours.by_year.map((y) => [y.year, y.hours]));
  assert.equal(years[2026], 6.5 + (new Date(rec.courses.find((c) => c.code === 'REC-1').finished_at).getUTCFullYear() === 2026 ? 1.5 : 0));
  const states = Object.fromEntries(rec.external.map((e) => [e.title, e.status]));
  assert.deepEqual(states, { 'First aid at work': 'approved', 'Forklift licence': 'declined' });
  // An administrator's entry for someone counts at once.
  assert.equal((await call(admin, 'POST', '/api/v1/users/lea/record/external', { title: 'Fire warden', date: '2026-01-10', hours: 2 }, 201)).json.external.state, 'approved');
});

test('who reads a record: the person, managers up the line, administrators; nobody else', async () => {
  for (const who of ['max', 'boss']) assert.equal((await call(tokens[who], 'GET', '/api/v1/users/lea/record')).status, 200, who);
  assert.equal((await call(admin, 'GET', '/api/v1/users/lea/record')).status, 200);
  for (const who of ['mo', 'zed']) {
    const r = await call(tokens[who], 'GET', '/api/v1/users/lea/record');
    assert.equal(r.status, 404, `${who}: ${show(r)}`);
    assert.ok(!JSON.stringify(r.json).includes('First aid'), 'nothing of the record');
  }
  assert.equal((await call(tokens.lea, 'GET', '/api/v1/users/max/record')).status, 404, 'not her manager\'s');
});

test("the manager's team: direct reports or everyone below, with their training and what waits for a decision", async () => {
  await call(tokens.lea, 'POST', '/api/v1/users/lea/record/external', { title: 'Ladder safety', date: '2026-02-01', hours: 1 }, 201);
  const direct = (await call(tokens.boss, 'GET', '/api/v1/me/team', undefined, 200)).json;
  assert.equal(direct.scope, 'direct');
  assert.deepEqual(direct.people.map((p) => p.username), ['max']);
  const all = (await call(tokens.boss, 'GET', '/api/v1/me/team?scope=all', undefined, 200)).json;
  assert.deepEqual(all.people.map((p) => [p.username, p.depth, p.manager]), [['lea', 2, 'max'], ['max', 1, 'boss']]);
  const lea = all.people.find((p) => p.username === 'lea');
  assert.deepEqual([lea.enrolled, lea.completed, lea.percent, lea.overdue], [2, 1, 50, 1]);
  assert.equal(all.waiting.external_training, 1, 'the entry waits for anyone up the line');
  assert.equal((await call(tokens.max, 'GET', '/api/v1/me/team', undefined, 200)).json.waiting.external_training, 1);
  for (const who of ['mo', 'zed']) {
    const team = (await call(tokens[who], 'GET', '/api/v1/me/team?scope=all', undefined, 200)).json;
    assert.deepEqual(team.people, [], who);
    assert.equal(team.waiting.total, 0, who);
  }
  const bad = await call(tokens.boss, 'GET', '/api/v1/me/team?scope=everybody');
  assert.equal(bad.json.error.field, 'scope', show(bad));
});
