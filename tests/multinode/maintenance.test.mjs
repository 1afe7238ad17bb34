// Read-only mode on two `lectern serve` nodes sharing one PostgreSQL database: turned on through
// one node, the other refuses writes (503 with Retry-After) and says so in GET /api/v1/status
// once its copy of the state is refreshed (each node reads it at most a second old), while
// reads go on; turned off on the second node, the first takes writes again.
// Needs LECTERN_TEST_PG (scripts/pg-test-cluster.sh sets it); skipped without it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, createTestDatabase, api, show, signIn, adminToken, createUser, poll, testPg, ADMIN_PASSWORD } from '../lib/server.mjs';

const skip = !testPg && 'LECTERN_TEST_PG is not set (run under scripts/pg-test-cluster.sh)';
const PW = 'Copper-Lantern-Orchard-47';
let a;
let b;
const dirs = [];

before(async () => {
  if (skip) return;
  const db = createTestDatabase('lectern_maint_nodes');
  for (let i = 0; i < 2; i++) dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-node-')));
  a = await startServer({ env: { LECTERN_DB: db }, dataDir: dirs[0], args: ['--node-name', 'node-a'] });
  b = await startServer({ env: { LECTERN_DB: db }, dataDir: dirs[1], args: ['--node-name', 'node-b'] });
});

after(async () => {
  for (const s of [a, b]) if (s) await s.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test('read-only mode turned on at one node is obeyed by the other, and ended there', { skip }, async () => {
  const admin = await adminToken(a);
  await createUser(a, { username: 'lea', first_name: 'Lea', last_name: 'Learner', roles: ['learner'], password: PW }, admin);
  const leaOnB = await signIn(b, 'lea', PW);
  // Node b has read the state before the change: its copy must not outlive the change.
  assert.equal((await api(b, 'GET', '/api/v1/status')).json.status, 'ok');
  const on = await api(a, 'POST', '/api/v1/maintenance/read-only', { token: admin, body: { on: true, message: 'Failover' } });
  assert.equal(on.status, 200, show(on));

  await poll(async () => (await api(b, 'GET', '/api/v1/status')).json.status === 'read_only', { timeoutMs: 10000, what: 'node b to read only' });
  const refused = await api(b, 'PATCH', '/api/v1/me', { token: leaOnB, body: { first_name: 'Leah' } });
  assert.equal(refused.status, 503, show(refused));
  assert.ok(Number(refused.headers['retry-after']) > 0);
  assert.equal((await api(b, 'GET', '/api/v1/me', { token: leaOnB })).json.first_name, 'Lea');

  // An administrator signs in on node b and ends it there; node a follows.
  const adminOnB = await signIn(b, 'admin', ADMIN_PASSWORD);
  assert.equal((await api(b, 'POST', '/api/v1/maintenance/read-only', { token: adminOnB, body: { on: false } })).status, 200);
  await poll(async () => (await api(a, 'GET', '/api/v1/status')).json.status === 'ok', { timeoutMs: 10000, what: 'node a to take writes' });
  const leaOnA = await signIn(a, 'lea', PW);
  assert.equal((await api(a, 'PATCH', '/api/v1/me', { token: leaOnA, body: { first_name: 'Leah' } })).status, 200);
});
