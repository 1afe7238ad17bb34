// Interactive writes while a large import commits: the import of 20,000 people is written by a
// job worker in chunks of short transactions, and meanwhile learners sign in and save quiz
// answers over and over. Not one of those requests may fail (no 500, no "database is locked"),
// every saved answer is there afterwards, and the import is there whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, signIn } from '../lib/server.mjs';
import { preview, commitAsync } from '../lib/people.mjs';
import { peopleCsv, quizWithLearners, saveAnswer, storedAnswer, auditVerify, integrityCheck, LEARNER_PW } from '../lib/busy.mjs';

const ROWS = 20000;
let server;
let admin;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
});
after(async () => { if (server) await server.stop(); });

test('sign-ins and answer saves never fail while 20,000 accounts are written', { timeout: 240_000 }, async () => {
  const { learners } = await quizWithLearners(server, admin, 'LOCK-1', 4);
  const imp = await preview(server, admin, peopleCsv(ROWS, 'bulk'));
  assert.equal(imp.summary.create, ROWS, JSON.stringify(imp.summary));
  const c = await commitAsync(server, admin, imp.id);
  assert.equal(c.status, 202, show(c));

  const failures = [];
  const lastSaved = new Map();
  let seq = 0;
  let during = 0; // requests answered while the import was still being written
  let status = 'committing';
  let phases = new Set();
  const watch = (async () => {
    while (status === 'committing') {
      const r = await api(server, 'GET', `/api/v1/user-imports/${imp.id}`, { token: admin });
      assert.equal(r.status, 200, show(r));
      status = r.json.import.status;
      if (r.json.import.progress) phases.add(r.json.import.progress.phase);
      await new Promise((res) => setTimeout(res, 100));
    }
  })();
  // Each learner signs in and saves an answer in a loop, all four at once, until the commit ends.
  const loops = learners.map(async (l) => {
    while (status === 'committing') {
      const s = await api(server, 'POST', '/api/v1/sessions', { body: { username: l.username, password: LEARNER_PW } });
      if (s.status !== 201) failures.push(`sign-in ${l.username}: ${show(s)}`);
      const n = ++seq;
      const r = await saveAnswer(server, l, n);
      if (r.status !== 200) failures.push(`save ${l.username} v${n}: ${show(r)}`);
      else lastSaved.set(l.username, n);
      if (status === 'committing') during += 2;
    }
  });
  await Promise.all([watch, ...loops]);
  assert.deepEqual(failures, [], 'every sign-in and answer save answered 2xx during the import');
  assert.equal(status, 'committed');
  assert.ok(phases.has('writing'), `the requests overlapped the writing phase (saw ${[...phases]})`);
  assert.ok(during >= 8, `requests answered while the import was written: ${during}`);
  for (const l of learners) assert.equal(await storedAnswer(server, l), lastSaved.get(l.username), `${l.username}'s last answer`);
  const people = await api(server, 'GET', '/api/v1/users?q=bulk&per_page=1', { token: admin });
  assert.equal(people.json.total, ROWS, 'the import is there whole');
  assert.ok(await signIn(server, learners[0].username, LEARNER_PW));
  const done = await api(server, 'GET', `/api/v1/user-imports/${imp.id}`, { token: admin });
  assert.equal(done.json.import.written.created, ROWS, show(done));
});

test('after the import the database is sound and the audit chain verifies', async () => {
  assert.equal(integrityCheck(server.dataDir), 'ok');
  const v = auditVerify(server.dataDir, server.dbUrl ? { LECTERN_DB: server.dbUrl } : {});
  assert.equal(v.status, 0, v.stdout + v.stderr);
});
