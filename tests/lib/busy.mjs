// Helpers for the suites that write while background work runs or the server is killed: a
// course with a one-question quiz and learners with attempts, a generated user file, and
// loops of sign-ins and answer saves that record every answer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { api, show, createUser, signIn, lecternBin } from './server.mjs';

export const LEARNER_PW = 'Amber-Falcon-Ridge-24';

/** A CSV of n new people without passwords (no hashing: the commit is all writing), usernames
 *  PREFIX000001 upwards. */
export function peopleCsv(n, prefix) {
  const lines = ['username,firstname,lastname,email,idnumber,city'];
  for (let i = 1; i <= n; i++) {
    const u = `${prefix}${String(i).padStart(6, '0')}`;
    lines.push(`${u},Ana,Silva,${u}@example.com,${prefix.toUpperCase()}-${i},Lisbon`);
  }
  return lines.join('\n') + '\n';
}

/** A published course with a quiz of one short-answer question and `n` learners, each signed
 *  in with an attempt started. Returns { learners: [{ username, token, attempt, slot }] }. */
export async function quizWithLearners(server, admin, code, n) {
  const call = (method, p, body, token = admin) => api(server, method, p, { token, body });
  let r = await call('POST', '/api/v1/courses', { code, title: 'Under load', status: 'published' });
  assert.equal(r.status, 201, show(r));
  r = await call('POST', `/api/v1/courses/${code}/sections`, { title: 'Quiz' });
  assert.equal(r.status, 201, show(r));
  const section = r.json.id;
  r = await call('POST', `/api/v1/courses/${code}/questions`, {
    type: 'short', title: 'Counter', text: 'Which number?', answers: [{ text: 'v1', fraction: 100, feedback: '' }],
  });
  assert.equal(r.status, 201, show(r));
  const question = r.json.question.id;
  r = await call('POST', `/api/v1/courses/${code}/activities`, { section_id: section, kind: 'quiz', title: 'Counter quiz' });
  assert.equal(r.status, 201, show(r));
  const quiz = r.json.activity.id;
  r = await call('PUT', `/api/v1/courses/${code}/quizzes/${quiz}`, { question_ids: [question], attempts_allowed: 0 });
  assert.equal(r.status, 200, show(r));
  const learners = [];
  for (let i = 0; i < n; i++) {
    const username = `${code.toLowerCase().replace(/[^a-z0-9]/g, '')}l${i}`;
    await createUser(server, { username, email: `${username}@example.com`, first_name: 'L', last_name: String(i), roles: ['learner'], password: LEARNER_PW });
    r = await call('POST', `/api/v1/courses/${code}/enrolments`, { username, role: 'learner' });
    assert.equal(r.status, 201, show(r));
    const token = await signIn(server, username, LEARNER_PW);
    r = await call('POST', `/api/v1/courses/${code}/quizzes/${quiz}/attempts`, undefined, token);
    assert.equal(r.status, 201, show(r));
    learners.push({ username, token, attempt: r.json.attempt.id, slot: r.json.attempt.questions[0].slot });
  }
  return { learners };
}

/** Saves "v<seq>" as the learner's answer; resolves with the answer's status. */
export async function saveAnswer(server, learner, seq) {
  const r = await api(server, 'PUT', `/api/v1/attempts/${learner.attempt}/answers`, {
    token: learner.token, body: { answers: { [learner.slot]: { text: `v${seq}` } }, page: 0 },
  });
  return r;
}

/** The answer stored in the learner's attempt, as its number (0 for none). */
export async function storedAnswer(server, learner) {
  const r = await api(server, 'GET', `/api/v1/attempts/${learner.attempt}`, { token: learner.token });
  assert.equal(r.status, 200, show(r));
  const q = r.json.attempt.questions.find((x) => x.slot === learner.slot);
  const text = q && q.response && q.response.text;
  return text ? Number(text.slice(1)) : 0;
}

/** `lectern audit verify` on the data directory (the server stopped or running). */
export function auditVerify(dataDir, env = {}) {
  return spawnSync(lecternBin(), ['--data', dataDir, 'audit', 'verify'], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, LECTERN_DATA: '', ...env },
  });
}

/** SQLite's own full check of the data directory's database: "ok" when sound. */
export function integrityCheck(dataDir) {
  const r = spawnSync('sqlite3', [path.join(dataDir, 'lectern.db'), 'PRAGMA integrity_check'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return r.stdout.trim() || r.stderr.trim();
}
