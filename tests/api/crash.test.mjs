// kill -9 of the server in the middle of writes, then a restart: the database is sound
// (PRAGMA integrity_check), the audit chain verifies, every write answered 2xx before the kill
// is there, and an import cut short is completed by its job (the rows written before the kill
// count as unchanged, the rest is written), so it ends all there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, api, show, adminToken } from '../lib/server.mjs';
import { preview, commitAsync, waitForCommit } from '../lib/people.mjs';
import { peopleCsv, quizWithLearners, saveAnswer, storedAnswer, auditVerify, integrityCheck } from '../lib/busy.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A short lease: the job of the killed server is taken over soon after the restart.
const ARGS = ['--job-lease', '2', '--job-poll', '100'];

async function killHard(server) {
  server.proc.kill('SIGKILL');
  await server.exited;
}

function checkSound(dataDir) {
  assert.equal(integrityCheck(dataDir), 'ok', 'PRAGMA integrity_check');
  const v = auditVerify(dataDir);
  assert.equal(v.status, 0, `lectern audit verify: ${v.stdout}${v.stderr}`);
}

test('killed while an import commits: after the restart the import is there whole', { timeout: 180_000 }, async (t) => {
  const ROWS = 5000;
  let server = await startServer({ args: ARGS });
  const dataDir = server.dataDir;
  t.after(async () => { await server.stop(); fs.rmSync(dataDir, { recursive: true, force: true }); });
  const admin = await adminToken(server);
  const imp = await preview(server, admin, peopleCsv(ROWS, 'crash'));
  const count = async () => (await api(server, 'GET', '/api/v1/users?q=crash&per_page=1', { token: admin })).json.total;
  const c = await commitAsync(server, admin, imp.id);
  assert.equal(c.status, 202, show(c));
  // Kill once some chunks are written, but not all.
  let seen = 0;
  for (let i = 0; i < 2000 && seen === 0; i++) {
    seen = await count();
    if (!seen) await sleep(5);
  }
  await killHard(server);
  assert.ok(seen > 0 && seen < ROWS, `killed part way through the writing (${seen} of ${ROWS} seen)`);

  server = await startServer({ dataDir, args: ARGS });
  const done = await waitForCommit(server, admin, imp.id, { timeoutMs: 60_000 });
  assert.equal(done.json.import.status, 'committed', show(done));
  assert.equal(await count(), ROWS, 'every row of the file is there');
  const dup = await api(server, 'GET', '/api/v1/users?q=crash000001&per_page=5', { token: admin });
  assert.equal(dup.json.total, 1, 'no row written twice');
  await server.stop({ keepDataDir: true });
  checkSound(dataDir);
});

test('killed while many answers are saved: every acknowledged answer survives', { timeout: 180_000 }, async (t) => {
  let server = await startServer({ args: ARGS });
  const dataDir = server.dataDir;
  t.after(async () => { await server.stop(); fs.rmSync(dataDir, { recursive: true, force: true }); });
  const admin = await adminToken(server);
  const { learners } = await quizWithLearners(server, admin, 'CRASH-2', 8);
  const acked = new Map();
  let seq = 0;
  let killed = false;
  // Every learner saves an increasing answer in a loop, all at once; the kill lands among them.
  const loops = learners.map(async (l) => {
    while (!killed) {
      const n = ++seq;
      const r = await saveAnswer(server, l, n).catch(() => null);
      if (r && r.status === 200) acked.set(l.username, n);
    }
  });
  while (seq < 200) await sleep(5);
  killed = true;
  await killHard(server);
  await Promise.all(loops);
  assert.ok(acked.size === learners.length, 'every learner had answers acknowledged before the kill');

  server = await startServer({ dataDir, args: ARGS });
  for (const l of learners) {
    const stored = await storedAnswer(server, l);
    // The last acknowledged answer, or a later one that was written but whose answer was lost.
    assert.ok(stored >= acked.get(l.username), `${l.username}: stored v${stored}, acknowledged v${acked.get(l.username)}`);
  }
  await server.stop({ keepDataDir: true });
  checkSound(dataDir);
});
